// The toy command as one library call and its settings as a table, so that the command line
// and Python's mlpscope.toy() offer the same settings and return the same result.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <vector>

#include "run/run_config.h"
#include "toy/gd1d.h"

namespace mlpscope {

// f, lr, x0, steps: the rows parse_toy_settings reads (scan is each front end's own switch).
std::span<const OptionInfo> toy_options();

struct ToyRun {
  ToySettings settings;
  std::vector<double> iterates;
  VerdictKind verdict = VerdictKind::converged;
  std::string explanation;
  bool scanned = false;
  std::optional<double> boundary;  // found by scan_boundary, when scanned and there is one
  ClosedForm closed_form;
};

// The iterates, their verdict and explanation, the closed form, and with `scan` the basin
// boundary found by bisection (ScanSettings' defaults).
ToyRun run_toy(const ToySettings& settings, bool scan);

// As `mlpscope toy --json` prints it: f, lr, x0, iterates, verdict, explanation, and when
// scanned boundary and closed_form (null where there is none).
nlohmann::json toy_to_json(const ToyRun& run);

}  // namespace mlpscope
