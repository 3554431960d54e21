#include "data/npz_data.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "data/npz.h"

namespace mlpscope {

namespace {

constexpr std::int64_t kMaxLabel = std::numeric_limits<std::int32_t>::max() - 1;

std::string number_text(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  std::string text = std::to_string(value);  // "1.500000": trailing zeros say nothing
  text.erase(text.find_last_not_of('0') + 1);
  if (text.ends_with('.')) text.pop_back();
  return text;
}

void require_array(const NpzArchive& archive, const std::string& name, const char* role) {
  if (archive.contains(name)) return;
  throw Error(archive.path() + ": no array '" + name + "' for " + role + "; the archive holds " +
              archive.names_text() + "; npz:FILE,x=NAME,y=NAME names others");
}

}  // namespace

std::uint64_t features_per_sample(const std::string& where, const std::vector<std::uint64_t>& shape,
                                  const std::string& shape_text) {
  if (shape.size() < 2)
    throw Error(where + ": shape " + shape_text + ", expected (n, d): one sample per row" +
                (shape.size() == 1 ? " (for a single feature, save X.reshape(-1, 1))" : ""));
  const std::uint64_t n = shape[0];
  std::uint64_t size = 1;
  for (const std::uint64_t s : shape) size *= s;
  const std::uint64_t dim = size / std::max<std::uint64_t>(n, 1);
  if (n == 0) throw Error(where + ": shape " + shape_text + " holds no samples");
  if (dim == 0) throw Error(where + ": shape " + shape_text + ": samples have no features");
  if (n > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max()))
    throw Error(where + ": " + std::to_string(n) + " samples, more than 2^31 - 1");
  return dim;
}

namespace {

// The features: (n, d, ...) with one sample per row, flattened per sample in C order, which
// is exactly the contiguous sample-after-sample storage of Dataset::values.
void read_features(Dataset& data, const NpyArray& x) {
  const std::uint64_t dim = features_per_sample(x.where, x.shape, x.shape_text());
  data.dim = static_cast<Index>(dim);
  data.values = x.to_doubles();
  for (std::size_t k = 0; k < data.values.size(); ++k)
    if (!std::isfinite(data.values[k]))
      throw Error(x.where + ": sample " + std::to_string(k / dim) + ", feature " +
                  std::to_string(k % dim) + " is " + number_text(data.values[k]) +
                  "; features must be finite numbers");
}

void check_label(const NpyArray& y, std::size_t i, double value) {
  std::string problem;
  if (!std::isfinite(value) || value != std::floor(value))
    problem = " is not a whole number";
  else if (value < 0)
    problem = " is negative";
  else if (value > static_cast<double>(kMaxLabel))
    problem = " is above " + std::to_string(kMaxLabel);
  if (!problem.empty())
    throw Error(y.where + ": label " + number_text(value) + " at index " + std::to_string(i) +
                problem + "; labels are class indices 0, 1, 2, ...");
}

// Labels (n,) or (n, 1): integers as they are, floats when they are whole numbers.
void read_labels(Dataset& data, const NpyArray& y) {
  if (y.dtype.kind == NpyKind::Float) {
    const std::vector<double> values = y.to_doubles();
    for (std::size_t i = 0; i < values.size(); ++i) check_label(y, i, values[i]);
    data.labels.assign(values.begin(), values.end());
  } else {
    const std::vector<std::int64_t> values = y.to_integers();
    for (std::size_t i = 0; i < values.size(); ++i)
      if (values[i] < 0 || values[i] > kMaxLabel) check_label(y, i, static_cast<double>(values[i]));
    data.labels.assign(values.begin(), values.end());
  }
  const std::int32_t largest = *std::max_element(data.labels.begin(), data.labels.end());
  data.num_classes = std::max<Index>(2, Index{largest} + 1);
}

// An (n, k) one-hot matrix: each row all zeros but for one 1, whose column is the label.
void read_one_hot(Dataset& data, const NpyArray& y) {
  const std::uint64_t k = y.shape[1];
  const std::vector<double> values = y.to_doubles();
  for (std::size_t i = 0; i < values.size() / k; ++i) {
    const double* row = values.data() + i * k;
    const auto ones = std::count(row, row + k, 1.0);
    const auto zeros = std::count(row, row + k, 0.0);
    if (ones != 1 || zeros != static_cast<std::ptrdiff_t>(k) - 1)
      throw Error(y.where + ": shape " + y.shape_text() + " is not one-hot: row " +
                  std::to_string(i) + " is not a single 1 among zeros; mlpscope trains on " +
                  "class labels: save y.argmax(axis=1) for scores, or labels 0..K-1");
    data.labels.push_back(static_cast<std::int32_t>(std::find(row, row + k, 1.0) - row));
  }
  data.num_classes = static_cast<Index>(k);
}

}  // namespace

void read_targets(Dataset& data, const NpyArray& y, std::uint64_t n, const std::string& x_shape) {
  const std::string expected = "expected (" + std::to_string(n) + ",) labels or a (" +
                               std::to_string(n) + ", k) one-hot matrix, one row per row of " +
                               "X " + x_shape;
  const bool fits = (y.shape.size() == 1 || y.shape.size() == 2) && y.shape[0] == n &&
                    (y.shape.size() == 1 || y.shape[1] >= 1);
  if (!fits) throw Error(y.where + ": shape " + y.shape_text() + ", " + expected);
  if (y.shape.size() == 2 && y.shape[1] > static_cast<std::uint64_t>(kMaxLabel))
    throw Error(y.where + ": shape " + y.shape_text() + ": more classes than 2^31 - 1");
  if (y.shape.size() == 1 || y.shape[1] == 1)
    read_labels(data, y);
  else
    read_one_hot(data, y);
}

Dataset load_npz(const std::string& path, const NpzDataOptions& options) {
  const NpzArchive archive(path);
  require_array(archive, options.x, "the features");
  require_array(archive, options.y, "the labels");
  const NpyArray x = archive.read(options.x);
  Dataset data;
  data.name = path;
  read_features(data, x);
  read_targets(data, archive.read(options.y), x.shape[0], x.shape_text());
  data.validate();
  return data;
}

}  // namespace mlpscope
