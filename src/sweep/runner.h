// The scheduler of a sweep: hands grid points out to a pool of workers (sweep/worker_pool.h:
// threads on this machine, or the ranks of an MPI job), one run per worker at a time, each
// single-threaded, and hands every finished run to one writer. One scheduling path for
// both, so a sweep over threads and one over ranks store, count and stop alike.
//
// Dynamic scheduling: a worker takes the next point when it finishes one, so slow runs
// (large nets, many epochs) do not hold back a static slice.
//
// Data: each distinct (data, test, limit, standardize) is loaded once, before any run
// starts (so a bad data spec fails at once), and shared read-only between runs.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "diagnose/sharpness_memo.h"
#include "run/run.h"
#include "sweep/grid.h"
#include "sweep/store.h"

namespace mlpscope {

class DataCache {
 public:
  // Loads the data of every point not yet loaded; errors name the option at fault.
  void load(const std::vector<const GridPoint*>& points);
  const PreparedData& get(const RunConfig& config) const;
  // λ0 of the networks the runs start from, measured once per network on these data sets
  // (diagnose/sharpness_memo.h): a sweep over learning rates starts each from the same one.
  SharpnessMemo& sharpness_memo() const { return *sharpness_memo_; }

 private:
  std::map<std::string, PreparedData> data_;
  std::unique_ptr<SharpnessMemo> sharpness_memo_ = std::make_unique<SharpnessMemo>();
};

struct RunnerConfig {
  int jobs = 1;
  double target = 0.9;  // epochs_to_target: first epoch whose train accuracy reaches it
  WatchConfig watch;    // default: probes on, λmax measured at initialization
  // Polled between runs and, inside runs, between steps (nullptr: never). Once it reads
  // true no run starts, runs in flight stop and are dropped (the next sweep redoes them),
  // and the runs finished so far are still written.
  const std::atomic<bool>* stop = nullptr;
};

struct SweepProgress {
  std::size_t done = 0, failed = 0, total = 0;
  bool stopped = false;               // RunnerConfig::stop ended it: total − done − failed left
  double seconds = 0.0;               // wall time since the first run started
  std::vector<std::string> failures;  // "index: message", in order of failure
};

class WorkerPool;

// Runs `points` on `pool`, calling `write` for each finished run and `progress` after each,
// both on the calling thread (the single writer). A run that throws counts as failed and is
// not written, so the next sweep retries it. A write that throws (disk full) stops the
// handing out; it is rethrown once the runs in flight have returned, unwritten. Returns the
// final counts.
SweepProgress run_points_on(WorkerPool& pool, const std::vector<const GridPoint*>& points,
                            const RunnerConfig& config,
                            const std::function<void(const RunRow&)>& write,
                            const std::function<void(const SweepProgress&)>& progress);

// run_points_on a pool of RunnerConfig::jobs threads (no more than there are points).
SweepProgress run_points(const std::vector<const GridPoint*>& points, const DataCache& data,
                         const RunnerConfig& config,
                         const std::function<void(const RunRow&)>& write,
                         const std::function<void(const SweepProgress&)>& progress);

// The database row of one run.
RunRow make_row(const GridPoint& point, const RunResult& result, double seconds, double target);

// One point, run and timed: its row, or the error that stopped it (row empty), or neither
// when RunnerConfig::stop stopped it halfway.
struct PointOutcome {
  const GridPoint* point = nullptr;
  std::optional<RunRow> row;
  std::string error;
};
// memo: λ0 shared with the sweep's other runs (DataCache::sharpness_memo), or null.
PointOutcome run_point(const GridPoint& point, const PreparedData& data, const RunnerConfig& config,
                       SharpnessMemo* memo = nullptr);

}  // namespace mlpscope
