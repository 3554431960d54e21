// The data of a sweep's report, read from DIR/results.sqlite (sweep/store.h): the
// convergence map (sweep/map.h) with the 2/λmax boundary, the loss curves of a few
// representative runs per verdict, and every run as a table.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sweep/map.h"
#include "sweep/store.h"

namespace mlpscope {

// Throws Error("DIR: …") when DIR holds no results.sqlite or no sweep. `axes` as for
// build_map (empty: the first two --vary).
nlohmann::json sweep_report_data(const std::string& dir, const std::vector<std::string>& axes = {});

// Of the runs with a given verdict, ordered by final loss: the lowest, the median and the
// highest (fewer when there are fewer runs); indices into `rows`.
std::vector<std::size_t> representative_runs(const std::vector<RunRow>& rows, VerdictKind verdict);

}  // namespace mlpscope
