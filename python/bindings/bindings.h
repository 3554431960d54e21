// The compiled core of `import mlpscope` (mlpscope._core): a thin skin over the library.
// Settings arrive as the option tables' names with text values, already spelled by the
// Python layer (python/mlpscope/__init__.py), and go to the library's parse_* functions;
// results come back as plain dicts and numpy arrays. Each command is one bind_* function,
// so another command is one more file and one more line in module.cpp.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "data/load.h"
#include "run/run.h"
#include "run/run_config.h"

namespace mlpscope::python {

namespace py = pybind11;

// Library errors as Python's: SettingError → mlpscope.SettingError (a ValueError) whose
// message is the command line's line ("option --lr: must be positive, got 0"), Error →
// ValueError, bad_alloc → MemoryError.
void bind_errors(py::module_& m);
void bind_tables(py::module_& m);
void bind_train(py::module_& m);  // train, diagnose
void bind_sweep(py::module_& m);  // sweep, read_sweep
void bind_toy(py::module_& m);
void bind_check(py::module_& m);  // check
void bind_lr_find(py::module_& m);

// JSON as Python values; NaN and infinities become None, as they do in the JSON the command
// line writes, so a dict here equals the command line's output parsed.
py::object to_python(const nlohmann::json& value);

// Python's X=, y= (and X_test=, y_test=) as data sets. X is read in place when it is a
// C-ordered, aligned float32 or float64 array; other numeric arrays are converted to float64
// once (held in `keep`, which must outlive the data). y arrives as the bytes of an .npy
// file and is read as an .npz's y is.
struct ArrayInputs {
  py::object X, y, X_test, y_test;  // None where not given
};
DataPair arrays_to_data(const ArrayInputs& inputs, std::vector<py::object>& keep);
// A command's run options checked and its data loaded (the GIL released while a spec is
// read) or taken from the arrays: what train, diagnose and check start from.
struct Prepared {
  RunConfig config;
  PreparedData data;
  std::vector<py::object> keep;  // numpy arrays the data reads in place
};
std::unique_ptr<Prepared> prepare(OptionValues run, const ArrayInputs& arrays);

// "X (200, 2) float64": what the run's options record as its data.
std::string describe_array(const py::object& X);

// Ctrl-C while the GIL is released: poll() (no GIL needed) takes the GIL at most every
// kInterval to let Python run its signal handlers (PyErr_CheckSignals); a pending
// KeyboardInterrupt, or an exception from a callback (fail()), sets the stop flag the run
// polls, and rethrow() raises it once the run has stopped cleanly.
class Interruption {
 public:
  static constexpr std::chrono::milliseconds kInterval{50};

  const std::atomic<bool>* flag() const { return &stop_; }
  void poll();
  void fail(py::error_already_set&& error);  // with the GIL
  void rethrow();                            // with the GIL; no-op when nothing failed

 private:
  std::atomic<bool> stop_{false};
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  std::optional<py::error_already_set> error_;
};

}  // namespace mlpscope::python
