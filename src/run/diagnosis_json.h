// A diagnosis as the JSON object `mlpscope diagnose --json` prints (docs/files.md): per
// layer the measured statistics beside the theory's, the output's saturation, the
// sharpness and the stable learning rate, the predicted verdict, and the homogeneity scan
// where there is one. The command line, the Python module and the server all write this.
#pragma once

#include <nlohmann/json.hpp>

#include "run/diagnosis.h"

namespace mlpscope {

nlohmann::json diagnosis_to_json(const Diagnosis& diagnosis);

}  // namespace mlpscope
