// A sweep's settings as a table and one parse, shared by the command line and the Python
// module: the run options (run_config.h) are the grid's base, each `vary` text an axis
// (grid.h), and these the sweep's own. A bad value is a SettingError naming the setting.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "run/run_config.h"
#include "sweep/sweep.h"

namespace mlpscope {

// seeds, jobs, out, shard, force, target, axes, then what a sweep watches
// (watch_options(false): probe-samples, sharpness-every).
std::span<const OptionInfo> sweep_options();

struct SweepRequest {
  OptionValues values;            // run options and sweep_options(); missing: defaults
  std::vector<std::string> vary;  // NAME=V1,V2,… texts, one axis each
  bool seeds_given = false;       // seeds was set (a sweep over seeds alone needs no vary)
  bool under_mpi = false;         // jobs counts rank 0's own runs and may be 0
};

SweepOptions parse_sweep_options(const SweepRequest& request);

// "A,B" → {"A", "B"}; empty → {} (the first two varied axes).
std::vector<std::string> parse_axes(const std::string& text);

}  // namespace mlpscope
