#include "run/memory.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "core/error.h"
#include "core/strings.h"

namespace mlpscope {

namespace {

constexpr double kEvaluationChunk = 1000.0;  // train/evaluate.h's default chunk
constexpr double kSharpnessVectors = 8.0;

// What loading the data costs. Borrowed features (Python's numpy X=) count nothing: they
// are in memory before the run and it allocates no copy of them.
double dataset_bytes(const Dataset& d) {
  return static_cast<double>(d.bytes.size()) + 8.0 * static_cast<double>(d.values.size()) +
         4.0 * static_cast<double>(d.labels.size());
}

}  // namespace

MemoryEstimate estimate_run_memory(const RunConfig& config, const Architecture& arch,
                                   const PreparedData& data, const WatchConfig& watch) {
  const double scalar = config.f64 ? 8.0 : 4.0;
  const double params = static_cast<double>(arch.num_params());
  const bool probes = watch.probe_samples > 0;
  const bool sharpness = probes && watch.sharpness_every >= 0;

  MemoryEstimate e;
  e.parameters =
      params * scalar * (2.0 + config.optimizer.row().state_vectors() + (probes ? 1.0 : 0.0));
  if (sharpness) e.sharpness = kSharpnessVectors * params * 8.0;

  double units = 0.0, widest = 0.0;
  for (Index l = 0; l < arch.num_layers(); ++l) {
    units += static_cast<double>(arch.fan_out(l));
    widest = std::max(widest, static_cast<double>(arch.fan_out(l)));
  }
  const double per_sample = 2.0 * units + 2.0 * widest + static_cast<double>(arch.sizes.front());
  const double n = static_cast<double>(data.train.size());
  const double batch = config.batch == 0 ? n : std::min(static_cast<double>(config.batch), n);
  const double probe_set = probes ? std::min(static_cast<double>(watch.probe_samples), n) : 0.0;
  e.activations = per_sample * (scalar * (batch + std::min(kEvaluationChunk, n) + probe_set) +
                                (sharpness ? 8.0 * probe_set : 0.0));

  e.data = dataset_bytes(data.train) + (data.test ? dataset_bytes(*data.test) : 0.0);
  return e;
}

double memory_limit_bytes() {
  if (const char* text = std::getenv("MLPSCOPE_MEMORY_LIMIT"); text && *text) {
    std::string s = trim(text);
    double unit = 1.0;
    const char suffix =
        s.empty() ? '\0' : static_cast<char>(std::toupper(static_cast<unsigned char>(s.back())));
    const std::string units = "KMGT";
    if (const auto k = units.find(suffix); k != std::string::npos) {
      for (std::size_t i = 0; i <= k; ++i) unit *= 1024.0;
      s.pop_back();
    }
    const double v = parse_double(s, "MLPSCOPE_MEMORY_LIMIT");
    if (!(v > 0.0))
      throw Error("MLPSCOPE_MEMORY_LIMIT: expected a positive size such as 4G, got '" +
                  std::string(text) + "'");
    return v * unit;
  }
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return 1e300;  // unknown: nothing to refuse on
  return static_cast<double>(pages) * static_cast<double>(page);
}

std::string format_bytes(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 5) {
    bytes /= 1024.0;
    ++u;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, u == 0 ? "%.0f %s" : "%.3g %s", bytes, units[u]);
  return buffer;
}

void check_run_memory(const RunConfig& config, const Architecture& arch, const PreparedData& data,
                      const WatchConfig& watch) {
  const MemoryEstimate e = estimate_run_memory(config, arch, data, watch);
  const double limit = memory_limit_bytes();
  if (e.total() <= limit) return;
  const bool limited = std::getenv("MLPSCOPE_MEMORY_LIMIT") != nullptr;
  std::string parts = "parameters, gradients and optimizer state " + format_bytes(e.parameters);
  if (e.sharpness > 0) parts += ", sharpness " + format_bytes(e.sharpness);
  parts += ", activations " + format_bytes(e.activations) + ", data " + format_bytes(e.data);
  throw Error("run too large: network " + arch.describe() + " needs about " +
              format_bytes(e.total()) + " of memory (" + parts + "), more than the " +
              format_bytes(limit) + (limited ? " of MLPSCOPE_MEMORY_LIMIT" : " of this machine") +
              "; use a smaller --hidden or --batch");
}

}  // namespace mlpscope
