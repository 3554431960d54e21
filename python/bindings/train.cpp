// mlpscope.train and mlpscope.diagnose: the parse layer, the data (a spec or numpy arrays),
// then the library with the GIL released.
#include <memory>

#include "bindings.h"
#include "core/error.h"
#include "io/model_file.h"
#include "run/diagnosis.h"
#include "run/diagnosis_json.h"
#include "run/run.h"
#include "run/run_log.h"

namespace mlpscope::python {

// The run options checked, then the data loaded (GIL released) or taken from the arrays.
std::unique_ptr<Prepared> prepare(OptionValues run, const ArrayInputs& arrays) {
  auto p = std::make_unique<Prepared>();
  const bool from_arrays = !arrays.X.is_none();
  if (from_arrays && run.contains("data"))
    setting_error("data", "give either data= or X= and y=, not both");
  if (!arrays.X_test.is_none() && run.contains("test"))
    setting_error("test", "give either test= or X_test= and y_test=, not both");
  if (arrays.X.is_none() && !arrays.y.is_none()) throw Error("y needs X: the features");
  if (from_arrays) run["data"] = describe_array(arrays.X);
  p->config = parse_run_config(run);
  std::optional<DataPair> pair;
  if (from_arrays) pair = arrays_to_data(arrays, p->keep);
  py::gil_scoped_release released;
  p->data = pair ? prepare_data(p->config, std::move(*pair)) : prepare_data(p->config);
  return p;
}

namespace {

// Python's on_epoch, and the Ctrl-C poll after every step.
class PythonListener final : public TrainObserver {
 public:
  PythonListener(py::object callback, Interruption& interruption)
      : callback_(std::move(callback)), interruption_(interruption) {}

  void on_epoch(const EpochRecord& record) override {
    if (callback_.is_none() || interruption_.flag()->load()) return;
    const nlohmann::json json = epoch_to_json(record);
    py::gil_scoped_acquire gil;
    try {
      callback_(to_python(json));
    } catch (py::error_already_set& e) {
      interruption_.fail(std::move(e));  // the run stops at its next step
    }
  }
  void on_progress(int, Index, Index) override { interruption_.poll(); }

 private:
  py::object callback_;
  Interruption& interruption_;
};

// The trained parameters as nn.Linear holds them: per layer W (out, in) and b (out), in the
// run's precision (the flat vector is W column-major, then b: nn/architecture.h).
template <class T>
py::list weights_of(const Model& model) {
  py::list layers;
  const Architecture& arch = model.arch;
  for (Index l = 0; l < arch.num_layers(); ++l) {
    const Index out = arch.fan_out(l), in = arch.fan_in(l);
    const double* p = model.params.data() + arch.offset(l);
    py::array_t<T> W({out, in}), b(out);
    auto w = W.template mutable_unchecked<2>();
    for (Index j = 0; j < in; ++j)
      for (Index i = 0; i < out; ++i) w(i, j) = static_cast<T>(p[i + j * out]);
    auto bias = b.template mutable_unchecked<1>();
    for (Index i = 0; i < out; ++i) bias(i) = static_cast<T>(p[out * in + i]);
    layers.append(py::make_tuple(W, b));
  }
  return layers;
}

py::dict train(const OptionValues& run, const OptionValues& watch_values, const ArrayInputs& arrays,
               py::object on_epoch, const std::string& log_path, const std::string& save) {
  const std::unique_ptr<Prepared> p = prepare(run, arrays);
  const WatchConfig watch = parse_watch_config(watch_values, true);
  std::unique_ptr<RunLog> log;
  if (!log_path.empty()) log = std::make_unique<RunLog>(log_path);
  Interruption interruption;
  PythonListener listener(std::move(on_epoch), interruption);
  RunResult result;
  {
    py::gil_scoped_release released;
    TrainingRun training(p->config, p->data, {&listener, log.get()}, watch, interruption.flag());
    training.run();
    result = training.result();
  }
  const nlohmann::json summary =
      summary_to_json(result.summary, result.verdict, p->config.to_json());
  // Stopped by Ctrl-C or a failing callback: what the run has is still written, as the
  // command line writes it, before the exception goes up.
  if (log) log->write(summary);
  if (!save.empty()) save_model(result.model, save);
  interruption.rethrow();
  py::list history;
  for (const EpochRecord& r : result.summary.history) history.append(to_python(epoch_to_json(r)));
  py::dict out;
  out["summary"] = to_python(summary);
  out["history"] = history;
  out["weights"] =
      p->config.f64 ? weights_of<double>(result.model) : weights_of<float>(result.model);
  return out;
}

py::object diagnose_run(const OptionValues& run, const OptionValues& diagnose_values,
                        const ArrayInputs& arrays) {
  const std::unique_ptr<Prepared> p = prepare(run, arrays);
  const DiagnoseConfig config = parse_diagnose_config(diagnose_values);
  nlohmann::json json;
  {
    py::gil_scoped_release released;
    json = diagnosis_to_json(diagnose(p->config, p->data, config));
  }
  return to_python(json);
}

ArrayInputs inputs(py::object X, py::object y, py::object X_test, py::object y_test) {
  return {std::move(X), std::move(y), std::move(X_test), std::move(y_test)};
}

}  // namespace

void bind_train(py::module_& m) {
  m.def(
      "train",
      [](const OptionValues& run, const OptionValues& watch, py::object X, py::object y,
         py::object X_test, py::object y_test, py::object on_epoch, const std::string& log,
         const std::string& save) {
        return train(run, watch, inputs(X, y, X_test, y_test), std::move(on_epoch), log, save);
      },
      py::arg("run"), py::arg("watch"), py::arg("X"), py::arg("y"), py::arg("X_test"),
      py::arg("y_test"), py::arg("on_epoch"), py::arg("log"), py::arg("save"));
  m.def(
      "diagnose",
      [](const OptionValues& run, const OptionValues& diagnose, py::object X, py::object y,
         py::object X_test,
         py::object y_test) { return diagnose_run(run, diagnose, inputs(X, y, X_test, y_test)); },
      py::arg("run"), py::arg("diagnose"), py::arg("X"), py::arg("y"), py::arg("X_test"),
      py::arg("y_test"));
}

}  // namespace mlpscope::python
