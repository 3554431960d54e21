// mlpscope.lr_find: Smith's learning-rate range test beside the prediction before training,
// as `mlpscope lr-find --json` prints it (run/lr_range_test.h).
#include "bindings.h"
#include "run/lr_range_json.h"
#include "run/lr_range_test.h"

namespace mlpscope::python {

void bind_lr_find(py::module_& m) {
  m.def(
      "lr_find",
      [](const OptionValues& run, const OptionValues& range, py::object X, py::object y) {
        const std::unique_ptr<Prepared> p =
            prepare(run, {std::move(X), std::move(y), py::none(), py::none()});
        const LrRangeConfig options = parse_lr_range_config(range);
        nlohmann::json json;
        {
          py::gil_scoped_release released;
          json = lr_range_to_json(lr_range_test(p->config, p->data, options));
        }
        return to_python(json);
      },
      py::arg("run"), py::arg("range"), py::arg("X"), py::arg("y"));
}

}  // namespace mlpscope::python
