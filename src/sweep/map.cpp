#include "sweep/map.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.h"
#include "core/strings.h"
#include "run/diagnosis.h"
#include "sweep/scale_law.h"

namespace mlpscope {

namespace {

std::optional<double> median(std::vector<double> v) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string number(std::optional<double> v, bool exact) {
  if (!v) return exact ? "" : "-";
  char buffer[64];
  if (exact) return shortest_text(*v);
  std::snprintf(buffer, sizeof buffer, "%.3g", *v);
  return buffer;
}

// Width in characters people see: λ is two bytes in UTF-8.
std::size_t shown_width(const std::string& s) {
  std::size_t shown = 0;
  for (unsigned char c : s) shown += (c & 0xC0) != 0x80;
  return shown;
}

std::string pad(const std::string& s, std::size_t width) {
  const std::size_t shown = shown_width(s);
  return s + std::string(width > shown ? width - shown : 0, ' ');
}

// Index of `name` among the axes, or an Error naming --axes.
std::size_t axis_index(const GridSpec& spec, const std::string& name) {
  for (std::size_t a = 0; a < spec.axes.size(); ++a)
    if (spec.axes[a].name == name) return a;
  std::string names;
  for (const auto& axis : spec.axes) names += (names.empty() ? "" : ", ") + axis.name;
  setting_error("axes", "'" + name + "' is not a --vary of this sweep (axes: " +
                            (names.empty() ? "none" : names) + ")");
}

// The homogeneity law along the init-scale axis `scales`, drawn from the largest scale
// with a measured boundary (the laws are those of large c, sweep/scale_law.h); fills the
// facet's prediction and exponents.
void draw_scale_law(const std::vector<std::string>& scales,
                    const std::vector<std::optional<double>>& measured, const RunRow& sample,
                    std::vector<std::optional<double>>& predicted, MapFacet& facet) {
  const std::optional<int> k = homogeneity_sharpness_exponent(sample.options);
  if (!k || measured.empty()) return;
  std::vector<double> c, lambda;
  std::optional<std::size_t> first;
  for (std::size_t i = 0; i < scales.size(); ++i) {
    c.push_back(parse_double(scales[i], "init-scale"));
    lambda.push_back(measured[i] ? 2.0 / *measured[i] : NAN);
    if (measured[i] && (!first || c[i] > c[*first])) first = i;
  }
  if (!first) return;
  for (std::size_t i = 0; i < scales.size(); ++i)
    predicted.push_back(predicted_stable_lr(*measured[*first], c[*first], c[i], *k));
  facet.theory_exponent = k;
  facet.anchor_scale = c[*first];
  facet.law = describe_homogeneity(sample.options);
  const double fitted = log_log_slope(c, lambda);
  if (std::isfinite(fitted)) facet.measured_exponent = fitted;
}

}  // namespace

ConvergenceMap build_map(const GridSpec& spec, const std::vector<GridPoint>& points,
                         const std::vector<RunRow>& rows, const std::vector<std::string>& axes) {
  // Row and column axes; -1 stands for a missing axis with the single value "all".
  long row = spec.axes.size() > 0 ? 0 : -1, col = spec.axes.size() > 1 ? 1 : -1;
  if (!axes.empty()) {
    if (axes.size() != 2 || axes[0] == axes[1])
      setting_error("axes", "expected two different --vary names A,B");
    row = static_cast<long>(axis_index(spec, axes[0]));
    col = static_cast<long>(axis_index(spec, axes[1]));
  }
  ConvergenceMap map;
  const std::vector<std::string> all{"all"};
  map.row_axis = row < 0 ? "" : spec.axes[row].name;
  map.col_axis = col < 0 ? "" : spec.axes[col].name;
  map.row_values = row < 0 ? all : spec.axes[row].values;
  map.col_values = col < 0 ? all : spec.axes[col].values;
  std::vector<std::size_t> facet_axes;
  std::size_t facets = 1;
  for (std::size_t a = 0; a < spec.axes.size(); ++a)
    if (static_cast<long>(a) != row && static_cast<long>(a) != col) {
      facet_axes.push_back(a);
      map.facet_axes.push_back(spec.axes[a].name);
      facets *= spec.axes[a].values.size();
    }
  map.facets.resize(facets);

  std::map<std::string, const RunRow*> by_key;
  for (const auto& r : rows) by_key[r.key] = &r;
  // Gather per cell, then reduce.
  struct Gathered {
    std::vector<double> losses, stable_lr;  // final losses, 2/λmax at initialization
  };
  const std::size_t R = map.row_values.size(), C = map.col_values.size();
  std::vector<std::vector<std::vector<Gathered>>> gathered(
      facets, std::vector<std::vector<Gathered>>(R, std::vector<Gathered>(C)));
  std::vector<const RunRow*> sample(facets, nullptr);  // a run of each facet, for its options
  for (std::size_t f = 0; f < facets; ++f) map.facets[f].cells.assign(R, std::vector<MapCell>(C));
  for (const auto& p : points) {
    std::size_t f = 0;
    for (std::size_t a : facet_axes) f = f * spec.axes[a].values.size() + p.choice[a];
    const std::size_t r = row < 0 ? 0 : p.choice[row], c = col < 0 ? 0 : p.choice[col];
    MapCell& cell = map.facets[f].cells[r][c];
    ++cell.expected;
    const auto it = by_key.find(p.key);
    if (it == by_key.end()) continue;
    const RunRow& run = *it->second;
    ++cell.runs;
    ++cell.verdicts[std::string(name(run.verdict))];
    sample[f] = &run;
    gathered[f][r][c].losses.push_back(run.final_loss.value_or(NAN));
    if (run.sharpness_init && *run.sharpness_init > 0)
      gathered[f][r][c].stable_lr.push_back(2.0 / *run.sharpness_init);
  }
  for (std::size_t f = 0; f < facets; ++f) {
    MapFacet& facet = map.facets[f];
    std::size_t rest = f;
    for (std::size_t i = facet_axes.size(); i-- > 0;) {
      const Axis& axis = spec.axes[facet_axes[i]];
      const std::string& value = axis.values[rest % axis.values.size()];
      facet.label = axis.name + "=" + value + (facet.label.empty() ? "" : " ") + facet.label;
      facet.values.insert(facet.values.begin(), value);
      rest /= axis.values.size();
    }
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t c = 0; c < C; ++c) {
        std::vector<double> losses;
        for (double v : gathered[f][r][c].losses)
          losses.push_back(std::isnan(v) ? INFINITY : v);  // NaN: diverged, worse than any
        facet.cells[r][c].median_final_loss = median(losses);
      }
    // λmax at initialization does not depend on lr: pool every lr of each other value.
    if (map.col_axis == "lr") {
      for (std::size_t r = 0; r < R; ++r) {
        std::vector<double> v;
        for (std::size_t c = 0; c < C; ++c)
          for (double x : gathered[f][r][c].stable_lr) v.push_back(x);
        facet.row_boundary.push_back(median(v));
      }
    }
    if (map.row_axis == "lr") {
      for (std::size_t c = 0; c < C; ++c) {
        std::vector<double> v;
        for (std::size_t r = 0; r < R; ++r)
          for (double x : gathered[f][r][c].stable_lr) v.push_back(x);
        facet.col_boundary.push_back(median(v));
      }
    }
    // No λmax in any run (--sharpness-every never, --probe-samples 0): no boundary to draw.
    const auto none = [](const std::vector<std::optional<double>>& b) {
      return std::none_of(b.begin(), b.end(), [](const auto& v) { return v.has_value(); });
    };
    if (none(facet.row_boundary)) facet.row_boundary.clear();
    if (none(facet.col_boundary)) facet.col_boundary.clear();
    // Within a facet only the two axes and the seed vary: any run has the facet's network.
    if (sample[f] && map.row_axis == "init-scale" && map.col_axis == "lr")
      draw_scale_law(map.row_values, facet.row_boundary, *sample[f], facet.row_predicted, facet);
    if (sample[f] && map.col_axis == "init-scale" && map.row_axis == "lr")
      draw_scale_law(map.col_values, facet.col_boundary, *sample[f], facet.col_predicted, facet);
  }
  return map;
}

