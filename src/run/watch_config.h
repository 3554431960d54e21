// What a run watches while it trains, as settings: the probe set, λmax and records within
// an epoch. None of it changes the run's numbers. Like run_config.h, one table of rows
// (name, default, help) that every front end offers, and one parse that checks the values;
// a bad value is a SettingError naming the setting.
#pragma once

#include <span>

#include "core/types.h"
#include "diagnose/verdict.h"
#include "run/run_config.h"

namespace mlpscope {

class SharpnessMemo;

struct WatchConfig {
  Index probe_samples = 1000;  // 0: probes off (no per-layer statistics, no cause)
  int sharpness_every = 0;     // λmax at init (0), also every N epochs, or never (< 0)
  long long every = 0;         // also record every N steps
  // Probe and test every record (train: the log's per-layer and test history), or only the
  // first and the last (a sweep, whose verdicts and rows read nothing else:
  // TrainConfig::ends_only).
  bool history = true;
  // λ0 shared by the runs that start from the same network on the same data (a sweep's:
  // diagnose/sharpness_memo.h), or null: each run measures its own. Not owned.
  SharpnessMemo* sharpness_memo = nullptr;
  Target target{};  // what converged means (judging reads it; training does not)
};

// probe-samples, sharpness-every, target-accuracy and target-loss; `periodic` (train) adds
// every, and lets sharpness-every be N epochs. A sweep stores λmax at initialization alone: 0 (at
// initialization) or never.
std::span<const OptionInfo> watch_options(bool periodic);

// The values of watch_options(periodic) (missing ones take their defaults) as a WatchConfig.
WatchConfig parse_watch_config(const OptionValues& values, bool periodic);

}  // namespace mlpscope
