// Plain SGD fused into a dense layer's backward pass (Robbins & Monro 1951, the step taken
// in place): dX = Wᵀ dZ with the W of the forward pass, then W ← W − lr·dZ Xᵀ and
// b ← b − lr·dZ 1. The gradient itself is never stored: one pass over W instead of the
// gradient's write, its read and the optimizer's own pass (bench/RESULTS.md, change 2).
// X: (in, N)  W: (out, in)  b: (out)  dZ: (out, N); columns are samples (core/types.h).
//
// At one sample (N = 1) the step walks W once, column by column, skipping the columns
// whose x[j] is 0 (their update is exactly zero). For the first layer of an online SGD
// run that walk is fused with the next sample's forward product
// (dense_sgd_step_then_forward): a first layer of 784×256 floats (800 KiB) is larger than
// the L2, so two walks per sample, the update and then the next forward product, would
// each stream it from L3; walked once, each column is read while the update has just left
// it in L1. The product adds in nn/dense.cpp's order (nn/dense_columns.h): the same bits.
#pragma once

#include "core/types.h"

namespace mlpscope {

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
void dense_sgd_step_then_forward(MatrixMap<T>& W, VectorMap<T>& b, const T* x, const T* delta, T lr,
                                 const T* x_next, T* z_next);

// The same walk over the columns [first, first + count) only, for two threads that take
// one contiguous range each (a range of columns is one block of memory, so the two
// threads meet at one boundary of W only, not at every column as a split by rows would):
// the step of those columns (not the bias's),
// and z_part += Σ over them of x_next[j]·W(:,j) with the updated columns.
template <class T>
void dense_sgd_step_then_forward_columns(MatrixMap<T>& W, const T* x, const T* delta, T lr,
                                         const T* x_next, Index first, Index count, T* z_part);
}  // namespace mlpscope