namespace {

// "3/3 conv 0.0123": the majority verdict with its share of the runs, and the median loss.
std::string cell_text(const MapCell& cell) {
  if (cell.runs == 0) return "-";
  std::string_view best;
  int count = 0;
  for (const VerdictRow& v : verdict_table()) {
    const auto it = cell.verdicts.find(std::string(v.name));
    if (it != cell.verdicts.end() && it->second > count) best = v.abbreviation, count = it->second;
  }
  std::string s =
      std::to_string(count) + "/" + std::to_string(cell.expected) + " " + std::string(best);
  return s + " " + number(cell.median_final_loss, false);
}

// c^k as the map writes it: "c^4", "c^-4", and "c^0" for k = 0 (no "c^-0").
std::string power_of_c(int k) { return "c^" + std::to_string(k); }

// The prediction's heading: "c^-4 law", 2/λmax ∝ c^-k.
std::string law_label(const MapFacet& facet) {
  return power_of_c(-*facet.theory_exponent) + " law";
}

// Under the table: what the law is, where it was drawn from, and what was measured.
std::string law_note(const MapFacet& facet) {
  char line[512];
  std::snprintf(line, sizeof line,
                "init-scale c: homogeneity (%s) gives λmax ∝ %s at large c, so 2/λmax ∝ %s, "
                "drawn from c = %g; the measured λmax fits c^%s\n",
                facet.law.c_str(), power_of_c(*facet.theory_exponent).c_str(),
                power_of_c(-*facet.theory_exponent).c_str(), *facet.anchor_scale,
                facet.measured_exponent ? number(*facet.measured_exponent, false).c_str() : "?");
  return line;
}

}  // namespace

