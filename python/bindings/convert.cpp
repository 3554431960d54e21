// JSON → Python values, and numpy arrays → data sets.
#include <cmath>
#include <cstring>

#include "bindings.h"
#include "core/error.h"
#include "data/npy.h"
#include "data/npz_data.h"

namespace mlpscope::python {

py::object to_python(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::boolean:
      return py::bool_(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return py::int_(j.get<long long>());
    case nlohmann::json::value_t::number_unsigned:
      return py::int_(j.get<unsigned long long>());
    case nlohmann::json::value_t::number_float: {
      const double v = j.get<double>();
      return std::isfinite(v) ? py::object(py::float_(v)) : py::none();
    }
    case nlohmann::json::value_t::string:
      return py::str(j.get_ref<const std::string&>());
    case nlohmann::json::value_t::array: {
      py::list list;
      for (const auto& item : j) list.append(to_python(item));
      return list;
    }
    case nlohmann::json::value_t::object: {
      py::dict dict;
      for (const auto& [key, item] : j.items()) dict[py::str(key)] = to_python(item);
      return dict;
    }
    default:
      return py::none();
  }
}

namespace {

std::vector<std::uint64_t> shape_of(const py::array& a) {
  return {a.shape(), a.shape() + a.ndim()};
}

// The features of X as a data set: in place for C-ordered aligned float32/float64, else a
// float64 copy made once (kept alive by `keep`).
Dataset features(const py::object& object, const char* name, std::vector<py::object>& keep) {
  py::array X = py::array::ensure(object);
  if (!X) throw Error(std::string(name) + ": expected a numpy array (n, d), one sample per row");
  const char kind = X.dtype().kind();
  if (kind != 'f' && kind != 'i' && kind != 'u' && kind != 'b')
    throw Error(std::string(name) + ": dtype " + py::str(X.dtype()).cast<std::string>() +
                " is not real numbers (float32 and float64 are read in place)");
  const std::vector<std::uint64_t> shape = shape_of(X);
  const std::uint64_t dim =
      features_per_sample(name, shape, py::str(X.attr("shape")).cast<std::string>());
  const int flags = py::array::c_style;
  const bool in_place =
      (X.flags() & py::detail::npy_api::NPY_ARRAY_ALIGNED_) && (X.flags() & flags) &&
      (py::isinstance<py::array_t<float, 0>>(X) || py::isinstance<py::array_t<double, 0>>(X));
  if (!in_place) X = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(X);
  keep.push_back(X);
  Dataset data;
  data.name = name;
  data.dim = static_cast<Index>(dim);
  const std::size_t count = static_cast<std::size_t>(X.size());
  if (py::isinstance<py::array_t<float, 0>>(X))
    data.borrowed_f32 = {static_cast<const float*>(X.data()), count};
  else
    data.borrowed_f64 = {static_cast<const double*>(X.data()), count};
  return data;
}

// y as the Python layer sends it: the bytes numpy.save writes.
void labels(Dataset& data, const py::object& y_npy, const char* name, std::uint64_t n,
            const std::string& x_shape) {
  const std::string bytes = py::bytes(y_npy);
  std::vector<std::uint8_t> buffer(bytes.size());
  std::memcpy(buffer.data(), bytes.data(), bytes.size());
  read_targets(data, parse_npy(std::move(buffer), name), n, x_shape);
}

Dataset array_dataset(const py::object& X, const py::object& y, const char* x_name,
                      const char* y_name, std::vector<py::object>& keep) {
  if (y.is_none()) throw Error(std::string(x_name) + " needs " + y_name + ": the labels");
  Dataset data = features(X, x_name, keep);
  const py::array& held = keep.back();
  labels(data, y, y_name, static_cast<std::uint64_t>(held.shape(0)),
         py::str(py::array(X).attr("shape")).cast<std::string>());
  data.validate();
  return data;
}

}  // namespace

DataPair arrays_to_data(const ArrayInputs& in, std::vector<py::object>& keep) {
  DataPair pair;
  pair.train = array_dataset(in.X, in.y, "X", "y", keep);
  if (!in.X_test.is_none()) {
    pair.test = array_dataset(in.X_test, in.y_test, "X_test", "y_test", keep);
  } else if (!in.y_test.is_none()) {
    throw Error("y_test needs X_test: the test set's features");
  }
  return pair;
}

std::string describe_array(const py::object& object) {
  const py::array X = py::array::ensure(object);
  return "X " + py::str(X.attr("shape")).cast<std::string>() + " " +
         py::str(X.dtype()).cast<std::string>();
}

}  // namespace mlpscope::python
