// The records of a run, from a run log file (docs/run-log.md) or from a run just trained:
// what a run's report is drawn from.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "train/record.h"

namespace mlpscope {

struct RunRecords {
  std::vector<nlohmann::json> epochs;  // the records with an "epoch" field, in file order
  nlohmann::json summary;              // the last line (no "epoch" field); null when absent
};

// Reads a JSON Lines run log. Throws Error("PATH line N: …") for a line that is not a JSON
// object or a record whose fields have the wrong type, and Error("PATH: …") for a missing
// or empty file. A log cut short by a killed run (no summary line) is read as it is.
RunRecords read_run_log(const std::string& path);

// The records a run log of this run would hold (run/run_log.h): every EpochRecord, then
// `summary` (summary_to_json of the run).
RunRecords run_records(const TrainSummary& summary, const nlohmann::json& summary_json);

}  // namespace mlpscope
