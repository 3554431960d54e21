// The published MLP baselines on Fashion-MNIST reach 0.87–0.88 test accuracy (the data
// set's README). 784-256-128-10, relu, he_normal, cross-entropy and Adam must get there
// within 10 epochs. Labelled `slow`; `make test` runs it.
#include <gtest/gtest.h>

#include <filesystem>

#include "run/run.h"

namespace mlpscope {
namespace {

TEST(FashionMnist, ReluMlpReachesThePublishedBaselineIn10Epochs) {
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed (make setup installs it)";
  const RunConfig config = parse_run_config({{"data", "fashion-mnist"},
                                             {"hidden", "256,128"},
                                             {"activation", "relu"},
                                             {"init", "he_normal"},
                                             {"loss", "cross_entropy"},
                                             {"optimizer", "adam"},
                                             {"lr", "0.001"},
                                             {"batch", "128"},
                                             {"epochs", "10"},
                                             {"seed", "0"}});
  const PreparedData data = prepare_data(config);
  ASSERT_EQ(data.train.size(), 60000);
  ASSERT_TRUE(data.test.has_value());
  ASSERT_EQ(data.test->size(), 10000);
  const RunResult result = run_training(config, data, nullptr, WatchConfig{0, -1, 0});
  ASSERT_TRUE(result.summary.test_accuracy.has_value());
  EXPECT_GE(*result.summary.test_accuracy, 0.87);
  EXPECT_GE(result.summary.history.size(), 2u);
  std::printf("test accuracy %.4f after %d epochs, %.1f s of training\n",
              *result.summary.test_accuracy, result.summary.epochs, result.summary.seconds);
}

}  // namespace
}  // namespace mlpscope
