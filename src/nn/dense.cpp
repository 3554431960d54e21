#include "nn/dense.h"

#include "core/blas.h"
#include "nn/dense_columns.h"

namespace mlpscope {

namespace {

using detail::add_columns;
using detail::resize_if_needed;

// z ← z + W x over the nonzero entries of x, four columns of W per pass over z so that z
// is loaded and stored once per four columns (z stays in L1: out ≤ a few thousand).
template <class T>
void add_sparse_matvec(const ConstMatrixMap<T>& W, const T* x, T* z) {
  VectorMap<T> out(z, W.rows());
  Index pending[4];
  int count = 0;
  for (Index j = 0; j < W.cols(); ++j) {
    if (x[j] == T(0)) continue;  // NaN is not 0: it still reaches z
    pending[count++] = j;
    if (count == 4) {
      add_columns(W, x, pending, 4, out);
      count = 0;
    }
  }
  add_columns(W, x, pending, count, out);
}

}  // namespace

template <class T>
void dense_forward(const ConstMatrixMap<T>& W, const ConstVectorMap<T>& b, const Matrix<T>& X,
                   Matrix<T>& Z) {
  resize_if_needed(Z, W.rows(), X.cols());
  // Z starts as the bias and the product accumulates into it (β = 1): no zero fill (the
  // one OpenBLAS does for β = 0 is a memset per call) and no separate pass adding b.
  Z.colwise() = b;
  if (X.cols() == 1)
    add_sparse_matvec(W, X.data(), Z.data());
  else
    gemm<T>(Op::none, Op::none, T(1), W, X, T(1), Z);
}

template <class T>
void dense_backward(const ConstMatrixMap<T>& W, const Matrix<T>& X, const Matrix<T>& dZ,
                    MatrixMap<T>& dW, VectorMap<T>& db, Matrix<T>* dX) {
  const Index N = X.cols();
  if (N == 1) {
    dW.noalias() = dZ.col(0) * X.col(0).transpose();  // one pass writing dW, no BLAS call
    db = dZ.col(0);
  } else {
    gemm<T>(Op::none, Op::transpose, T(1), dZ, X, T(0), dW);
    db.noalias() = dZ.rowwise().sum();
  }
  if (!dX) return;
  resize_if_needed(*dX, W.cols(), N);
  if (N == 1)
    gemv<T>(Op::transpose, T(1), W, dZ.data(), T(0), dX->data());
  else
    gemm<T>(Op::transpose, Op::none, T(1), W, dZ, T(0), *dX);
}

template void dense_forward<float>(const ConstMatrixMap<float>&, const ConstVectorMap<float>&,
                                   const Matrix<float>&, Matrix<float>&);
template void dense_backward<float>(const ConstMatrixMap<float>&, const Matrix<float>&,
                                    const Matrix<float>&, MatrixMap<float>&, VectorMap<float>&,
                                    Matrix<float>*);
template void dense_forward<double>(const ConstMatrixMap<double>&, const ConstVectorMap<double>&,
                                    const Matrix<double>&, Matrix<double>&);
template void dense_backward<double>(const ConstMatrixMap<double>&, const Matrix<double>&,
                                     const Matrix<double>&, MatrixMap<double>&, VectorMap<double>&,
                                     Matrix<double>*);
}  // namespace mlpscope
