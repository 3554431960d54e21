// The data of a run's report, extracted from a real log written by a real short train run
// (the built binary), and the reader's errors on logs that are not logs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "report/run_log_reader.h"
#include "report/run_report.h"
#include "support/run_command.h"

namespace {

namespace fs = std::filesystem;
using mlpscope::testing::run_command;

fs::path temp_dir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("mlpscope_" + name + "_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

// 4 epochs of a 2-8-2 relu network on 200 spiral points, sharpness at init and every 2 epochs.
const fs::path& spiral_log() {
  static const fs::path log = [] {
    const fs::path path = temp_dir("run_report") / "run.jsonl";
    const auto r = run_command({MLPSCOPE_BINARY, "train", "--data", "spiral:n=200", "--hidden", "8",
                                "--epochs", "4", "--lr", "0.05", "--sharpness-every", "2",
                                "--quiet", "--log", path.string()});
    EXPECT_EQ(r.status, 0) << r.err;
    return path;
  }();
  return log;
}

TEST(RunLogReader, ReadsEveryEpochAndTheSummary) {
  const auto records = mlpscope::read_run_log(spiral_log().string());
  ASSERT_EQ(records.epochs.size(), 5u);  // epoch 0 and 4 epochs
  for (std::size_t i = 0; i < records.epochs.size(); ++i) EXPECT_EQ(records.epochs[i]["epoch"], i);
  ASSERT_TRUE(records.summary.is_object());
  EXPECT_TRUE(records.summary.contains("verdict"));
  EXPECT_EQ(records.summary["options"]["hidden"], nlohmann::json::array({8}));
}

TEST(RunReport, SeriesFollowTheLog) {
  const auto records = mlpscope::read_run_log(spiral_log().string());
  const auto d = mlpscope::run_report_data(records, std::nullopt, "run.jsonl");
  EXPECT_EQ(d["kind"], "run");
  EXPECT_EQ(d["x_label"], "epoch");
  ASSERT_EQ(d["x"].size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(d["x"][i], i);
    EXPECT_DOUBLE_EQ(d["series"]["loss"][i].get<double>(), records.epochs[i]["loss"].get<double>());
    EXPECT_DOUBLE_EQ(d["series"]["accuracy"][i].get<double>(),
                     records.epochs[i]["accuracy"].get<double>());
  }
  // Synthetic data has a test split: its curve is there too.
  EXPECT_TRUE(d["series"]["test_loss"][4].is_number());
  // Two layers with weights (hidden, output), each with a series per probe field.
  ASSERT_EQ(d["layers"].size(), 2u);
  EXPECT_EQ(d["layers"][0]["name"], "layer 1");
  EXPECT_EQ(d["layers"][1]["name"], "output");
  EXPECT_DOUBLE_EQ(d["layers"][0]["grad_norm"][3].get<double>(),
                   records.epochs[3]["layers"][0]["grad_norm"].get<double>());
  EXPECT_TRUE(d["layers"][0]["update_ratio"][0].is_null());     // no step before epoch 0
  EXPECT_TRUE(d["layers"][0]["dead_fraction"][1].is_number());  // relu
  EXPECT_TRUE(d["layers"][1]["dead_fraction"][1].is_null());    // output layer
  // Sharpness at epochs 0, 2, 4 against 2/lr = 40.
  ASSERT_TRUE(d["sharpness"].is_object());
  EXPECT_EQ(d["sharpness"]["x"], nlohmann::json({0, 2, 4}));
  EXPECT_DOUBLE_EQ(d["sharpness"]["threshold"].get<double>(), 2.0 / 0.05);
  EXPECT_EQ(d["verdict"]["verdict"], records.summary["verdict"]);
  EXPECT_EQ(d["summary"]["epochs"], 4);
}

TEST(RunReport, EveryStepsPutsStepsOnTheAxis) {
  const fs::path path = temp_dir("run_report_every") / "every.jsonl";
  const auto r =
      run_command({MLPSCOPE_BINARY, "train", "--data", "xor:n=64", "--hidden", "4", "--epochs", "2",
                   "--batch", "16", "--every", "2", "--quiet", "--log", path.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto d =
      mlpscope::run_report_data(mlpscope::read_run_log(path.string()), std::nullopt, "x");
  EXPECT_EQ(d["x_label"], "step");
  // 4 steps per epoch: records at steps 0, 2, 4 (epoch end), 6, 8 (epoch end), in order.
  for (std::size_t i = 1; i < d["x"].size(); ++i)
    EXPECT_GT(d["x"][i].get<double>(), d["x"][i - 1].get<double>());
  EXPECT_EQ(d["x"].back(), 8);
}

void expect_error(const std::string& text, const std::string& needle) {
  const fs::path path = temp_dir("run_report_bad") / "bad.jsonl";
  std::ofstream(path) << text;
  try {
    (void)mlpscope::read_run_log(path.string());
    ADD_FAILURE() << "no error for: " << text;
  } catch (const mlpscope::Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(RunLogReader, NamesTheLineAtFault) {
  expect_error("", "no epoch records");
  expect_error("{\"epoch\": 0, \"loss\": 1, \"accuracy\": 0.5}\nnot json\n",
               "line 2: not a JSON object");
  expect_error("{\"epoch\": 0, \"loss\": \"high\", \"accuracy\": 0.5}\n",
               "line 1: \"loss\" is not a number");
  expect_error("{\"epoch\": 0, \"accuracy\": 0.5}\n", "line 1: record has no \"loss\"");
  expect_error("{\"hello\": 1}\n", "line 1: neither an epoch record nor the summary");
  expect_error(
      "{\"epoch\": 0, \"loss\": 1, \"accuracy\": 0.5}\n{\"verdict\": \"slow\"}\n{\"epoch\": 1, "
      "\"loss\": 1, "
      "\"accuracy\": 0.5}\n",
      "line 3: a record after the summary line");
  EXPECT_THROW((void)mlpscope::read_run_log("/nonexistent/run.jsonl"), mlpscope::Error);
}

TEST(RunLogReader, ALogCutShortHasNoSummary) {
  const fs::path path = temp_dir("run_report_cut") / "cut.jsonl";
  std::ofstream(path) << "{\"epoch\": 0, \"loss\": 0.7, \"accuracy\": 0.5}\n{\"epoch\": 1, "
                         "\"loss\": 0.6, \"accuracy\": 0.6}\n";
  const auto records = mlpscope::read_run_log(path.string());
  EXPECT_TRUE(records.summary.is_null());
  const auto d = mlpscope::run_report_data(records, std::nullopt, "cut");
  EXPECT_TRUE(d["verdict"].is_null());
  EXPECT_DOUBLE_EQ(d["summary"]["final_loss"].get<double>(), 0.6);
  EXPECT_TRUE(d["sharpness"].is_null());
}

}  // namespace
