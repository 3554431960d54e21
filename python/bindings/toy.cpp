// mlpscope.toy: gradient descent in one dimension, as `mlpscope toy --json` prints it.
#include "bindings.h"
#include "toy/toy_run.h"

namespace mlpscope::python {

void bind_toy(py::module_& m) {
  m.def(
      "toy",
      [](const OptionValues& values, bool scan) {
        return to_python(toy_to_json(run_toy(parse_toy_settings(values), scan)));
      },
      py::arg("values"), py::arg("scan"));
}

}  // namespace mlpscope::python
