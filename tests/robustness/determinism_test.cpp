// Determinism: the same command twice gives byte-identical results, except the fields that
// are wall-clock times (docs/determinism.md lists them: `seconds` in log records, in the
// summary and in sweep rows). --jobs never changes a sweep's results; --threads may change
// the last bits of the matrix products, never the verdict.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "support/fixtures.h"
#include "support/read_text.h"
#include "support/run_command.h"
#include "support/sweep_rows.h"
#include "sweep/store.h"

namespace {

using mlpscope::testing::rows_of;

namespace fs = std::filesystem;
using Args = std::vector<std::string>;
using mlpscope::testing::CommandResult;

class Determinism : public mlpscope::testing::TempDirTest {};

CommandResult run(Args args) {
  args.insert(args.begin(), MLPSCOPE_BINARY);
  return mlpscope::testing::run_command(args);
}

// A record without its wall-clock field, as canonical text.
std::string without_times(nlohmann::json record) {
  record.erase("seconds");
  return record.dump();
}

std::vector<std::string> log_without_times(const std::string& file) {
  std::vector<std::string> records;
  const std::string text = mlpscope::testing::read_text(file);
  for (std::size_t start = 0, end; start < text.size(); start = end + 1) {
    end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    records.push_back(without_times(nlohmann::json::parse(text.substr(start, end - start))));
  }
  return records;
}

void expect_same_train(const Args& args, const std::string& a, const std::string& b) {
  auto with = [&](const std::string& tag) {
    Args full = args;
    full.insert(full.end(), {"--log", tag + ".jsonl", "--save", tag + ".model", "--json"});
    return run(full);
  };
  const CommandResult first = with(a), second = with(b);
  ASSERT_EQ(first.status, 0) << first.err;
  ASSERT_EQ(second.status, 0) << second.err;
  // The model file: every byte.
  const std::string model_a = mlpscope::testing::detail::read_whole_file(a + ".model");
  ASSERT_FALSE(model_a.empty());
  EXPECT_TRUE(model_a == mlpscope::testing::detail::read_whole_file(b + ".model"))
      << "the model files differ";
  // The log and the summary on stdout: every field but the wall-clock times.
  const auto log_a = log_without_times(a + ".jsonl"), log_b = log_without_times(b + ".jsonl");
  ASSERT_GT(log_a.size(), 3u);
  EXPECT_EQ(log_a, log_b);
  EXPECT_EQ(without_times(nlohmann::json::parse(first.out)),
            without_times(nlohmann::json::parse(second.out)));
}

TEST_F(Determinism, TrainTwiceGivesTheSameLogAndModel) {
  // Synthetic data in float64, with records every 7 steps and λmax every epoch.
  expect_same_train(
      {"train", "--data", "spiral:n=300,noise=0.2", "--hidden", "16,16", "--optimizer", "adam",
       "--lr", "0.01", "--epochs", "4", "--every", "7", "--sharpness-every", "1", "--dtype", "f64"},
      path("spiral1"), path("spiral2"));
}

TEST_F(Determinism, TrainTwiceOnFashionMnistGivesTheSameLogAndModel) {
  // Real images (uint8, --standardize), float32, momentum, shuffled batches.
  expect_same_train({"train", "--limit", "500", "--standardize", "--hidden", "32", "--optimizer",
                     "momentum", "--batch", "16", "--epochs", "2"},
                    path("fmnist1"), path("fmnist2"));
}

TEST_F(Determinism, SweepRowsDoNotDependOnTheRunOrJobs) {
  auto sweep = [&](const std::string& out, const std::string& jobs) {
    return run({"sweep", "--data", "moons:n=200", "--hidden", "16", "--epochs", "15", "--vary",
                "lr=0.01,0.3", "--vary", "activation=relu,tanh", "--seeds", "2", "--jobs", jobs,
                "--out", out});
  };
  for (const auto& [out, jobs] :
       {std::pair{"one", "1"}, std::pair{"again", "1"}, std::pair{"two", "2"}}) {
    const CommandResult r = sweep(path(out), jobs);
    ASSERT_EQ(r.status, 0) << r.err;
  }
  const auto one = rows_of(path("one"));
  ASSERT_EQ(one.size(), 8u);
  for (const char* other : {"again", "two"}) {
    const auto rows = rows_of(path(other));
    ASSERT_EQ(rows.size(), one.size()) << other;
    for (const auto& [key, x] : one) {
      ASSERT_TRUE(rows.contains(key)) << other << ": " << key;
      const auto& y = rows.at(key);
      EXPECT_EQ(x.grid_index, y.grid_index);
      EXPECT_EQ(x.options, y.options);
      EXPECT_EQ(x.verdict, y.verdict);
      EXPECT_EQ(x.cause, y.cause);
      EXPECT_EQ(x.initial_loss, y.initial_loss);
      EXPECT_EQ(x.final_loss, y.final_loss);
      EXPECT_EQ(x.best_loss, y.best_loss);
      EXPECT_EQ(x.train_accuracy, y.train_accuracy);
      EXPECT_EQ(x.test_accuracy, y.test_accuracy);
      EXPECT_EQ(x.epochs_to_target, y.epochs_to_target);
      EXPECT_EQ(x.sharpness_init, y.sharpness_init);
      EXPECT_EQ(without_times(nlohmann::json::parse(x.summary)),
                without_times(nlohmann::json::parse(y.summary)))
          << other << ": " << key;
    }
    // map.csv holds no times: byte-identical.
    EXPECT_EQ(mlpscope::testing::read_text(path("one") + "/map.csv"),
              mlpscope::testing::read_text(path(other) + "/map.csv"));
  }
}

// Products large enough for two threads to split them: 784-256-128-10, batch 256.
// Two threads share a step's products and activation passes by a fixed split, whichever
// thread runs each half (core/shared_work.h): the same numbers run to run, at batch 128
// with λmax every epoch and records every 10 steps.
TEST_F(Determinism, TrainTwiceOnTwoThreadsGivesTheSameLogAndModel) {
  expect_same_train({"train", "--limit", "2000", "--hidden", "64,32", "--batch", "128", "--epochs",
                     "3", "--sharpness-every", "1", "--every", "10", "--threads", "2"},
                    path("two1"), path("two2"));
}

TEST_F(Determinism, ThreadsDoNotChangeTheVerdict) {
  for (const Args& story : {Args{"--loss", "mse", "--init", "uniform:-1,1", "--lr", "0.01"},
                            Args{"--optimizer", "adam", "--lr", "0.001"}}) {
    nlohmann::json summaries[2];
    for (int threads = 1; threads <= 2; ++threads) {
      Args args{"train",
                "--limit",
                "3000",
                "--batch",
                "256",
                "--epochs",
                "3",
                "--json",
                "--quiet",
                "--threads",
                std::to_string(threads)};
      args.insert(args.end(), story.begin(), story.end());
      const CommandResult r = run(args);
      ASSERT_EQ(r.status, 0) << r.err;
      summaries[threads - 1] = nlohmann::json::parse(r.out);
    }
    EXPECT_EQ(summaries[0].at("verdict"), summaries[1].at("verdict")) << summaries[1].dump();
    EXPECT_EQ(summaries[0].at("cause"), summaries[1].at("cause")) << summaries[1].dump();
    const double a = summaries[0].at("final_loss"), b = summaries[1].at("final_loss");
    EXPECT_NEAR(a, b, 1e-3 * a);
  }
}

}  // namespace
