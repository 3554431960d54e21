// Limits: the memory estimate of a run against a hand count, and the refusal of an absurd
// request up front (before any allocation, any output file, any line of output), both
// against the machine's memory and against MLPSCOPE_MEMORY_LIMIT.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/error.h"
#include "run/memory.h"
#include "support/fixtures.h"
#include "support/run_command.h"

namespace {

namespace fs = std::filesystem;
using namespace mlpscope;

// 2-8-2 on 100 two-feature float64 samples, batch 10, probes on (1000 → all 100 samples).
struct Small : ::testing::Test {
  void SetUp() override {
    config = parse_run_config({{"data", "spiral:n=100"}, {"hidden", "8"}, {"batch", "10"}});
    data = prepare_data(config);
    arch = make_architecture(config, data.train);
  }
  RunConfig config;
  PreparedData data;
  Architecture arch;
};

TEST_F(Small, EstimateMatchesAHandCount) {
  ASSERT_EQ(arch.num_params(), 42);  // 8·2 + 8 + 2·8 + 2
  const MemoryEstimate e = estimate_run_memory(config, arch, data, WatchConfig{});
  EXPECT_EQ(e.parameters, 42.0 * 4 * 3);  // weights, gradients, θ before the last step; sgd
  EXPECT_EQ(e.sharpness, 8.0 * 42 * 8);   // λmax at initialization: 8 float64 vectors
  // Per sample: Z and A of 8 + 2 units, dZ/dA of the widest (8), the input (2): 38 scalars;
  // for the batch (10), the evaluation chunk (all 100) and the probe set (100, also in f64).
  EXPECT_EQ(e.activations, 38.0 * (4 * (10 + 100 + 100) + 8 * 100));
  // float64 features and int32 labels, of the training set and its test split (as large).
  EXPECT_EQ(e.data, 2 * (100.0 * 2 * 8 + 100 * 4));
  EXPECT_EQ(e.total(), e.parameters + e.sharpness + e.activations + e.data);
}

TEST_F(Small, AdamAndDoublesAndNoProbesCountAsTheyShould) {
  RunConfig adam = config;
  adam.optimizer = OptimizerSpec::parse("adam");
  adam.f64 = true;
  const MemoryEstimate e = estimate_run_memory(adam, arch, data, WatchConfig{0, -1, 0});
  EXPECT_EQ(e.parameters, 42.0 * 8 * 4);  // weights, gradients, two moments
  EXPECT_EQ(e.sharpness, 0.0);
  EXPECT_EQ(e.activations, 38.0 * 8 * (10 + 100));
}

TEST(MemoryLimit, ReadsTheEnvironmentOrThePhysicalMemory) {
  ::unsetenv("MLPSCOPE_MEMORY_LIMIT");
  const double physical = static_cast<double>(::sysconf(_SC_PHYS_PAGES)) * ::sysconf(_SC_PAGESIZE);
  EXPECT_EQ(memory_limit_bytes(), physical);
  ::setenv("MLPSCOPE_MEMORY_LIMIT", "1.5G", 1);
  EXPECT_EQ(memory_limit_bytes(), 1.5 * 1024 * 1024 * 1024);
  ::setenv("MLPSCOPE_MEMORY_LIMIT", "4096", 1);
  EXPECT_EQ(memory_limit_bytes(), 4096.0);
  ::setenv("MLPSCOPE_MEMORY_LIMIT", "lots", 1);
  EXPECT_THROW(memory_limit_bytes(), Error);
  ::setenv("MLPSCOPE_MEMORY_LIMIT", "-2G", 1);
  EXPECT_THROW(memory_limit_bytes(), Error);
  ::unsetenv("MLPSCOPE_MEMORY_LIMIT");
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(1.5 * 1024 * 1024 * 1024), "1.5 GB");
}

class Refusal : public mlpscope::testing::TempDirTest {
 protected:
  void SetUp() override {
    ::unsetenv("MLPSCOPE_MEMORY_LIMIT");
    TempDirTest::SetUp();
  }
  void TearDown() override {
    ::unsetenv("MLPSCOPE_MEMORY_LIMIT");
    TempDirTest::TearDown();
  }
};

// Two hidden layers of 46000 (2.1e9 parameters, just under the 2^31 limit on parameters),
// float64, Adam, full batch of 100000: hundreds of GB. Refused at once, nothing written.
TEST_F(Refusal, AbsurdWidthIsRefusedBeforeAnyAllocation) {
  const std::string model = (dir_ / "m.model").string(), log = (dir_ / "run.jsonl").string();
  const auto start = std::chrono::steady_clock::now();
  const auto r = mlpscope::testing::run_command(
      {MLPSCOPE_BINARY, "train", "--data", "spiral:n=100000", "--hidden", "46000,46000", "--batch",
       "full", "--optimizer", "adam", "--dtype", "f64", "--save", model, "--log", log});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_TRUE(r.err.starts_with("mlpscope: run too large: network 2-46000-46000-2 needs about "))
      << r.err;
  EXPECT_NE(r.err.find(" GB of memory (parameters, gradients and optimizer state 78.8 GB, "),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("of this machine; use a smaller --hidden or --batch\n"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(fs::exists(model));
  EXPECT_FALSE(fs::exists(log));
  EXPECT_LT(seconds, 20.0) << "refused only after allocating";

  // diagnose refuses the same network the same way.
  const auto d = mlpscope::testing::run_command(
      {MLPSCOPE_BINARY, "diagnose", "--data", "spiral:n=100000", "--hidden", "46000,46000",
       "--batch", "full", "--optimizer", "adam", "--dtype", "f64"});
  EXPECT_EQ(d.status, 2) << d.err;
  EXPECT_TRUE(d.err.starts_with("mlpscope: run too large: network 2-46000-46000-2")) << d.err;
}

TEST_F(Refusal, TheEnvironmentLowersTheBound) {
  ::setenv("MLPSCOPE_MEMORY_LIMIT", "64M", 1);
  // 2-2000-2000-2: 4e6 parameters, 48 MB with gradients and θ, 256 MB for λmax.
  const auto big =
      mlpscope::testing::run_command({MLPSCOPE_BINARY, "train", "--data", "spiral:n=100",
                                      "--hidden", "2000,2000", "--epochs", "1"});
  EXPECT_EQ(big.status, 2) << big.err;
  EXPECT_NE(big.err.find("more than the 64 MB of MLPSCOPE_MEMORY_LIMIT"), std::string::npos)
      << big.err;
  const auto small = mlpscope::testing::run_command(
      {MLPSCOPE_BINARY, "train", "--data", "spiral:n=100", "--hidden", "16", "--epochs", "1"});
  EXPECT_EQ(small.status, 0) << small.err;
  ::setenv("MLPSCOPE_MEMORY_LIMIT", "lots", 1);
  const auto bad = mlpscope::testing::run_command(
      {MLPSCOPE_BINARY, "train", "--data", "spiral:n=100", "--hidden", "16", "--epochs", "1"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_TRUE(bad.err.starts_with("mlpscope: MLPSCOPE_MEMORY_LIMIT")) << bad.err;
}

}  // namespace
