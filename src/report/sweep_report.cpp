#include "report/sweep_report.h"

#include <algorithm>
#include <map>

#include "core/error.h"
#include "sweep/grid.h"
#include "sweep/sweep.h"

namespace mlpscope {

std::vector<std::size_t> representative_runs(const std::vector<RunRow>& rows, VerdictKind verdict) {
  std::vector<std::size_t> of;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i].verdict == verdict) of.push_back(i);
  std::stable_sort(of.begin(), of.end(), [&](std::size_t a, std::size_t b) {
    const double la = rows[a].final_loss.value_or(INFINITY),
                 lb = rows[b].final_loss.value_or(INFINITY);
    return la < lb;
  });
  if (of.size() <= 3) return of;
  return {of.front(), of[of.size() / 2], of.back()};
}

namespace {

nlohmann::json optional_json(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::string option_text(const nlohmann::json& options, const std::string& name) {
  const auto it = options.find(name);
  if (it == options.end()) return "?";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

nlohmann::json map_json(const ConvergenceMap& map) {
  nlohmann::json facets = nlohmann::json::array();
  for (const auto& f : map.facets) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& row : f.cells) {
      nlohmann::json cells = nlohmann::json::array();
      for (const auto& c : row)
        cells.push_back({{"verdicts", c.verdicts},
                         {"runs", c.runs},
                         {"expected", c.expected},
                         {"median_final_loss", optional_json(c.median_final_loss)}});
      rows.push_back(std::move(cells));
    }
    nlohmann::json rb = nlohmann::json::array(), cb = nlohmann::json::array();
    for (const auto& b : f.row_boundary) rb.push_back(optional_json(b));
    for (const auto& b : f.col_boundary) cb.push_back(optional_json(b));
    facets.push_back(
        {{"label", f.label}, {"cells", rows}, {"row_boundary", rb}, {"col_boundary", cb}});
  }
  return facets;
}

// "lr=0.01 init=he_normal seed=2": a run named by the values of the varied axes.
std::string run_label(const RunRow& r, const std::vector<std::string>& varied) {
  std::string label;
  for (const auto& name : varied) label += name + "=" + option_text(r.options, name) + " ";
  return label + "seed=" + option_text(r.options, "seed");
}

// Curves: the per-epoch training losses the runner stores in each summary (loss_curve), of
// a few representative runs per verdict.
nlohmann::json loss_curves(const std::vector<RunRow>& rows,
                           const std::vector<std::string>& varied) {
  nlohmann::json curves = nlohmann::json::array();
  for (const VerdictRow& verdict : verdict_table())
    for (const std::size_t i : representative_runs(rows, verdict.kind)) {
      const nlohmann::json summary = nlohmann::json::parse(rows[i].summary, nullptr, false);
      if (summary.is_discarded() || !summary.contains("loss_curve")) continue;
      curves.push_back({{"verdict", verdict.name},
                        {"label", run_label(rows[i], varied)},
                        {"losses", summary["loss_curve"]}});
    }
  return curves;
}

// Every run as a row of the page's table: the varied options, the seed, then the results.
nlohmann::json run_table(const std::vector<RunRow>& rows, const std::vector<std::string>& varied) {
  nlohmann::json columns = varied;
  columns.push_back("seed");
  for (const char* c :
       {"verdict", "cause", "initial_loss", "final_loss", "best_loss", "train_accuracy",
        "test_accuracy", "epochs_to_target", "sharpness_init", "seconds"})
    columns.push_back(c);
  nlohmann::json table_rows = nlohmann::json::array();
  for (const auto& r : rows) {
    nlohmann::json row = nlohmann::json::array();
    for (const auto& name : varied) row.push_back(option_text(r.options, name));
    row.push_back(r.options.value("seed", nlohmann::json(nullptr)));
    row.push_back(name(r.verdict));
    row.push_back(name(r.cause));
    for (const auto* v :
         {&r.initial_loss, &r.final_loss, &r.best_loss, &r.train_accuracy, &r.test_accuracy})
      row.push_back(optional_json(*v));
    row.push_back(r.epochs_to_target ? nlohmann::json(*r.epochs_to_target)
                                     : nlohmann::json(nullptr));
    row.push_back(optional_json(r.sharpness_init));
    row.push_back(r.seconds);
    table_rows.push_back(std::move(row));
  }
  return {{"columns", columns}, {"rows", table_rows}};
}

// "data spiral · hidden 16 · …": the options every run shares, for the subtitle.
std::string shared_options(const GridSpec& spec, const std::vector<std::string>& varied) {
  std::string base;
  for (const char* name :
       {"data", "hidden", "activation", "loss", "init", "optimizer", "lr", "epochs", "batch"}) {
    const bool is_axis = std::find(varied.begin(), varied.end(), name) != varied.end();
    const auto it = spec.base.find(name);
    if (!is_axis && it != spec.base.end())
      base += std::string(base.empty() ? "" : " · ") + name + " " + it->second;
  }
  return base;
}

}  // namespace

nlohmann::json sweep_report_data(const std::string& dir, const std::vector<std::string>& axes) {
  const StoredSweep stored = open_sweep(dir);
  const GridSpec& spec = stored.spec;
  const std::vector<RunRow> rows = stored.store->rows();
  const ConvergenceMap map = build_map(spec, expand_grid(spec), rows, axes);

  std::vector<std::string> varied;
  for (const auto& a : spec.axes) varied.push_back(a.name);
  std::map<std::string, int> counts;
  for (const auto& r : rows) ++counts[std::string(name(r.verdict))];
  const std::string base = shared_options(spec, varied);
  const std::size_t expected = expand_grid(spec).size();
  return {{"kind", "sweep"},
          {"title", "Sweep report: " + std::to_string(rows.size()) + " runs"},
          {"subtitle", dir + " · " + std::to_string(rows.size()) + " of " +
                           std::to_string(expected) + " runs of the grid · " + base},
          {"row_axis", map.row_axis},
          {"col_axis", map.col_axis},
          {"row_values", map.row_values},
          {"col_values", map.col_values},
          {"facet_axes", map.facet_axes},
          {"facets", map_json(map)},
          {"counts", counts},
          {"curves", loss_curves(rows, varied)},
          {"table", run_table(rows, varied)}};
}

}  // namespace mlpscope
