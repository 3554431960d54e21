#include "run/watch_config.h"

#include <array>

#include "core/error.h"
#include "core/strings.h"

namespace mlpscope {

namespace {

constexpr const char* kProbeHelp =
    "probe set size for per-layer statistics and the verdict's cause (0: off)";

constexpr std::array<OptionInfo, 3> kPeriodic{{
    {"probe-samples", "1000", kProbeHelp},
    {"sharpness-every", "0",
     "Hessian top eigenvalue at initialization (0), also every N epochs, or never"},
    {"every", "0", "also log a record every N steps (0: at epoch ends only)"},
}};

constexpr std::array<OptionInfo, 2> kAtInitialization{{
    {"probe-samples", "1000", kProbeHelp},
    {"sharpness-every", "0",
     "Hessian top eigenvalue at initialization (0), for the 2/λmax boundary, or never"},
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
  if (periodic) {
    w.every = setting_integer(value_of(values, options[2]), "every");
    if (w.every < 0)
      setting_error("every", "must be 0 (epoch ends only) or a positive number of steps");
  }
  return w;
}

}  // namespace mlpscope
