// mlpscope conventions, stated once. Every file of the library includes this header.
//
// Layout: a batch is a matrix with one COLUMN PER SAMPLE. X is (features, N); a dense
//   layer holds W (out, in) and b (out), exactly as PyTorch's nn.Linear stores them, and
//   computes Z = W X + b 1ᵀ, Z (out, N). Eigen matrices are column-major, so one sample is
//   contiguous in memory and a batch of uint8 images converts column by column.
// Scalars: T is float or double (--dtype f32 / f64); every template below is instantiated
//   for both in its .cpp file. Losses and metrics are accumulated in double.
// Parameters: one flat vector per network, layer after layer, each layer W then b, W in
//   Eigen's column-major order. Gradients live in a second flat vector of the same layout,
//   so an optimizer is one loop and per-layer views are Eigen::Map into the flat vectors.
// Gradients: backward OVERWRITES gradients (never accumulates); the loss is a mean over
//   the batch, so gradients are the gradients of that mean.
// Buffers: activations and their gradients live in a Workspace owned by the caller and
//   sized once per batch size; the network owns only parameters and gradients.
// Errors: anything wrong with user input throws mlpscope::Error (core/error.h) carrying
//   what and where; the library never prints and never exits.
#pragma once

// GCC 12 warns -Wmaybe-uninitialized inside its own AVX-512 headers for every Eigen product
// built with -march=native (`__Y = __Y` in _mm256_undefined_pd; GCC bug 105593, a false
// positive): some 700 warnings that would hide real ones. Silenced for Eigen's headers
// alone, where immintrin.h is first included, on GCC 12 alone.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <Eigen/Core>
#pragma GCC diagnostic pop
#else
#include <Eigen/Core>
#endif
#include <cstdint>

namespace mlpscope {

template <class T>
using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
template <class T>
using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
template <class T>
using MatrixMap = Eigen::Map<Matrix<T>>;
template <class T>
using ConstMatrixMap = Eigen::Map<const Matrix<T>>;
template <class T>
using VectorMap = Eigen::Map<Vector<T>>;
template <class T>
using ConstVectorMap = Eigen::Map<const Vector<T>>;

using Index = Eigen::Index;

}  // namespace mlpscope
