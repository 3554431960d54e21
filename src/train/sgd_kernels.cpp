#include "train/sgd_kernels.h"

#include "core/blas.h"
#include "nn/dense_columns.h"

namespace mlpscope {

using detail::add_columns;
using detail::resize_if_needed;

template <class T>
void dense_backward_sgd(MatrixMap<T>& W, VectorMap<T>& b, const Matrix<T>& X, const Matrix<T>& dZ,
                        T lr, Matrix<T>* dX) {
  const Index N = X.cols();
  if (dX) resize_if_needed(*dX, W.cols(), N);
  if (N == 1) {
    const ConstVectorMap<T> delta(dZ.data(), dZ.rows());
    const T* x = X.data();
    // dX = Wᵀδ with the old W, before the update, by Eigen's matrix-vector kernel: one dot
    // product per column taken inside the loop below was a chain of dependent FMAs and a
    // horizontal sum per column, a quarter of an online step on Fashion-MNIST (perf); the
    // kernel keeps several columns in flight. Not BLAS: with --threads 2 OpenBLAS would
    // wake its own thread at every step, and that thread's yielding took the core from the
    // step's helper (core/spin_worker.h). A layer with a dX is not the first: W is small
    // enough to stay in cache for the second walk.
    if (dX) dX->col(0).noalias() = W.transpose() * delta;
    // Last column first: the forward pass walks W from the first column, so the columns
    // this loop touches last are the ones the next sample's forward pass reads first, still
    // in cache (a first layer of 784×256 floats is larger than a 512 KiB L2). Online
    // training fuses the two walks instead where it can (dense_sgd_step_then_forward).
    for (Index j = W.cols() - 1; j >= 0; --j)
      if (x[j] != T(0)) W.col(j).noalias() -= (lr * x[j]) * delta;
    b.noalias() -= lr * delta;
    return;
  }
  if (dX) gemm<T>(Op::transpose, Op::none, T(1), W, dZ, T(0), *dX);  // before W moves
  gemm<T>(Op::none, Op::transpose, -lr, dZ, X, T(1), W);
  b.noalias() -= lr * dZ.rowwise().sum();
}

template <class T>
void dense_sgd_step_then_forward_columns(MatrixMap<T>& W, const T* x, const T* delta, T lr,
                                         const T* x_next, Index first, Index count, T* z_part) {
  const ConstVectorMap<T> d(delta, W.rows());
  VectorMap<T> out(z_part, W.rows());
  Index pending[4];
  int pending_count = 0;
  for (Index j = first; j < first + count; ++j) {
    auto column = W.col(j);
    if (x[j] != T(0)) column.noalias() -= (lr * x[j]) * d;
    if (x_next[j] == T(0)) continue;
    // Column j is final for this step: the next sample's product may read it while it
    // is still in L1, and the group adds in dense_forward's order.
    pending[pending_count++] = j;
    if (pending_count == 4) {
      add_columns(W, x_next, pending, 4, out);
      pending_count = 0;
    }
  }
  add_columns(W, x_next, pending, pending_count, out);
}

template <class T>
void dense_sgd_step_then_forward(MatrixMap<T>& W, VectorMap<T>& b, const T* x, const T* delta, T lr,
                                 const T* x_next, T* z_next) {
  b.noalias() -= lr * ConstVectorMap<T>(delta, W.rows());
  VectorMap<T>(z_next, W.rows()) = b;
  dense_sgd_step_then_forward_columns(W, x, delta, lr, x_next, 0, W.cols(), z_next);
}
template void dense_backward_sgd<float>(MatrixMap<float>&, VectorMap<float>&, const Matrix<float>&,
                                        const Matrix<float>&, float, Matrix<float>*);
template void dense_backward_sgd<double>(MatrixMap<double>&, VectorMap<double>&,
                                         const Matrix<double>&, const Matrix<double>&, double,
                                         Matrix<double>*);
template void dense_sgd_step_then_forward<float>(MatrixMap<float>&, VectorMap<float>&, const float*,
                                                 const float*, float, const float*, float*);
template void dense_sgd_step_then_forward<double>(MatrixMap<double>&, VectorMap<double>&,
                                                  const double*, const double*, double,
                                                  const double*, double*);
template void dense_sgd_step_then_forward_columns<float>(MatrixMap<float>&, const float*,
                                                         const float*, float, const float*, Index,
                                                         Index, float*);
template void dense_sgd_step_then_forward_columns<double>(MatrixMap<double>&, const double*,
                                                          const double*, double, const double*,
                                                          Index, Index, double*);

}  // namespace mlpscope
