// What the last bits of a result depend on: the CPU's model name, its vector extensions
// and the build's flags. Figures quoted to the last digit (tests/run/reference/, the
// examples of docs/lr-find.md) hold on the machine they were captured on, named in
// tests/run/reference/machine.txt; elsewhere tests compare what does not drift.
#pragma once

#include <fstream>
#include <string>

#include "support/read_text.h"

namespace mlpscope::testing {

inline std::string machine_signature() {
  std::ifstream in("/proc/cpuinfo");
  std::string line, model, flags;
  while (std::getline(in, line) && (model.empty() || flags.empty())) {
    if (model.empty() && line.starts_with("model name")) model = line.substr(line.find(':') + 2);
    if (flags.empty() && line.starts_with("flags")) flags = line;
  }
  std::string vector;
  for (const char* f : {"avx512f", "avx512bw", "avx512vl", "avx2", "fma"})
    if (flags.find(std::string(" ") + f) != std::string::npos) vector += std::string(" ") + f;
  return model + " |" + vector + "\nbuild: " + MLPSCOPE_BUILD_FLAVOUR + "\n";
}

inline const char* kReferenceMachineFile = MLPSCOPE_SOURCE_DIR "/tests/run/reference/machine.txt";

// This machine and build are the ones the quoted figures were captured with.
inline bool on_reference_machine() {
  std::ifstream probe(kReferenceMachineFile);
  return probe && read_text(kReferenceMachineFile) == machine_signature();
}

}  // namespace mlpscope::testing
