#include "data/dataset.h"

#include <cmath>

#include "core/error.h"

namespace mlpscope {

namespace {

// One sample of raw values S (float64 or a borrowed float32) into T, standardized if asked.
template <class T, class S>
void convert_values(const S* src, Index dim, const FeatureTransform& t, T* out) {
  if (t.identity()) {
    for (Index f = 0; f < dim; ++f) out[f] = static_cast<T>(src[f]);
  } else {
    for (Index f = 0; f < dim; ++f) out[f] = static_cast<T>((src[f] - t.mean[f]) * t.inv_std[f]);
  }
}

template <class T>
void convert_sample(const Dataset& data, Index i, T* out) {
  const Index dim = data.dim;
  const std::size_t base = static_cast<std::size_t>(i * dim);
  const auto& t = data.transform;
  if (data.is_bytes()) {
    const std::uint8_t* src = data.bytes.data() + base;
    if (t.identity()) {
      constexpr T kScale = T(1) / T(255);
      for (Index f = 0; f < dim; ++f) out[f] = static_cast<T>(src[f]) * kScale;
    } else {
      for (Index f = 0; f < dim; ++f)
        out[f] = static_cast<T>((src[f] * (1.0 / 255.0) - t.mean[f]) * t.inv_std[f]);
    }
  } else if (!data.borrowed_f32.empty()) {
    convert_values(data.borrowed_f32.data() + base, dim, t, out);
  } else {
    convert_values(data.doubles() + base, dim, t, out);
  }
}

}  // namespace

template <class T>
void Dataset::gather(const std::int32_t* indices, Index n, Matrix<T>& X,
                     std::int32_t* labels_out) const {
  if (X.rows() != dim || X.cols() != n) X.resize(dim, n);
  gather_columns(indices, n, X, 0, labels_out);
}

template <class T>
void Dataset::gather_columns(const std::int32_t* indices, Index n, Matrix<T>& X, Index column,
                             std::int32_t* labels_out) const {
  for (Index j = 0; j < n; ++j) {
    convert_sample(*this, indices[j], X.col(column + j).data());
    labels_out[j] = labels[static_cast<std::size_t>(indices[j])];
  }
}

template <class T>
void Dataset::gather_range(Index first, Index n, Matrix<T>& X, std::int32_t* labels_out) const {
  if (X.rows() != dim || X.cols() != n) X.resize(dim, n);
  for (Index j = 0; j < n; ++j) {
    convert_sample(*this, first + j, X.col(j).data());
    labels_out[j] = labels[static_cast<std::size_t>(first + j)];
  }
}

template void Dataset::gather<float>(const std::int32_t*, Index, Matrix<float>&,
                                     std::int32_t*) const;
template void Dataset::gather<double>(const std::int32_t*, Index, Matrix<double>&,
                                      std::int32_t*) const;
template void Dataset::gather_columns<float>(const std::int32_t*, Index, Matrix<float>&, Index,
                                             std::int32_t*) const;
template void Dataset::gather_columns<double>(const std::int32_t*, Index, Matrix<double>&, Index,
                                              std::int32_t*) const;
template void Dataset::gather_range<float>(Index, Index, Matrix<float>&, std::int32_t*) const;
template void Dataset::gather_range<double>(Index, Index, Matrix<double>&, std::int32_t*) const;

void Dataset::validate() const {
  const std::size_t expected = static_cast<std::size_t>(dim) * labels.size();
  const std::size_t stored = stored_values();
  if (labels.empty()) throw Error(name + ": the data set is empty");
  if (dim <= 0) throw Error(name + ": samples have no features");
  if (stored != expected)
    throw Error(name + ": " + std::to_string(stored) + " feature values for " +
                std::to_string(labels.size()) + " samples of dimension " + std::to_string(dim));
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] < 0 || labels[i] >= num_classes)
      throw Error(name + ": sample " + std::to_string(i) + " has label " +
                  std::to_string(labels[i]) + ", outside the class range [0, " +
                  std::to_string(num_classes) + ")");
  const auto finite = [this](std::size_t k, double v) {
    if (!std::isfinite(v))
      throw Error(name + ": sample " + std::to_string(k / static_cast<std::size_t>(dim)) +
                  " feature " + std::to_string(k % static_cast<std::size_t>(dim)) +
                  " is not a finite number");
  };
  for (std::size_t k = 0; k < borrowed_f32.size(); ++k) finite(k, borrowed_f32[k]);
  const double* d = doubles();
  for (std::size_t k = 0; d && k < stored; ++k) finite(k, d[k]);
}

void Dataset::truncate(Index n) {
  if (n >= size()) return;
  const std::size_t keep = static_cast<std::size_t>(n * dim);
  labels.resize(static_cast<std::size_t>(n));
  if (is_bytes()) {
    bytes.resize(keep);
    bytes.shrink_to_fit();
  } else if (is_borrowed()) {
    if (!borrowed_f32.empty()) borrowed_f32 = borrowed_f32.first(keep);
    if (!borrowed_f64.empty()) borrowed_f64 = borrowed_f64.first(keep);
  } else {
    values.resize(keep);
    values.shrink_to_fit();
  }
  labels.shrink_to_fit();
}

FeatureTransform standardization(const Dataset& data) {
  FeatureTransform t;
  const Index dim = data.dim;
  const Index n = data.size();
  t.mean.assign(static_cast<std::size_t>(dim), 0.0);
  t.inv_std.assign(static_cast<std::size_t>(dim), 1.0);
  std::vector<double> sum_sq(static_cast<std::size_t>(dim), 0.0);
  for (Index i = 0; i < n; ++i)
    for (Index f = 0; f < dim; ++f) t.mean[f] += data.raw(i, f);
  for (auto& m : t.mean) m /= static_cast<double>(n);
  for (Index i = 0; i < n; ++i)
    for (Index f = 0; f < dim; ++f) {
      const double d = data.raw(i, f) - t.mean[f];
      sum_sq[f] += d * d;
    }
  for (Index f = 0; f < dim; ++f) {
    const double sd = std::sqrt(sum_sq[f] / static_cast<double>(n));
    t.inv_std[f] = sd < 1e-8 ? 1.0 : 1.0 / sd;
  }
  return t;
}

}  // namespace mlpscope
