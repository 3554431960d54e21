// A data set from an .npz archive (data/npz.h), as numpy users hold one:
//   X  (n, d) features, one sample per ROW (numpy's convention; mlpscope's columns-as-samples
//      layout is made from it), any numeric dtype, C or Fortran order. More dimensions, e.g.
//      images (n, 28, 28), are flattened per sample in C order, as X.reshape(n, -1) would.
//   y  n class labels 0..K-1: shape (n,) or (n, 1), integer or bool, or float with whole values;
//      or an (n, k) one-hot matrix, read as its argmax with K = k. mlpscope trains on class
//      labels, so a target matrix that is not exactly one-hot (soft labels, regression
//      targets) is refused by name.
// num_classes is the largest label + 1, at least 2 (as for CSV), or k for one-hot targets.
// The archive has no test split: --test names one. Errors are one line naming the archive,
// the array and the problem: a missing array (with the names present), a shape that does
// not fit (with the shape expected), a NaN or infinity in X, a negative or fractional label.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/npy.h"

namespace mlpscope {

struct NpzDataOptions {
  std::string x = "X";  // the features' array
  std::string y = "y";  // the labels' array
};

// Reads `path` into a float64 data set named `path`.
Dataset load_npz(const std::string& path, const NpzDataOptions& options = {});

// The pieces of load_npz that arrays held elsewhere (Python's X= and y=) go through too, so
// that they are taken and refused alike:
// features per sample of an X of `shape` (n, d, ...); an Error naming `where` and
// `shape_text` (numpy's spelling) when it holds no samples or no features.
std::uint64_t features_per_sample(const std::string& where, const std::vector<std::uint64_t>& shape,
                                  const std::string& shape_text);
// data.labels and data.num_classes from y: (n,) or (n, 1) class labels, or an (n, k) one-hot
// matrix; `x_shape` names X's shape in the error of a y that does not fit.
void read_targets(Dataset& data, const NpyArray& y, std::uint64_t n, const std::string& x_shape);

}  // namespace mlpscope
