#include "run/watch_config.h"

#include <array>
#include <cmath>

#include "core/error.h"
#include "core/strings.h"

namespace mlpscope {

namespace {

constexpr const char* kProbeHelp =
    "probe set size for per-layer statistics and the verdict's cause (0: off)";

constexpr const char* kTargetAccuracyHelp =
    "converged means reaching this train accuracy (default: a good fit, docs/verdicts.md)";
constexpr const char* kTargetLossHelp =
    "converged means reaching this training loss (with --target-accuracy: both)";

constexpr std::array<OptionInfo, 5> kPeriodic{{
    {"probe-samples", "1000", kProbeHelp},
    {"sharpness-every", "0",
     "Hessian top eigenvalue at initialization (0), also every N epochs, or never"},
    {"target-accuracy", "", kTargetAccuracyHelp},
    {"target-loss", "", kTargetLossHelp},
    {"every", "0", "also log a record every N steps (0: at epoch ends only)"},
}};

constexpr std::array<OptionInfo, 4> kAtInitialization{{
    {"probe-samples", "1000", kProbeHelp},
    {"sharpness-every", "0",
     "Hessian top eigenvalue at initialization (0), for the 2/λmax boundary, or never"},
    {"target-accuracy", "", kTargetAccuracyHelp},
    {"target-loss", "", kTargetLossHelp},
}};

std::string value_of(const OptionValues& values, const OptionInfo& option) {
  const auto it = values.find(option.name);
  return it == values.end() ? option.default_value : it->second;
}

}  // namespace

std::span<const OptionInfo> watch_options(bool periodic) {
  if (periodic) return kPeriodic;
  return kAtInitialization;
}

WatchConfig parse_watch_config(const OptionValues& values, bool periodic) {
  const auto options = watch_options(periodic);
  WatchConfig w;
  const long long probes = setting_integer(value_of(values, options[0]), "probe-samples");
  if (probes < 0)
    setting_error("probe-samples", "must be 0 (probes off) or a positive number of samples");
  w.probe_samples = static_cast<Index>(probes);
  const std::string sharpness = value_of(values, options[1]);
  w.sharpness_every =
      sharpness == "never" ? -1 : static_cast<int>(setting_integer(sharpness, "sharpness-every"));
  if (w.sharpness_every < -1 || (!periodic && w.sharpness_every > 0))
    setting_error("sharpness-every",
                  periodic ? "must be 0 (at initialization only), N epochs, or never"
                           : "must be 0 (at initialization) or never, got " + sharpness);
  const std::string accuracy = trim(value_of(values, options[2]));
  if (!accuracy.empty()) {
    w.target.accuracy = setting_double(accuracy, "target-accuracy");
    if (!(*w.target.accuracy > 0 && *w.target.accuracy <= 1))
      setting_error("target-accuracy", "must be an accuracy in (0, 1], got " + accuracy);
  }
  const std::string loss = trim(value_of(values, options[3]));
  if (!loss.empty()) {
    w.target.loss = setting_double(loss, "target-loss");
    if (!(*w.target.loss > 0) || !std::isfinite(*w.target.loss))
      setting_error("target-loss", "must be a positive loss, got " + loss);
  }
  if (periodic) {
    w.every = setting_integer(value_of(values, options[4]), "every");
    if (w.every < 0)
      setting_error("every", "must be 0 (epoch ends only) or a positive number of steps");
  }
  return w;
}

}  // namespace mlpscope