std::string map_to_text(const ConvergenceMap& map) {
  std::string corner = map.row_axis.empty() ? "-" : map.row_axis;
  if (!map.col_axis.empty()) corner += " \\ " + map.col_axis;
  std::string out;
  for (const auto& facet : map.facets) {
    std::vector<std::vector<std::string>> table;
    std::vector<std::string> header{corner};
    for (const auto& v : map.col_values) header.push_back(v);
    if (!facet.row_boundary.empty()) header.push_back("2/λmax");
    if (!facet.row_predicted.empty()) header.push_back(law_label(facet));
    table.push_back(header);
    for (std::size_t r = 0; r < map.row_values.size(); ++r) {
      std::vector<std::string> line{map.row_values[r]};
      for (const auto& cell : facet.cells[r]) line.push_back(cell_text(cell));
      if (!facet.row_boundary.empty()) line.push_back(number(facet.row_boundary[r], false));
      if (!facet.row_predicted.empty()) line.push_back(number(facet.row_predicted[r], false));
      table.push_back(line);
    }
    if (!facet.col_boundary.empty()) {
      std::vector<std::string> line{"2/λmax"};
      for (const auto& b : facet.col_boundary) line.push_back(number(b, false));
      table.push_back(line);
    }
    if (!facet.col_predicted.empty()) {
      std::vector<std::string> line{law_label(facet)};
      for (const auto& b : facet.col_predicted) line.push_back(number(b, false));
      table.push_back(line);
    }
    std::vector<std::size_t> width(header.size(), 0);
    for (const auto& line : table)
      for (std::size_t i = 0; i < line.size(); ++i)
        width[i] = std::max(width[i], shown_width(line[i]));
    if (!facet.label.empty()) out += "[" + facet.label + "]\n";
    for (const auto& line : table) {
      std::string text;
      for (std::size_t i = 0; i < line.size(); ++i) {
        text += i ? "  " : "";
        text += pad(line[i], width[i]);
      }
      while (!text.empty() && text.back() == ' ') text.pop_back();
      out += text + "\n";
    }
    if (facet.theory_exponent) out += law_note(facet);
  }
  return out;
}

std::string map_to_csv(const ConvergenceMap& map) {
  auto field = [](const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  std::string out;
  for (const auto& a : map.facet_axes) out += a + ",";
  out += (map.row_axis.empty() ? "row" : map.row_axis) + "," +
         (map.col_axis.empty() ? "column" : map.col_axis) + ",runs,expected";
  for (const VerdictRow& v : verdict_table()) {
    out += ',';
    out += v.name;
  }
  out += ",median_final_loss,max_stable_lr,predicted_max_stable_lr\n";
  for (const auto& facet : map.facets) {
    for (std::size_t r = 0; r < map.row_values.size(); ++r)
      for (std::size_t c = 0; c < map.col_values.size(); ++c) {
        const MapCell& cell = facet.cells[r][c];
        std::string line;
        for (const auto& v : facet.values) line += field(v) + ",";
        line += field(map.row_values[r]) + "," + field(map.col_values[c]) + "," +
                std::to_string(cell.runs) + "," + std::to_string(cell.expected);
        for (const VerdictRow& v : verdict_table()) {
          const auto it = cell.verdicts.find(std::string(v.name));
          line += ',';
          line += std::to_string(it == cell.verdicts.end() ? 0 : it->second);
        }
        std::optional<double> boundary, predicted;
        if (!facet.row_boundary.empty()) boundary = facet.row_boundary[r];
        if (!facet.col_boundary.empty()) boundary = facet.col_boundary[c];
        if (!facet.row_predicted.empty()) predicted = facet.row_predicted[r];
        if (!facet.col_predicted.empty()) predicted = facet.col_predicted[c];
        out += line + "," + number(cell.median_final_loss, true) + "," + number(boundary, true) +
               "," + number(predicted, true) + "\n";
      }
  }
  return out;
}

}  // namespace mlpscope
