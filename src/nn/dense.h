// A dense (fully connected) layer, forward and backward side by side.
// X: (in, N)  W: (out, in)  b: (out)  Z: (out, N); columns are samples (core/types.h).
//   forward   Z = W X + b 1ᵀ
//   backward  dW = dZ Xᵀ,  db = dZ 1,  dX = Wᵀ dZ   (overwrites dW, db, dX)
#pragma once

#include "core/types.h"

namespace mlpscope {

template <class T>
void dense_forward(const ConstMatrixMap<T>& W, const ConstVectorMap<T>& b, const Matrix<T>& X,
                   Matrix<T>& Z) {
  Z.noalias() = W * X;
  Z.colwise() += b;
}

// dX may be null for the first layer, whose input needs no gradient.
template <class T>
void dense_backward(const ConstMatrixMap<T>& W, const Matrix<T>& X, const Matrix<T>& dZ,
                    MatrixMap<T>& dW, VectorMap<T>& db, Matrix<T>* dX) {
  dW.noalias() = dZ * X.transpose();
  db.noalias() = dZ.rowwise().sum();
  if (dX) dX->noalias() = W.transpose() * dZ;
}

}  // namespace mlpscope
