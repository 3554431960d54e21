// numpy itself, run as a subprocess, writes the .npy and .npz files that the readers are
// tested on: files from the real writer, in every variant it makes, rather than from a copy
// of the spec in test code. Debian's python3, where python3-numpy installs (scripts/setup.sh);
// a test that needs it skips, saying so, where numpy is not installed.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "support/run_command.h"

namespace mlpscope::testing {

inline constexpr const char* kPython = "/usr/bin/python3";

inline bool have_numpy() {
  static const bool found = run_command({kPython, "-c", "import numpy"}).status == 0;
  return found;
}

// Runs the Python `code` in `dir` with numpy imported as np; the test fails, showing the
// code and Python's error, when it does not exit 0.
inline void run_numpy(const std::string& dir, const std::string& code) {
  const CommandResult r = run_command(
      {kPython, "-c", "import os, sys\nimport numpy as np\nos.chdir(sys.argv[1])\n" + code, dir});
  EXPECT_EQ(r.status, 0) << "python3 failed on:\n" << code << "\n" << r.err;
}

}  // namespace mlpscope::testing

// In a test: skip it where numpy is missing.
#define SKIP_WITHOUT_NUMPY()                                                           \
  do {                                                                                 \
    if (!mlpscope::testing::have_numpy())                                              \
      GTEST_SKIP() << "python3-numpy is not installed (scripts/setup.sh installs it)"; \
  } while (false)
