// A dense (fully connected) layer, forward and backward side by side.
// X: (in, N)  W: (out, in)  b: (out)  Z: (out, N); columns are samples (core/types.h).
//   forward   Z = W X + b 1ᵀ
//   backward  dW = dZ Xᵀ,  db = dZ 1,  dX = Wᵀ dZ   (overwrites dW, db, dX)
// (Plain SGD fused into backward, which never stores dW, is an optimizer's business:
// train/sgd_kernels.h.)
//
// Two implementations of each: `reference_*`, Eigen expressions written as the maths
// reads (the oracle that tests hold the fast path against), and the fast path, which
// calls BLAS directly (core/blas.h: no zero fill before a product, α and β used to scale
// and accumulate) and has kernels of its own for one sample (N = 1):
//   * Z = W x as a sum of the columns of W over the NONZERO entries of x only: ReLU
//     outputs and Fashion-MNIST pixels are about half zeros, and a zero entry adds
//     exactly nothing (0·w = 0 for every finite w);
// Skipping zeros differs from the dense product only where W already holds ±Inf or NaN
// (0·Inf is NaN): such a network has diverged, and the trainer stops it on the loss or at
// the epoch's evaluation, which runs the dense product over the whole training set.
#pragma once

#include "core/types.h"

namespace mlpscope {

// Z ← W X + b 1ᵀ; Z is resized to (out, N) if it is not already.
template <class T>
void dense_forward(const ConstMatrixMap<T>& W, const ConstVectorMap<T>& b, const Matrix<T>& X,
                   Matrix<T>& Z);

// dX may be null for the first layer, whose input needs no gradient.
template <class T>
void dense_backward(const ConstMatrixMap<T>& W, const Matrix<T>& X, const Matrix<T>& dZ,
                    MatrixMap<T>& dW, VectorMap<T>& db, Matrix<T>* dX);

template <class T>
void reference_dense_forward(const ConstMatrixMap<T>& W, const ConstVectorMap<T>& b,
                             const Matrix<T>& X, Matrix<T>& Z) {
  Z.noalias() = W * X;
  Z.colwise() += b;
}

template <class T>
void reference_dense_backward(const ConstMatrixMap<T>& W, const Matrix<T>& X, const Matrix<T>& dZ,
                              MatrixMap<T>& dW, VectorMap<T>& db, Matrix<T>* dX) {
  dW.noalias() = dZ * X.transpose();
  db.noalias() = dZ.rowwise().sum();
  if (dX) dX->noalias() = W.transpose() * dZ;
}

}  // namespace mlpscope
