// mlpscope.sweep and mlpscope.read_sweep: a grid of runs into DIR/results.sqlite (resumable)
// and its runs back as dicts, with the convergence map as the command line prints it.
#include <thread>

#include "bindings.h"
#include "core/error.h"
#include "sweep/sweep.h"
#include "sweep/sweep_settings.h"

namespace mlpscope::python {

namespace {

py::object real(const std::optional<double>& v) {
  return v && std::isfinite(*v) ? py::object(py::float_(*v)) : py::none();
}

// A stored run as the summary spells it: None for no cause and for numbers JSON has not.
py::dict row_to_python(const RunRow& r) {
  py::dict d;
  d["key"] = r.key;
  d["grid_index"] = r.grid_index;
  d["options"] = to_python(r.options);
  d["verdict"] = std::string(name(r.verdict));
  d["cause"] =
      r.cause == Cause::none ? py::object(py::none()) : py::str(std::string(name(r.cause)));
  d["initial_loss"] = real(r.initial_loss);
  d["final_loss"] = real(r.final_loss);
  d["best_loss"] = real(r.best_loss);
  d["train_accuracy"] = real(r.train_accuracy);
  d["test_accuracy"] = real(r.test_accuracy);
  d["epochs_to_target"] =
      r.epochs_to_target ? py::object(py::int_(*r.epochs_to_target)) : py::none();
  d["seconds"] = r.seconds;
  d["sharpness_init"] = real(r.sharpness_init);
  d["summary"] = to_python(nlohmann::json::parse(r.summary, nullptr, false));
  return d;
}

py::dict sweep_to_python(const ResultStore& store, const ConvergenceMap& map,
                         std::size_t grid_size) {
  py::list runs;
  for (const RunRow& r : store.rows()) runs.append(row_to_python(r));
  py::dict out;
  out["runs"] = runs;
  out["map"] = map_to_text(map);
  out["grid_size"] = grid_size;
  return out;
}

// run_points on a thread of its own while this one, holding no GIL, polls for Ctrl-C: a
// run can take long, and Python's signal handlers run only when the main thread asks.
PointRunner polled(Interruption& interruption) {
  return
      [&interruption](const std::vector<const GridPoint*>& points, const DataCache& data,
                      const RunnerConfig& config, const std::function<void(const RunRow&)>& write,
                      const std::function<void(const SweepProgress&)>& progress) {
        SweepProgress result;
        std::exception_ptr error;
        std::atomic<bool> done{false};
        std::thread runner([&] {
          try {
            result = run_points(points, data, config, write, progress);
          } catch (...) {
            error = std::current_exception();
          }
          done = true;
        });
        while (!done) {
          interruption.poll();
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        runner.join();
        if (error) std::rethrow_exception(error);
        return result;
      };
}

py::dict sweep(const OptionValues& values, const std::vector<std::string>& vary, bool seeds_given) {
  SweepOptions options = parse_sweep_options({values, vary, seeds_given, false});
  Interruption interruption;
  options.runner.stop = interruption.flag();
  SweepOutcome outcome;
  {
    py::gil_scoped_release released;
    outcome = run_sweep(
        options, [](const SweepProgress&) {}, polled(interruption));
  }
  // Stopped: the finished runs are stored; the same call again resumes.
  interruption.rethrow();
  py::dict out = sweep_to_python(ResultStore(options.out), outcome.map, outcome.grid_size);
  out["done"] = outcome.progress.done;
  out["failed"] = outcome.progress.failed;
  out["skipped"] = outcome.skipped;
  out["failures"] = outcome.progress.failures;
  return out;
}

py::dict read_sweep(const std::string& dir, const std::vector<std::string>& axes) {
  const StoredSweep stored = open_sweep(dir);
  const std::vector<GridPoint> points = expand_grid(stored.spec);
  return sweep_to_python(*stored.store, build_map(stored.spec, points, stored.store->rows(), axes),
                         points.size());
}

}  // namespace

void bind_sweep(py::module_& m) {
  m.def("sweep", &sweep, py::arg("values"), py::arg("vary"), py::arg("seeds_given"));
  m.def("read_sweep", &read_sweep, py::arg("dir"), py::arg("axes"));
}

}  // namespace mlpscope::python
