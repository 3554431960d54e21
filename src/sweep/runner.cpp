#include "sweep/runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <optional>

#include "core/threads.h"
#include "run/run_log.h"
#include "sweep/worker_pool.h"

namespace mlpscope {

namespace {

// prepare_data depends on these four options alone.
std::string data_key(const RunConfig& c) {
  return nlohmann::json{c.data, c.test, c.limit, c.standardize}.dump();
}

// Counts one finished run into `state`, writing its row: false for a run stopped in flight,
// which is neither a result nor a failure.
bool count_outcome(const PointOutcome& f, const std::function<void(const RunRow&)>& write,
                   SweepProgress& state) {
  if (f.row) {
    write(*f.row);
    ++state.done;
  } else if (!f.error.empty()) {
    ++state.failed;
    state.failures.push_back("run " + std::to_string(f.point->index) + ": " + f.error);
  } else {
    return false;
  }
  return true;
}

}  // namespace

void DataCache::load(const std::vector<const GridPoint*>& points) {
  for (const GridPoint* p : points) {
    const std::string key = data_key(p->config);
    if (!data_.contains(key)) data_.emplace(key, prepare_data(p->config));
  }
}

const PreparedData& DataCache::get(const RunConfig& config) const {
  return data_.at(data_key(config));
}

RunRow make_row(const GridPoint& point, const RunResult& result, double seconds, double target) {
  const TrainSummary& s = result.summary;
  RunRow row;
  row.key = point.key;
  row.grid_index = static_cast<long long>(point.index);
  row.options = point.config.to_json();
  row.verdict = result.verdict.verdict;
  row.cause = result.verdict.cause;
  row.initial_loss = s.initial_loss;
  row.final_loss = s.final_loss;
  row.best_loss = s.best_loss;
  row.train_accuracy = s.train_accuracy;
  row.test_accuracy = s.test_accuracy;
  for (const auto& r : s.history)
    if (!r.within_epoch && r.accuracy >= target) {
      row.epochs_to_target = r.epoch;
      break;
    }
  row.seconds = seconds;
  if (!s.history.empty()) row.sharpness_init = s.history.front().sharpness;
  nlohmann::json summary = summary_to_json(s, result.verdict, row.options);
  // The training loss after each epoch (epoch 0 first): the sweep report's loss curves.
  nlohmann::json curve = nlohmann::json::array();
  for (const auto& r : s.history)
    if (!r.within_epoch) curve.push_back(r.loss);
  summary["loss_curve"] = std::move(curve);
  row.summary = summary.dump();
  return row;
}

PointOutcome run_point(const GridPoint& point, const PreparedData& data, const RunnerConfig& config,
                       SharpnessMemo* memo) {
  using Clock = std::chrono::steady_clock;
  PointOutcome outcome{&point, std::nullopt, {}};
  try {
    const auto start = Clock::now();
    // A sweep keeps each run's summary, not its history: the first and last records'
    // probes and test figures are all its verdict and row read. λ0 comes from the memo
    // the sweep's runs share.
    WatchConfig watch = config.watch;
    watch.history = false;
    watch.sharpness_memo = memo;
    const RunResult result = run_training(point.config, data, nullptr, watch, config.stop);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    // A run stopped halfway is not a result: dropped, so that the next sweep redoes it.
    if (!result.summary.interrupted) outcome.row = make_row(point, result, seconds, config.target);
  } catch (const std::exception& e) {
    outcome.error = e.what();
  }
  return outcome;
}

SweepProgress run_points_on(WorkerPool& pool, const std::vector<const GridPoint*>& points,
                            const RunnerConfig& config,
                            const std::function<void(const RunRow&)>& write,
                            const std::function<void(const SweepProgress&)>& progress) {
  using Clock = std::chrono::steady_clock;
  SweepProgress state;
  state.total = points.size();
  // Global thread counts (Eigen, OpenBLAS) are set once here; every run has threads = 1,
  // so run_training's own set_threads(1) leaves them as they are.
  set_threads(1);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stopping{false};  // a write failed: no new run
  std::exception_ptr failure;         // that write's error, rethrown once the pool returns
  const NextPoint draw = [&]() -> const GridPoint* {
    if (stopping || (config.stop && config.stop->load(std::memory_order_relaxed))) return nullptr;
    const std::size_t i = next++;
    return i < points.size() ? points[i] : nullptr;
  };
  const auto start = Clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  // The pool calls this on this thread alone: the single writer.
  const TakeOutcome take = [&](PointOutcome&& f) {
    if (failure) return;  // runs in flight after a failed write are dropped
    try {
      if (!count_outcome(f, write, state)) return;
      state.seconds = elapsed();
      progress(state);
    } catch (...) {
      failure = std::current_exception();
      stopping = true;
    }
  };
  pool.run(draw, take);
  if (failure) std::rethrow_exception(failure);
  state.seconds = elapsed();
  state.stopped = state.done + state.failed < state.total;
  return state;
}

SweepProgress run_points(const std::vector<const GridPoint*>& points, const DataCache& data,
                         const RunnerConfig& config,
                         const std::function<void(const RunRow&)>& write,
                         const std::function<void(const SweepProgress&)>& progress) {
  const int jobs = std::max(1, std::min<int>(config.jobs, static_cast<int>(points.size())));
  ThreadPool pool(jobs, [&](const GridPoint& p) {
    return run_point(p, data.get(p.config), config, &data.sharpness_memo());
  });
  return run_points_on(pool, points, config, write, progress);
}

}  // namespace mlpscope
