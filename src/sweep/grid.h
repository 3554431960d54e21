// The grid of a sweep: the product of every --vary axis and the seeds.
//
// --vary NAME=VALUES takes any option of the run-option table (train/run_config.h).
// VALUES is a list: split on ';' alone when it holds one (values such as uniform:-1,1 hold
// commas; a single such value ends with ';'), else on ','. An item log:LO..HI:N or
// lin:LO..HI:N expands to N values spaced evenly in log or linear scale, both ends exact.
// Points are ordered with the first --vary outermost and the seed innermost; a point's
// index in that order is its identity for --shard, its run key (the canonical JSON of
// every option, seed included) its identity in the results database.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "run/run.h"
#include "run/run_config.h"

namespace mlpscope {

struct Axis {
  std::string name;                 // an option name, without --
  std::vector<std::string> values;  // as they will be handed to parse_run_config
};

// "lr=0.1,0.01" → {lr, [0.1, 0.01]}; throws Error naming the --vary on any fault.
Axis parse_vary(const std::string& text);
// "log:1e-4..1e-2:3" → 3 values; `what` names the option for errors.
std::vector<std::string> expand_range(const std::string& item, const std::string& what);

struct GridSpec {
  OptionValues base;  // every other option, as given or defaulted (seed: the first seed)
  std::vector<Axis> axes;
  int seeds = 1;  // seeds base..base+seeds-1
};

struct GridPoint {
  std::size_t index = 0;            // position in the grid's order
  std::vector<std::size_t> choice;  // per axis, the index of its value
  RunConfig config;
  std::string key;  // canonical JSON of config.to_json()
};

// Checks the spec (duplicate or unknown axes, seeds) and every point with parse_run_config;
// a bad value throws Error naming the --vary that holds it.
std::vector<GridPoint> expand_grid(const GridSpec& spec);

// What identifies a grid in its database: base options, axes and seeds, as canonical JSON,
// and what the runs watch where that is not the default (probes and λmax decide the
// verdict's cause and the boundary, so results watched otherwise are another sweep's).
nlohmann::json grid_definition(const GridSpec& spec, const WatchConfig& watch = {});
GridSpec grid_from_definition(const nlohmann::json& definition);
// What differs between two definitions, for people: "the --vary axes, --epochs".
std::string describe_grid_change(const nlohmann::json& before, const nlohmann::json& after);

}  // namespace mlpscope
