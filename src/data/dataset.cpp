#include "data/dataset.h"

#include <cmath>

#include "core/error.h"

namespace mlpscope {

namespace {

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
  } else {
    const double* src = data.values.data() + base;
    if (t.identity()) {
      for (Index f = 0; f < dim; ++f) out[f] = static_cast<T>(src[f]);
    } else {
      for (Index f = 0; f < dim; ++f) out[f] = static_cast<T>((src[f] - t.mean[f]) * t.inv_std[f]);
    }
  }
}

}  // namespace

template <class T>
void Dataset::gather(const std::int32_t* indices, Index n, Matrix<T>& X,
                     std::int32_t* labels_out) const {
  if (X.rows() != dim || X.cols() != n) X.resize(dim, n);
  for (Index j = 0; j < n; ++j) {
    convert_sample(*this, indices[j], X.col(j).data());
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
template void Dataset::gather_range<float>(Index, Index, Matrix<float>&, std::int32_t*) const;
template void Dataset::gather_range<double>(Index, Index, Matrix<double>&, std::int32_t*) const;

void Dataset::validate() const {
  const std::size_t expected = static_cast<std::size_t>(dim) * labels.size();
  const std::size_t stored = is_bytes() ? bytes.size() : values.size();
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
  for (std::size_t k = 0; k < values.size(); ++k)
    if (!std::isfinite(values[k]))
      throw Error(name + ": sample " + std::to_string(k / static_cast<std::size_t>(dim)) +
                  " feature " + std::to_string(k % static_cast<std::size_t>(dim)) +
                  " is not a finite number");
}

void Dataset::truncate(Index n) {
  if (n >= size()) return;
  const std::size_t keep = static_cast<std::size_t>(n * dim);
  labels.resize(static_cast<std::size_t>(n));
  if (is_bytes()) {
    bytes.resize(keep);
    bytes.shrink_to_fit();
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
