// One translation of the library's errors, for every function of the module.
#include <new>
#include <string>

#include "bindings.h"
#include "core/error.h"

namespace mlpscope::python {

namespace {

// The keyword a setting is given as in Python: init-scale → init_scale.
std::string keyword(std::string setting) {
  for (char& c : setting)
    if (c == '-') c = '_';
  return setting;
}

}  // namespace

void bind_errors(py::module_& m) {
  // Defined here so that the translator can raise it; the Python layer re-exports it.
  static py::handle setting_error =
      py::exception<SettingError>(m, "SettingError", PyExc_ValueError).release();
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const SettingError& e) {
      // The message is the command line's word for word (docs/bad-input.md lists them);
      // .setting is the keyword, .detail what is wrong with it.
      py::object error = setting_error(py::str("option --" + e.setting() + ": " + e.detail()));
      error.attr("setting") = keyword(e.setting());
      error.attr("detail") = e.detail();
      PyErr_SetObject(setting_error.ptr(), error.ptr());
    } catch (const Error& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const std::bad_alloc&) {
      PyErr_SetString(PyExc_MemoryError, "out of memory (try a smaller hidden, batch or limit)");
    }
  });
}

void Interruption::poll() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < kInterval || stop_.load(std::memory_order_relaxed)) return;
  last_ = now;
  py::gil_scoped_acquire gil;
  if (PyErr_CheckSignals() != 0) fail(py::error_already_set());
}

void Interruption::fail(py::error_already_set&& error) {
  if (!error_) error_.emplace(std::move(error));
  stop_.store(true, std::memory_order_relaxed);
}

void Interruption::rethrow() {
  if (!error_) return;
  py::error_already_set error = std::move(*error_);
  error_.reset();
  throw std::move(error);
}

}  // namespace mlpscope::python
