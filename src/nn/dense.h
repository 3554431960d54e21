// A dense (fully connected) layer, forward and backward side by side.
// X: (in, N)  W: (out, in)  b: (out)  Z: (out, N); columns are samples (core/types.h).
//   forward   Z = W X + b 1ᵀ
//   backward  dW = dZ Xᵀ,  db = dZ 1,  dX = Wᵀ dZ   (overwrites dW, db, dX)
//   plain SGD fused into backward (Robbins & Monro 1951 step, taken in place):
//             dX = Wᵀ dZ (with the W of the forward pass), then W ← W − lr·dZ Xᵀ,
//             b ← b − lr·dZ 1; the gradient itself is never stored.
//
// Two implementations of each: `reference_*`, Eigen expressions written as the maths
// reads (the oracle that tests hold the fast path against), and the fast path, which
// calls BLAS directly (core/blas.h: no zero fill before a product, α and β used to scale
// and accumulate) and has kernels of its own for one sample (N = 1):
//   * Z = W x as a sum of the columns of W over the NONZERO entries of x only: ReLU
//     outputs and Fashion-MNIST pixels are about half zeros, and a zero entry adds
//     exactly nothing (0·w = 0 for every finite w);
//   * the fused SGD step walks W once, column by column: dX[j] = W(:,j)·δ with the old
//     column, then W(:,j) −= lr·x[j]·δ, skipping columns whose x[j] is 0 (their update
//     is exactly zero). One read and one write of W instead of gemv + ger + the
//     optimizer's separate pass over W and the stored gradient.
//   * for the first layer of an online (batch 1) SGD run, that step fused with the
//     next sample's forward product (dense_sgd_step_then_forward): a first layer of
//     784×256 floats (800 KiB) is larger than the L2, so two walks per sample, the
//     update and then the next forward product, each stream it from L3; walked once,
//     each column is read while the update has just left it in L1.
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

// Plain SGD fused into backward: updates W and b in place; dX (if not null) is computed
// with W as it was before the update, as backward would.
template <class T>
void dense_backward_sgd(MatrixMap<T>& W, VectorMap<T>& b, const Matrix<T>& X, const Matrix<T>& dZ,
                        T lr, Matrix<T>* dX);

// At one sample: dense_backward_sgd's step for the input x and output gradient δ (no dX),
// then z_next ← W x_next + b with the updated W and b, as dense_forward would compute it
// (the same bits: the products add in the same order). W and b: (out, in) and (out);
// x, x_next: in values; δ, z_next: out values.
template <class T>
void dense_sgd_step_then_forward(MatrixMap<T>& W, VectorMap<T>& b, const T* x, const T* delta,
                                 T lr, const T* x_next, T* z_next);

// The same walk over the columns [first, first + count) only, for two threads that take
// one contiguous range each (a range of columns is one block of memory, so the two
// threads meet at one boundary of W only, not at every column as a split by rows would):
// the step of those columns (not the bias's),
// and z_part += Σ over them of x_next[j]·W(:,j) with the updated columns.
template <class T>
void dense_sgd_step_then_forward_columns(MatrixMap<T>& W, const T* x, const T* delta, T lr,
                                         const T* x_next, Index first, Index count, T* z_part);

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
