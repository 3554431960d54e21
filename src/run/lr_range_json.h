// A learning-rate range test as the JSON object `mlpscope lr-find --json` prints
// (docs/lr-find.md): the curve, the suggestions, λ0 and 2/λ0, and where the suggestion
// falls. lr_range_from_json reads it back (a NaN or infinite loss is written as null and
// read back as NaN).
#pragma once

#include <nlohmann/json.hpp>

#include "run/lr_range_test.h"

namespace mlpscope {

nlohmann::json lr_range_to_json(const LrRangeResult& result);
// Throws Error naming the field that is missing or of the wrong type.
LrRangeResult lr_range_from_json(const nlohmann::json& j);

}  // namespace mlpscope
