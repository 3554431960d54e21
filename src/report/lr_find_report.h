// The data of lr-find's report (mlpscope lr-find --report): the range test's curve, the
// training loss and its smoothed value against a log-scaled learning rate, with the lrs it
// marks (the suggestion, the minimum, the point where the loss blew up) beside the one
// predicted before training, 2/λ0 (run/lr_range_test.h, docs/lr-find.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "run/lr_range_test.h"

namespace mlpscope {

// `data_name` names the training set in the title; `batch` (0: full) and `optimizer` the
// run, in the subtitle.
nlohmann::json lr_find_report_data(const LrRangeResult& result, const std::string& data_name,
                                   Index batch, const std::string& optimizer);

}  // namespace mlpscope
