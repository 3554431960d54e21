// The diagnosis of a network at its start as `diagnose` prints it, and `check` too: the
// network, per layer theory beside measurement, the output, the sharpness and the stable
// learning rate, the homogeneity scan where there is one, and the predicted verdict.
#pragma once

#include <string>

#include "core/types.h"
#include "run/diagnosis.h"

namespace mlpscope::cli {

// `data_name`: what was measured on; `samples`: how many of its samples.
void print_diagnosis(const Diagnosis& d, const std::string& data_name, Index samples);

}  // namespace mlpscope::cli
