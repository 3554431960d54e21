// A labelled classification data set held the way it was stored.
//
// Images stay uint8 in memory (60000×784 bytes for Fashion-MNIST, not 188 MB of float);
// CSV and synthetic data are float64. Either way samples are contiguous (sample i starts
// at i·dim), matching the column-per-sample layout of core/types.h, and a batch is
// converted to T only when it is gathered. The feature transform applied on gathering is
//   x = (raw · base_scale − mean[f]) · inv_std[f]
// with base_scale = 1/255 for uint8 pixels and 1 otherwise; mean = 0 and inv_std = 1
// unless standardized (computed on the training set and reused for the test set).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/types.h"

namespace mlpscope {

struct FeatureTransform {
  std::vector<double> mean;     // per feature; empty means 0
  std::vector<double> inv_std;  // per feature; empty means 1
  bool identity() const { return mean.empty() && inv_std.empty(); }
};

class Dataset {
 public:
  std::string name;  // what the user asked for, e.g. "fashion-mnist (train)"
  Index dim = 0;
  Index num_classes = 0;
  std::vector<std::uint8_t> bytes;  // uint8 storage (images), dim·count values, or empty
  std::vector<double> values;       // float64 storage, dim·count values, or empty
  // Features the caller holds and keeps alive (Python's numpy X=), read where they are
  // instead of copied: float32 or float64, dim·count values sample after sample. At most
  // one storage is set; borrowed arrays keep their own precision until a batch is gathered.
  std::span<const float> borrowed_f32;
  std::span<const double> borrowed_f64;
  std::vector<std::int32_t> labels;      // one per sample, in [0, num_classes)
  std::vector<std::string> class_names;  // optional, e.g. CSV string labels
  FeatureTransform transform;

  Index size() const { return static_cast<Index>(labels.size()); }
  bool is_bytes() const { return !bytes.empty(); }
  double base_scale() const { return is_bytes() ? 1.0 / 255.0 : 1.0; }

  bool is_borrowed() const { return !borrowed_f32.empty() || !borrowed_f64.empty(); }
  // The float64 features, stored or borrowed; null when they are bytes or float32.
  const double* doubles() const {
    return !borrowed_f64.empty() ? borrowed_f64.data() : values.empty() ? nullptr : values.data();
  }
  // Feature values held, whatever the storage.
  std::size_t stored_values() const {
    return bytes.size() + values.size() + borrowed_f32.size() + borrowed_f64.size();
  }

  // Raw feature f of sample i with base scaling but without standardization.
  double raw(Index i, Index f) const {
    const std::size_t k = static_cast<std::size_t>(i * dim + f);
    if (is_bytes()) return bytes[k] * (1.0 / 255.0);
    if (!borrowed_f32.empty()) return borrowed_f32[k];
    return doubles()[k];
  }

  // X (dim, n) ← samples indices[0..n) transformed; labels_out[j] ← their labels.
  template <class T>
  void gather(const std::int32_t* indices, Index n, Matrix<T>& X, std::int32_t* labels_out) const;
  // The same into columns [column, column + n) of X, already (dim, ≥ column + n), and
  // labels_out[0..n): threads may fill disjoint columns of one X at once.
  template <class T>
  void gather_columns(const std::int32_t* indices, Index n, Matrix<T>& X, Index column,
                      std::int32_t* labels_out) const;
  // The contiguous range [first, first+n).
  template <class T>
  void gather_range(Index first, Index n, Matrix<T>& X, std::int32_t* labels_out) const;

  // Checks the invariants (sizes agree, labels in range, values finite); throws Error.
  void validate() const;
  // Keeps the first n samples (--limit).
  void truncate(Index n);
};

// Mean and 1/std per feature over the data set; a feature with std below 1e-8 (a pixel
// that is 0 in every image) gets inv_std = 1 so it stays 0 instead of blowing up.
FeatureTransform standardization(const Dataset& data);

}  // namespace mlpscope
