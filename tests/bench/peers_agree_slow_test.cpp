// The benchmark's peers must train the same network as mlpscope, or the ratios of
// `make bench` compare different work. bench/check_peers.py starts the numpy MLP (f64) and,
// where installed, PyTorch (f64 and f32) from weights that mlpscope drew and exported, takes
// the same SGD steps (full batch and batch 1, cross-entropy and softmax + MSE), and checks
// every loss of mlpscope's run log (f64 and f32) against them: to 1e-9 of the initial loss in
// f64, 1e-4 in f32. So this is also an end-to-end check of mlpscope's forward, backward and
// update against independent implementations.
// numpy (float64) is the reference and is installed by the set-up, so this runs in CI;
// PyTorch (`scripts/setup.sh bench`) is compared as well where it is installed.
// Labelled `slow`: importing torch alone takes seconds.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "support/numpy.h"
#include "support/run_command.h"

namespace mlpscope {
namespace {

bool torch_installed() {
  return testing::run_command({testing::kPython, "-c", "import torch"}).status == 0;
}

TEST(BenchPeers, NumpyAndPyTorchComputeTheLossesMlpscopeComputes) {
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed (make setup installs it)";
  SKIP_WITHOUT_NUMPY();
  const std::string script = std::string(MLPSCOPE_SOURCE_DIR) + "/bench/check_peers.py";
  // No bytecode caches written into the source tree.
  const testing::CommandResult r =
      testing::run_command({"/usr/bin/env", "PYTHONDONTWRITEBYTECODE=1", testing::kPython, script,
                            "--mlpscope", MLPSCOPE_BINARY});
  EXPECT_EQ(r.status, 0) << r.command << "\n" << r.out << r.err;
  // 2 losses × 2 regimes × (mlpscope f64 and f32 against numpy f64, and against PyTorch in
  // the same precision where it is installed): every comparison ran.
  std::size_t ok = 0;
  for (auto at = r.out.find("ok  "); at != std::string::npos; at = r.out.find("ok  ", at + 1)) ++ok;
  EXPECT_EQ(ok, torch_installed() ? 16u : 8u) << r.out;
  EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace mlpscope
