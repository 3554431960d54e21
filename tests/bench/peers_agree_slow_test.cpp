// The benchmark's peers must train the same network as mlpscope, or the ratios of
// `make bench` compare different work. bench/check_peers.py starts PyTorch (f64 and f32) and
// the numpy MLP (f64) from weights that mlpscope drew and exported, takes the same SGD steps
// (full batch and batch 1, cross-entropy and softmax + MSE), and checks every loss against
// mlpscope's run log: to 1e-9 of the initial loss in f64, 1e-4 in f32. So this is also an
// end-to-end check of mlpscope's forward, backward and update against two independent
// implementations.
// The peers are bench/-only packages (`scripts/setup.sh bench`): without them it is skipped.
// Labelled `slow`: importing torch alone takes seconds.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "support/run_command.h"

namespace mlpscope {
namespace {

const char* const kPython = "/usr/bin/python3";  // Debian's, where python3-torch installs

bool peers_installed() {
  if (!std::filesystem::exists(kPython)) return false;
  return testing::run_command({kPython, "-c", "import numpy, torch"}).status == 0;
}

TEST(BenchPeers, PyTorchAndNumpyComputeTheLossesMlpscopeComputes) {
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed (make setup installs it)";
  if (!peers_installed())
    GTEST_SKIP() << "python3-torch and python3-numpy are not installed (scripts/setup.sh bench)";
  const std::string script = std::string(MLPSCOPE_SOURCE_DIR) + "/bench/check_peers.py";
  // No bytecode caches written into the source tree.
  const testing::CommandResult r =
      testing::run_command({"/usr/bin/env", "PYTHONDONTWRITEBYTECODE=1", kPython, script,
                            "--mlpscope", MLPSCOPE_BINARY});
  EXPECT_EQ(r.status, 0) << r.command << "\n" << r.out << r.err;
  // 2 losses × 2 regimes × (PyTorch f64, numpy f64, PyTorch f32): every comparison ran.
  std::size_t ok = 0;
  for (auto at = r.out.find("ok  "); at != std::string::npos; at = r.out.find("ok  ", at + 1)) ++ok;
  EXPECT_EQ(ok, 12u) << r.out;
  EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace mlpscope
