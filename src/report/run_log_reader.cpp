#include "report/run_log_reader.h"

#include <fstream>

#include "core/error.h"
#include "run/run_log.h"

namespace mlpscope {

namespace {

// The fields a report draws must be numbers (or null where docs/run-log.md allows it).
void check_record(const nlohmann::json& r, const std::string& where) {
  auto number = [&](const char* field, bool nullable) {
    if (!r.contains(field)) {
      if (nullable) return;
      throw Error(where + ": record has no \"" + std::string(field) + "\"");
    }
    const auto& v = r.at(field);
    if (!(v.is_number() || (nullable && v.is_null())))
      throw Error(where + ": \"" + std::string(field) + "\" is not a number");
  };
  number("epoch", false);
  number("step", true);
  number("loss", false);
  number("accuracy", false);
  number("test_loss", true);
  number("test_accuracy", true);
  number("sharpness", true);
  if (r.contains("layers")) {
    if (!r["layers"].is_array()) throw Error(where + ": \"layers\" is not a list");
    for (const auto& layer : r["layers"])
      if (!layer.is_object()) throw Error(where + ": an entry of \"layers\" is not an object");
  }
}

}  // namespace

RunRecords read_run_log(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open the run log");
  RunRecords records;
  std::string line;
  long long number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = path + " line " + std::to_string(number);
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object())
      throw Error(where + ": not a JSON object (is this a run log written by train --log?)");
    if (!records.summary.is_null()) throw Error(where + ": a record after the summary line");
    if (j.contains("epoch")) {
      check_record(j, where);
      records.epochs.push_back(std::move(j));
    } else if (j.contains("verdict")) {
      records.summary = std::move(j);
    } else {
      throw Error(where + ": neither an epoch record nor the summary");
    }
  }
  if (records.epochs.empty()) throw Error(path + ": no epoch records (an empty or foreign file)");
  return records;
}

RunRecords run_records(const TrainSummary& summary, const nlohmann::json& summary_json) {
  RunRecords records;
  for (const auto& r : summary.history) records.epochs.push_back(epoch_to_json(r));
  records.summary = summary_json;
  return records;
}

}  // namespace mlpscope
