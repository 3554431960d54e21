#include "sweep/grid.h"

#include <cmath>
#include <cstdio>
#include <set>

#include "core/error.h"
#include "core/strings.h"

namespace mlpscope {

namespace {

bool is_option(const std::string& name) {
  for (const auto& o : run_options())
    if (name == o.name) return true;
  return false;
}

std::string option_names() {
  std::string names;
  for (const auto& o : run_options()) names += (names.empty() ? "" : ", ") + std::string(o.name);
  return names;
}

}  // namespace

std::vector<std::string> expand_range(const std::string& item, const std::string& axis) {
  // kind:LO..HI:N
  const auto [kind, rest] = split_kind(item);
  const std::string form = axis + ": range '" + item + "' must be " + kind + ":LO..HI:N";
  const auto dots = rest.find("..");
  const auto colon = rest.rfind(':');
  if (dots == std::string::npos || colon == std::string::npos || colon < dots)
    setting_error("vary", form);
  const double lo = setting_double(rest.substr(0, dots), "vary", axis + " (range start)");
  const double hi =
      setting_double(rest.substr(dots + 2, colon - dots - 2), "vary", axis + " (range end)");
  const long long n = setting_integer(rest.substr(colon + 1), "vary", axis + " (range count)");
  if (n < 1)
    setting_error("vary", axis + ": range '" + item + "' needs N >= 1, got " + std::to_string(n));
  if (n > 100000)
    setting_error("vary", axis + ": range '" + item + "' has more than 100000 values");
  if (kind == "log" && (lo <= 0 || hi <= 0))
    setting_error("vary", axis + ": log range '" + item + "' needs positive ends");
  std::vector<std::string> values;
  for (long long i = 0; i < n; ++i) {
    double v = lo;
    if (i == n - 1)
      v = hi;  // exact end, not lo·(hi/lo)^1 with rounding
    else if (i > 0) {
      const double t = static_cast<double>(i) / static_cast<double>(n - 1);
      v = kind == "log" ? std::exp(std::log(lo) + t * (std::log(hi) - std::log(lo)))
                        : lo + t * (hi - lo);
    }
    if (n == 1) v = lo;
    // Inner points are computed, not given: 12 digits drop the rounding noise of exp/log
    // (0.010000000000000004 → 0.01); the ends are printed exactly.
    if (i > 0 && i < n - 1) v = setting_double(significant(v, 12), "vary", axis);
    values.push_back(shortest_text(v));
  }
  return values;
}

Axis parse_vary(const std::string& text) {
  // Every problem is the setting vary's, quoting the text given.
  auto refuse = [&text](const std::string& problem) {
    setting_error("vary", text + ": " + problem);
  };
  const auto eq = text.find('=');
  if (eq == std::string::npos) refuse("expected NAME=V1,V2,…");
  Axis axis;
  axis.name = trim(text.substr(0, eq));
  if (axis.name.starts_with("--")) axis.name = axis.name.substr(2);
  if (axis.name.empty()) refuse("the option name is empty");
  if (!is_option(axis.name))
    refuse("unknown option '" + axis.name + "' (options: " + option_names() + ")");
  if (axis.name == "seed") refuse("use --seeds N (with --seed as the first seed) to vary the seed");
  if (axis.name == "threads") refuse("each run of a sweep is single-threaded; use --jobs");
  const std::string list = text.substr(eq + 1);
  if (trim(list).empty()) refuse("no values after '='");
  // The ';' rule: a list holding ';' is split on ';' alone, and a trailing ';' ends it.
  const bool semicolons = list.find(';') != std::string::npos;
  std::vector<std::string> items = split(list, semicolons ? ';' : ',');
  if (semicolons && trim(items.back()).empty()) items.pop_back();
  for (const auto& raw : items) {
    const std::string item = trim(raw);
    if (item.empty()) refuse("empty value in the list");
    if (item.starts_with("log:") || item.starts_with("lin:")) {
      for (auto& v : expand_range(item, axis.name)) axis.values.push_back(std::move(v));
    } else {
      axis.values.push_back(item);
    }
  }
  return axis;
}

namespace {

OptionValues point_values(const GridSpec& spec, const std::vector<std::size_t>& choice,
                          int seed_offset) {
  OptionValues values = spec.base;
  for (std::size_t a = 0; a < spec.axes.size(); ++a)
    values[spec.axes[a].name] = spec.axes[a].values[choice[a]];
  const long long first =
      setting_integer(spec.base.count("seed") ? spec.base.at("seed") : "0", "seed");
  values["seed"] = std::to_string(first + seed_offset);
  values["threads"] = "1";
  return values;
}

std::string describe_choice(const GridSpec& spec, const std::vector<std::size_t>& choice) {
  std::string s;
  for (std::size_t a = 0; a < spec.axes.size(); ++a)
    s += (s.empty() ? "" : " ") + spec.axes[a].name + "=" + spec.axes[a].values[choice[a]];
  return s;
}

void check_spec(const GridSpec& spec) {
  if (spec.seeds < 1)
    setting_error("seeds", "must be at least 1, got " + std::to_string(spec.seeds));
  std::set<std::string> names;
  for (const auto& axis : spec.axes) {
    if (!names.insert(axis.name).second) setting_error("vary", axis.name + ": given twice");
    if (axis.values.empty()) setting_error("vary", axis.name + ": no values");
  }
}

// A point failed to parse: name the --vary value that fails on its own over the base, or
// else the combination (output=sigmoid with loss=cross_entropy).
[[noreturn]] void blame(const GridSpec& spec, const std::vector<std::size_t>& choice,
                        const Error& error) {
  for (std::size_t a = 0; a < spec.axes.size(); ++a) {
    OptionValues v = spec.base;
    v[spec.axes[a].name] = spec.axes[a].values[choice[a]];
    v["threads"] = "1";
    try {
      (void)parse_run_config(v);
    } catch (const Error& e) {
      // "vary: lr=0: must be positive", not "…: lr=0: lr: must be positive".
      const auto* of_axis = dynamic_cast<const SettingError*>(&e);
      const bool same = of_axis && of_axis->setting() == spec.axes[a].name;
      setting_error("vary", spec.axes[a].name + "=" + spec.axes[a].values[choice[a]] + ": " +
                                (same ? of_axis->detail() : std::string(e.what())));
    }
  }
  setting_error("vary", "(" + describe_choice(spec, choice) + "): " + error.what());
}

}  // namespace

std::vector<GridPoint> expand_grid(const GridSpec& spec) {
  check_spec(spec);
  std::size_t total = static_cast<std::size_t>(spec.seeds);
  for (const auto& axis : spec.axes) {
    if (total > 10000000 / axis.values.size())
      setting_error("vary", "the grid has more than 10 million runs");
    total *= axis.values.size();
  }
  std::vector<GridPoint> points;
  points.reserve(total);
  std::vector<std::size_t> choice(spec.axes.size(), 0);
  for (std::size_t index = 0; index < total; ++index) {
    // Mixed-radix digits of index: seed fastest, then the last axis, … the first axis slowest.
    std::size_t rest = index / static_cast<std::size_t>(spec.seeds);
    const int seed_offset = static_cast<int>(index % static_cast<std::size_t>(spec.seeds));
    for (std::size_t a = spec.axes.size(); a-- > 0;) {
      choice[a] = rest % spec.axes[a].values.size();
      rest /= spec.axes[a].values.size();
    }
    GridPoint p;
    p.index = index;
    p.choice = choice;
    try {
      p.config = parse_run_config(point_values(spec, choice, seed_offset));
    } catch (const Error& e) {
      blame(spec, choice, e);
    }
    p.key = p.config.to_json().dump();
    points.push_back(std::move(p));
  }
  return points;
}

nlohmann::json grid_definition(const GridSpec& spec, const WatchConfig& watch) {
  nlohmann::json base = nlohmann::json::object();
  for (const auto& [name, value] : spec.base) base[name] = value;
  for (const auto& axis : spec.axes) base.erase(axis.name);  // the axis decides, not the base
  base["threads"] = "1";
  nlohmann::json axes = nlohmann::json::array();
  for (const auto& axis : spec.axes) axes.push_back({{"name", axis.name}, {"values", axis.values}});
  nlohmann::json definition = {{"base", base}, {"axes", axes}, {"seeds", spec.seeds}};
  // Only where not the default, so that the databases of earlier sweeps still resume. The
  // target decides each row's verdict, so a sweep resumed with another one would mix
  // verdicts judged against two targets.
  const WatchConfig defaults;
  if (watch.probe_samples != defaults.probe_samples ||
      watch.sharpness_every != defaults.sharpness_every || watch.target.stated()) {
    definition["watch"] = {{"probe-samples", watch.probe_samples},
                           {"sharpness-every", watch.sharpness_every < 0 ? "never" : "0"}};
    if (watch.target.accuracy) definition["watch"]["target-accuracy"] = *watch.target.accuracy;
    if (watch.target.loss) definition["watch"]["target-loss"] = *watch.target.loss;
  }
  return definition;
}

std::string describe_grid_change(const nlohmann::json& before, const nlohmann::json& after) {
  std::string changes;
  const auto note = [&](const std::string& what) {
    changes += (changes.empty() ? "" : ", ") + what;
  };
  if (before.value("axes", nlohmann::json()) != after.value("axes", nlohmann::json()))
    note("the --vary axes");
  if (before.value("seeds", nlohmann::json()) != after.value("seeds", nlohmann::json()))
    note("--seeds");
  if (before.value("target", nlohmann::json()) != after.value("target", nlohmann::json()))
    note("--target");
  // A definition without "watch" has the defaults.
  const auto watch_of = [](const nlohmann::json& definition) {
    const WatchConfig defaults;
    nlohmann::json watch = {{"probe-samples", defaults.probe_samples}, {"sharpness-every", "0"}};
    watch.update(definition.value("watch", nlohmann::json::object()));
    return watch;
  };
  const nlohmann::json bw = watch_of(before), aw = watch_of(after);
  for (const char* name : {"probe-samples", "sharpness-every", "target-accuracy", "target-loss"})
    if (bw.value(name, nlohmann::json()) != aw.value(name, nlohmann::json()))
      note(std::string("--") + name);
  const nlohmann::json b = before.value("base", nlohmann::json::object()),
                       a = after.value("base", nlohmann::json::object());
  for (const auto& [name, value] : a.items())
    if (!b.contains(name) || b.at(name) != value) note("--" + name);
  for (const auto& [name, value] : b.items())
    if (!a.contains(name)) note("--" + name);
  return changes.empty() ? "the grid" : changes;
}

GridSpec grid_from_definition(const nlohmann::json& d) {
  GridSpec spec;
  for (const auto& [name, value] : d.at("base").items()) spec.base[name] = value.get<std::string>();
  for (const auto& axis : d.at("axes"))
    spec.axes.push_back(
        {axis.at("name").get<std::string>(), axis.at("values").get<std::vector<std::string>>()});
  spec.seeds = d.at("seeds").get<int>();
  // Varied options were left out of the base; any value of the axis stands in for parsing.
  for (const auto& axis : spec.axes) spec.base[axis.name] = axis.values.front();
  return spec;
}

}  // namespace mlpscope
