// A sweep's RunRow as JSON and back, for sending finished runs between MPI ranks.
//
// Exact: every double is written as the shortest text that reads back to the same bits
// (nlohmann::json's number output), and the values JSON has no number for (NaN, ±inf: a
// diverged run's losses) as the strings "nan", "inf", "-inf", so that a row that crossed
// the wire is stored exactly as the row of a run on rank 0 would be.
#pragma once

#include <nlohmann/json.hpp>

#include "sweep/store.h"

namespace mlpscope {

nlohmann::json row_to_json(const RunRow& row);
// Throws Error on a malformed row (a message from a rank of another build).
RunRow row_from_json(const nlohmann::json& json);

}  // namespace mlpscope
