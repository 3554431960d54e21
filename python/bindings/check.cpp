// mlpscope.check: a user's own network from numpy arrays (or a torch module the Python
// layer has turned into arrays), on data from a spec or from X=, y=, through the library's
// check (src/check/check.h) with the GIL released.
#include "check/check.h"
#include "bindings.h"
#include "core/error.h"

namespace mlpscope::python {

namespace {

// [(name, array), ...] as the library's named arrays: float64 values in C order. `what`
// names the argument in errors: "weights['W1']".
std::vector<NamedArray> named_arrays(const py::list& items, const std::string& what) {
  std::vector<NamedArray> arrays;
  for (const py::handle item : items) {
    const auto pair = item.cast<std::pair<std::string, py::object>>();
    const std::string where = what + "['" + pair.first + "']";
    // ensure() converts what numpy can and is empty (the error cleared) for what it cannot.
    const auto a =
        py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(pair.second);
    if (!a) throw Error(where + ": expected a numpy array of numbers");
    NamedArray named{pair.first, where, {a.shape(), a.shape() + a.ndim()}, {}};
    named.values.assign(a.data(), a.data() + a.size());
    arrays.push_back(std::move(named));
  }
  return arrays;
}

py::object check(const OptionValues& run, const OptionValues& diagnose_values,
                 const std::string& layout_text, const py::list& weights, const py::object& grads,
                 const ArrayInputs& arrays) {
  const std::unique_ptr<Prepared> p = prepare(run, arrays);
  const DiagnoseConfig diagnose_config = parse_diagnose_config(diagnose_values);
  const WeightLayout layout = parse_weight_layout(layout_text, "layout");
  const UserNetwork user = user_network_from_arrays(named_arrays(weights, "weights"), layout,
                                                    p->config, p->data.train.dim);
  std::optional<std::vector<double>> flat;
  if (!grads.is_none())
    flat =
        gradients_from_arrays(named_arrays(grads.cast<py::list>(), "grads"), user.named, "grads");
  nlohmann::json json;
  {
    py::gil_scoped_release released;
    json = check_to_json(check_network(p->config, std::move(p->data), user, flat, diagnose_config));
  }
  return to_python(json);
}

}  // namespace

void bind_check(py::module_& m) {
  m.def(
      "check",
      [](const OptionValues& run, const OptionValues& diagnose, const std::string& layout,
         const py::list& weights, const py::object& grads, py::object X, py::object y) {
        return check(run, diagnose, layout, weights, grads,
                     {std::move(X), std::move(y), py::none(), py::none()});
      },
      py::arg("run"), py::arg("diagnose"), py::arg("layout"), py::arg("weights"), py::arg("grads"),
      py::arg("X"), py::arg("y"));
}

}  // namespace mlpscope::python
