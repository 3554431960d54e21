// The data of a run's report (page.h draws it): curves over time, per-layer probes,
// sharpness against 2/lr, the verdict and the options; and, for two-feature data, the
// decision boundary of the trained model.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "report/decision_boundary.h"
#include "report/run_log_reader.h"

namespace mlpscope {

// `source` names the run in the page's subtitle (the log's path, or "train").
//
// The x axis is the epoch; when some records share an epoch (train --every N), it is the
// optimizer step instead. Per-layer series hold null where a record has no such layer
// statistic (probes off, or a field that is null for that activation).
nlohmann::json run_report_data(const RunRecords& records,
                               const std::optional<DecisionGrid>& boundary,
                               const std::string& source);

}  // namespace mlpscope
