// Writing a report from any command (report, train --report, sweep, toy --report): the
// HTML page, then the PNG figures when asked, with one line on stdout per file.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "data/dataset.h"
#include "run/run.h"

namespace mlpscope::cli {

// Writes the page to `path`; when `png_dir` is not empty, each figure as a PNG there. A
// line per file goes to `out` (nothing when null).
void write_report(const nlohmann::json& data, const std::string& path, const std::string& option,
                  const std::string& png_dir = "", std::FILE* out = stdout);

// train --report: the run just trained, with its decision boundary on two-feature data
// (the model is in memory, evaluated on a grid over `train`).
void write_run_report(const RunResult& result, const Dataset& train, const nlohmann::json& summary,
                      const std::string& path, std::FILE* out);

}  // namespace mlpscope::cli
