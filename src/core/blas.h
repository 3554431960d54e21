// The two products the training step is made of, called directly instead of through
// Eigen's product expressions:
//
//   gemm   C ← α·op(A)·op(B) + β·C     op(M) = M or Mᵀ
//   gemv   y ← α·op(A)·x + β·y
//
// Why not `C.noalias() = A * B`: with EIGEN_USE_BLAS Eigen zero-fills C and then calls
// ?gemm with β = 1 (a full extra pass over C: 9% of the batch-1 profile), and it cannot
// express "accumulate into C" (β = 1) or "scale while multiplying" (α = −lr), which is
// what lets plain SGD update W in the same product that forms the gradient (nn/dense.h).
// With OpenBLAS (MLPSCOPE_HAVE_OPENBLAS) these are cblas_?gemm / cblas_?gemv; without
// it, Eigen's own kernels, with the same meaning. Small products, where packing costs
// more than the arithmetic, go to kernels generated for their shape (core/small_gemm.h). Shapes are
// checked by assertions of the caller's invariants only (the network sizes every buffer), not
// against user input. While the thread has a helper (core/shared_work.h), a product whose
// halves have more than kShareMinHalfMnk multiply-adds goes to BLAS in two, one per thread.
#pragma once

#include "core/types.h"

namespace mlpscope {

enum class Op { none, transpose };

// The smallest m·n·k that a half of a shared product may have. OpenBLAS (0.3.x built with
// SMALL_MATRIX_OPT, as Debian's is, on AVX-512 cores) hands products of m·n·k ≤ 100³ to
// kernels that keep the whole sum over k in registers, and the others to its blocked kernels,
// which round at each block of k: a half on one side of the line and the whole on the other
// would not give the same bits. Above it, a half is also long enough (≥ 2 MFLOP, ≥ 10 µs)
// to pay for the hand-over.
constexpr double kShareMinHalfMnk = 100.0 * 100.0 * 100.0;

template <class T>
void gemm(Op op_a, Op op_b, T alpha, Eigen::Ref<const Matrix<T>> A, Eigen::Ref<const Matrix<T>> B,
          T beta, Eigen::Ref<Matrix<T>> C);

template <class T>
void gemv(Op op_a, T alpha, Eigen::Ref<const Matrix<T>> A, const T* x, T beta, T* y);

}  // namespace mlpscope
