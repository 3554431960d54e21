#include "sweep/sweep_settings.h"

#include <algorithm>
#include <array>

#include "core/error.h"
#include "core/strings.h"
#include "core/threads.h"
#include "run/watch_config.h"

namespace mlpscope {

namespace {

constexpr std::array<OptionInfo, 7> kSweepOptions{{
    {"seeds", "1", "seeds per grid point: --seed, --seed+1, …"},
    {"jobs", "",
     "runs at once, each on one thread [default: every core this process may use (its CPU "
     "affinity and cgroup quota); under mpirun: rank 0's runs "
     "beside the other ranks', default 1, 0 to only coordinate]"},
    {"out", "", "directory of results.sqlite, results.csv and map.csv"},
    {"shard", "1/1", "run the K-th of N disjoint slices of the grid (K/N)"},
    {"force", "false", "discard the results of another grid found in --out"},
    {"target", "0.9", "train accuracy that epochs_to_target waits for"},
    {"axes", "", "the map's two axes A,B [default: the first two --vary]"},
}};

// Every option of the table at its default, overridden by the values given.
OptionValues with_defaults(const OptionValues& given) {
  OptionValues v = default_run_options();
  for (const auto& o : kSweepOptions) v[o.name] = o.default_value;
  for (const auto& o : watch_options(false)) v[o.name] = o.default_value;
  for (const auto& [name, value] : given) v[name] = value;
  return v;
}

// Under MPI, jobs is rank 0's local runs beside coordinating (0: coordinate only); each
// other rank runs one at a time, as mpirun starts one rank per core.
int parse_jobs(const std::string& jobs, bool under_mpi) {
  const long long j = !jobs.empty() ? setting_integer(jobs, "jobs")
                      : under_mpi   ? 1
                                    : usable_cores();
  if (j < (under_mpi ? 0 : 1) || j > 4096)
    setting_error("jobs",
                  std::string("must be in ") + (under_mpi ? "0" : "1") + "..4096, got " + jobs);
  return static_cast<int>(j);
}

GridSpec parse_grid(OptionValues& v, const SweepRequest& request) {
  GridSpec grid;
  for (const auto& o : run_options()) grid.base[o.name] = v[o.name];
  if (v["threads"] != "1")
    setting_error("threads",
                  "each run of a sweep is single-threaded; use --jobs N for N runs at once");
  if (request.vary.empty() && !request.seeds_given)
    setting_error("vary", "give at least one --vary NAME=V1,V2,… or --seeds N");
  for (const auto& text : request.vary) grid.axes.push_back(parse_vary(text));
  const long long seeds = setting_integer(v["seeds"], "seeds");
  if (seeds < 1 || seeds > 1000000)
    setting_error("seeds", "must be in 1..1000000, got " + v["seeds"]);
  grid.seeds = static_cast<int>(seeds);
  return grid;
}

}  // namespace

std::span<const OptionInfo> sweep_options() {
  static const std::vector<OptionInfo> table = [] {
    std::vector<OptionInfo> rows(kSweepOptions.begin(), kSweepOptions.end());
    for (const auto& o : watch_options(false)) rows.push_back(o);
    return rows;
  }();
  return table;
}

SweepOptions parse_sweep_options(const SweepRequest& request) {
  OptionValues v = with_defaults(request.values);
  SweepOptions sweep;
  sweep.grid = parse_grid(v, request);
  sweep.out = v["out"];
  sweep.shard = parse_shard(v["shard"]);
  if (v["force"] != "true" && v["force"] != "false")
    setting_error("force", "expected true or false, got '" + v["force"] + "'");
  sweep.force = v["force"] == "true";
  sweep.axes = parse_axes(v["axes"]);
  sweep.runner.jobs = parse_jobs(v["jobs"], request.under_mpi);
  sweep.runner.watch = parse_watch_config(v, false);
  sweep.runner.target = setting_double(v["target"], "target");
  if (sweep.runner.target < 0 || sweep.runner.target > 1)
    setting_error("target", "must be an accuracy in [0, 1]");
  return sweep;
}

std::vector<std::string> parse_axes(const std::string& text) {
  if (trim(text).empty()) return {};
  std::vector<std::string> axes;
  for (const auto& a : split(text, ',')) axes.push_back(trim(a));
  return axes;
}

}  // namespace mlpscope
