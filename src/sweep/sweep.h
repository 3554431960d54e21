// A whole sweep as one library call: expand and check the grid, take this shard's slice,
// resume from DIR/results.sqlite, run what is left, then export DIR/results.csv and
// DIR/map.csv. And the join of sharded sweeps' databases into one.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sweep/grid.h"
#include "sweep/map.h"
#include "sweep/runner.h"

namespace mlpscope {

struct Shard {
  int index = 1;  // K of K/N, 1-based
  int count = 1;  // N
};
// "2/4" → {2, 4}; K outside 1..N, N < 1 or other text throws Error naming --shard.
Shard parse_shard(const std::string& text);

struct SweepOptions {
  GridSpec grid;
  std::string out;
  Shard shard;
  bool force = false;             // replace another grid's results in `out`
  std::vector<std::string> axes;  // the map's two axes; empty: the first two --vary
  RunnerConfig runner;
};

struct SweepOutcome {
  std::size_t grid_size = 0;  // runs in the whole grid
  std::size_t in_shard = 0;   // runs in this shard
  std::size_t skipped = 0;    // finished by an earlier sweep into the same DIR
  SweepProgress progress;     // the runs done now
  ConvergenceMap map;
};

// What executes the runs of a sweep, once every check has passed: run_points (threads on
// this machine) by default; the MPI runner on rank 0 hands them out to other ranks too.
using PointRunner = std::function<SweepProgress(
    const std::vector<const GridPoint*>& points, const DataCache& data, const RunnerConfig& config,
    const std::function<void(const RunRow&)>& write,
    const std::function<void(const SweepProgress&)>& progress)>;

SweepOutcome run_sweep(const SweepOptions& options,
                       const std::function<void(const SweepProgress&)>& progress,
                       const PointRunner& runner = run_points);

// Joins the databases of `dirs` (all of one grid) into `out`, then writes its results.csv
// and map.csv. A run found in several is taken once.
SweepOutcome merge_sweeps(const std::vector<std::string>& dirs, const std::string& out, bool force,
                          const std::vector<std::string>& axes);

// A finished (or stopped) sweep read back from DIR: its database and its grid. An Error
// when DIR holds no results.sqlite or the database no grid. (Reports, Python's read_sweep.)
struct StoredSweep {
  std::unique_ptr<ResultStore> store;
  GridSpec spec;
};
StoredSweep open_sweep(const std::string& dir);

}  // namespace mlpscope
