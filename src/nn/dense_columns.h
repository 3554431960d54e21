// Pieces shared by the dense layer's kernels (nn/dense.cpp) and the fused SGD kernels
// (train/sgd_kernels.cpp), which must add in the same order to give the same bits:
// a step fused with the next forward product is tested equal, bit for bit, to the two
// taken apart (tests/nn/fast_path_test.cpp).
#pragma once

#include "core/types.h"

namespace mlpscope::detail {

// out ← out + x[j0]·W(:,j0) + … + x[j3]·W(:,j3): the four columns of one pass over out.
template <class T, class WeightMap>
inline void add_columns(const WeightMap& W, const T* x, const Index* j, int count,
                        VectorMap<T>& out) {
  if (count == 4) {
    out.noalias() += x[j[0]] * W.col(j[0]) + x[j[1]] * W.col(j[1]) + x[j[2]] * W.col(j[2]) +
                     x[j[3]] * W.col(j[3]);
    return;
  }
  for (int i = 0; i < count; ++i) out.noalias() += x[j[i]] * W.col(j[i]);
}

// Resizes M only when its shape differs: a buffer reused step after step allocates once.
template <class T>
inline void resize_if_needed(Matrix<T>& M, Index rows, Index cols) {
  if (M.rows() != rows || M.cols() != cols) M.resize(rows, cols);
}

}  // namespace mlpscope::detail
