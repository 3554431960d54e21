// mlpscope._core: the option tables every keyword comes from, and one bind_* per command.

#include "bindings.h"
#include "check/check.h"
#include "run/diagnosis.h"
#include "run/lr_range_test.h"
#include "run/watch_config.h"
#include "sweep/sweep_settings.h"
#include "toy/toy_run.h"

namespace mlpscope::python {

namespace {

py::list rows_of(std::span<const OptionInfo> table) {
  py::list rows;
  for (const OptionInfo& o : table) rows.append(py::make_tuple(o.name, o.default_value, o.help));
  return rows;
}

}  // namespace

// The tables, by the name the Python layer asks for: (name, default, help) rows in the
// order --help lists them.
void bind_tables(py::module_& m) {
  py::dict tables;
  tables["run"] = rows_of(run_options());
  tables["watch"] = rows_of(watch_options(/*periodic=*/true));
  tables["diagnose"] = rows_of(diagnose_options());
  tables["sweep"] = rows_of(sweep_options());
  tables["toy"] = rows_of(toy_options());
  tables["check_run"] = rows_of(check_run_options());
  tables["lr_find"] = rows_of(lr_range_options());
  m.attr("tables") = tables;
}

}  // namespace mlpscope::python

PYBIND11_MODULE(_core, m) {
  using namespace mlpscope::python;
  m.doc() = "mlpscope's compiled core; use the functions of the mlpscope package";
  bind_errors(m);
  bind_tables(m);
  bind_train(m);
  bind_sweep(m);
  bind_toy(m);
  bind_check(m);
  bind_lr_find(m);
}
