#include "sweep/sweep.h"

#include <filesystem>

#include "core/error.h"
#include "core/strings.h"
#include "io/atomic_file.h"

namespace mlpscope {

Shard parse_shard(const std::string& text) {
  const auto parts = split(text, '/');
  if (parts.size() != 2) setting_error("shard", "expected K/N, got '" + text + "'");
  const long long k = setting_integer(parts[0], "shard"), n = setting_integer(parts[1], "shard");
  if (n < 1) setting_error("shard", "N must be at least 1, got '" + text + "'");
  if (k < 1 || k > n)
    setting_error("shard", "K must be in 1.." + std::to_string(n) + ", got '" + text + "'");
  return {static_cast<int>(k), static_cast<int>(n)};
}

namespace {

ConvergenceMap export_results(const ResultStore& store, const GridSpec& spec,
                              const std::vector<GridPoint>& points, const std::string& dir,
                              const std::vector<std::string>& axes) {
  const auto rows = store.rows();
  ConvergenceMap map = build_map(spec, points, rows, axes);
  const auto path = [&](const char* name) { return (std::filesystem::path(dir) / name).string(); };
  write_file_atomically(path("results.csv"), store.to_csv());
  write_file_atomically(path("map.csv"), map_to_csv(map));
  return map;
}

}  // namespace

SweepOutcome run_sweep(const SweepOptions& options,
                       const std::function<void(const SweepProgress&)>& progress,
                       const PointRunner& runner) {
  // Every check that can fail comes before the first run: grid, axes, --out, data.
  const std::vector<GridPoint> points = expand_grid(options.grid);
  (void)build_map(options.grid, points, {}, options.axes);
  if (options.out.empty()) setting_error("out", "a sweep needs a directory for its results");
  ResultStore store(options.out, "out");
  nlohmann::json definition = grid_definition(options.grid, options.runner.watch);
  // Each row's epochs_to_target is counted against --target: rows counted against another
  // are another grid's. Only where not the default, so that earlier databases still resume.
  if (options.runner.target != RunnerConfig{}.target) definition["target"] = options.runner.target;
  const auto existing = store.grid();
  if (existing && *existing != definition.dump() && !options.force)
    setting_error("out", options.out + " holds the results of another sweep (" +
                             describe_grid_change(nlohmann::json::parse(*existing), definition) +
                             " differ); use another --out, or --force to discard them");
  store.claim_grid(definition.dump(), options.force);

  SweepOutcome outcome;
  outcome.grid_size = points.size();
  const std::set<std::string> finished = store.finished_keys();
  std::vector<const GridPoint*> todo;
  for (const auto& p : points) {
    if (p.index % static_cast<std::size_t>(options.shard.count) !=
        static_cast<std::size_t>(options.shard.index - 1))
      continue;
    ++outcome.in_shard;
    if (finished.contains(p.key))
      ++outcome.skipped;
    else
      todo.push_back(&p);
  }
  DataCache data;
  data.load(todo);
  outcome.progress = runner(
      todo, data, options.runner, [&](const RunRow& row) { store.insert(row); }, progress);
  outcome.map = export_results(store, options.grid, points, options.out, options.axes);
  return outcome;
}

SweepOutcome merge_sweeps(const std::vector<std::string>& dirs, const std::string& out, bool force,
                          const std::vector<std::string>& axes) {
  if (dirs.empty()) setting_error("merge", "name the sweep directories to join");
  if (out.empty()) setting_error("out", "name the directory of the joined results");
  std::optional<std::string> grid;
  std::vector<RunRow> rows;
  for (const auto& dir : dirs) {
    if (!std::filesystem::exists(std::filesystem::path(dir) / "results.sqlite"))
      setting_error("merge", dir + " holds no results.sqlite");
    const ResultStore input(dir, "merge");
    const auto g = input.grid();
    if (!g) setting_error("merge", dir + " holds no sweep");
    if (grid && *g != *grid)
      setting_error("merge", dir + " holds another grid than " + dirs.front());
    grid = g;
    for (auto& r : input.rows()) rows.push_back(std::move(r));
  }
  const GridSpec spec = grid_from_definition(nlohmann::json::parse(*grid));
  const std::vector<GridPoint> points = expand_grid(spec);
  (void)build_map(spec, points, {}, axes);
  ResultStore store(out, "out");
  store.claim_grid(*grid, force);
  store.insert_all(rows);
  SweepOutcome outcome;
  outcome.grid_size = outcome.in_shard = points.size();
  outcome.skipped = store.finished_keys().size();
  outcome.map = export_results(store, spec, points, out, axes);
  return outcome;
}

StoredSweep open_sweep(const std::string& dir) {
  if (!std::filesystem::exists(std::filesystem::path(dir) / "results.sqlite"))
    throw Error(dir + ": no results.sqlite (not a sweep directory; see mlpscope sweep --out)");
  StoredSweep sweep{std::make_unique<ResultStore>(dir, "out"), {}};
  const auto grid = sweep.store->grid();
  if (!grid) throw Error(dir + ": results.sqlite holds no sweep");
  sweep.spec = grid_from_definition(nlohmann::json::parse(*grid));
  return sweep;
}

}  // namespace mlpscope
