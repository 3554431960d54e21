#include "core/threads.h"

#include <sched.h>

#include <Eigen/Core>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#ifdef MLPSCOPE_HAVE_OPENBLAS
extern "C" void openblas_set_num_threads(int num_threads);
#endif

namespace mlpscope {

void set_threads(int count) {
  Eigen::setNbThreads(count);
#ifdef MLPSCOPE_HAVE_OPENBLAS
  openblas_set_num_threads(count);
#endif
}

namespace {

std::optional<long long> parse_count(std::string_view text) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string first_line(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line;
}

// Quota over period in microseconds, rounded up: 150000/100000 is two cores' worth of time
// spread over any number of threads, and the second core is needed to use the half.
std::optional<int> cores_from_quota(long long quota, long long period) {
  if (quota <= 0 || period <= 0) return std::nullopt;
  return static_cast<int>(std::max(1LL, (quota + period - 1) / period));
}

// The tightest quota along the process's cgroup v2 path and its ancestors (a parent's limit
// binds its children), or the v1 cpu controller's; nullopt when none is set or readable.
std::optional<int> cgroup_cpu_limit() {
  namespace fs = std::filesystem;
  std::ifstream self("/proc/self/cgroup");
  std::optional<int> limit;
  const auto tighten = [&limit](std::optional<int> cores) {
    if (cores && (!limit || *cores < *limit)) limit = cores;
  };
  for (std::string line; std::getline(self, line);) {
    // "ID:CONTROLLERS:PATH": v2 is "0::PATH", v1's cpu controller "N:cpu,cpuacct:PATH".
    const auto first = line.find(':');
    const auto second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const fs::path path = fs::path(line.substr(second + 1)).relative_path();
    if (controllers.empty()) {
      for (fs::path p = path;; p = p.parent_path()) {
        tighten(cores_from_cpu_max(first_line("/sys/fs/cgroup" / p / "cpu.max")));
        if (p.empty()) break;
      }
    } else if (("," + controllers + ",").find(",cpu,") != std::string::npos) {
      for (const char* root : {"/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup/cpu"}) {
        const auto quota = parse_count(first_line(fs::path(root) / path / "cpu.cfs_quota_us"));
        const auto period = parse_count(first_line(fs::path(root) / path / "cpu.cfs_period_us"));
        if (quota && period) tighten(cores_from_quota(*quota, *period));
      }
    }
  }
  return limit;
}

}  // namespace

std::optional<int> cores_from_cpu_max(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.remove_suffix(1);
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const auto quota = parse_count(line.substr(0, space));  // "max" does not parse: no limit
  const auto period = parse_count(line.substr(space + 1));
  if (!quota || !period) return std::nullopt;
  return cores_from_quota(*quota, *period);
}

int usable_cores() {
  int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (sched_getaffinity(0, sizeof(mask), &mask) == 0) cores = std::max(1, CPU_COUNT(&mask));
  if (const auto limit = cgroup_cpu_limit()) cores = std::min(cores, *limit);
  return cores;
}

}  // namespace mlpscope
