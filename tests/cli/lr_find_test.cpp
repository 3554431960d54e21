// `mlpscope lr-find` end to end: the suggestion it prints trains, ten times its divergence
// point diverges, text, JSON and CSV agree, and bad options are one line and exit 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/fixtures.h"
#include "support/run_command.h"

namespace {

using mlpscope::testing::CommandResult;
using mlpscope::testing::run_mlpscope;
using nlohmann::json;
using Args = std::vector<std::string>;

// The spiral with a range wide enough that the loss blows up within it.
const Args kSpiral{"--data", "spiral:n=200", "--hidden", "32,32"};

Args with(Args args, const Args& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

json lr_find_json(const Args& options) {
  const CommandResult r = run_mlpscope(with(with({"lr-find"}, options), {"--json"}));
  EXPECT_EQ(r.status, 0) << mlpscope::testing::describe(r);
  return json::parse(r.out);
}

json train_summary(double lr) {
  const CommandResult r = run_mlpscope(
      with(with({"train"}, kSpiral), {"--epochs", "5", "--lr", std::to_string(lr), "--json"}));
  EXPECT_EQ(r.status, 0) << mlpscope::testing::describe(r);
  return json::parse(r.out);
}

std::string format_g(const char* format, double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, v);
  return buffer;
}

class LrFindTest : public mlpscope::testing::TempDirTest {};

TEST_F(LrFindTest, TheSuggestionTrainsAndTenTimesTheDivergencePointDiverges) {
  const json j = lr_find_json(with(kSpiral, {"--lr-max", "100"}));
  ASSERT_TRUE(j["suggested_lr"].is_number()) << j.dump();
  ASSERT_TRUE(j["diverged_lr"].is_number()) << j.dump();
  const double suggested = j["suggested_lr"], diverged = j["diverged_lr"];
  EXPECT_LT(suggested, diverged);

  const json good = train_summary(suggested);
  EXPECT_TRUE(good["diverged_at_step"].is_null()) << good.dump();
  EXPECT_LT(good["final_loss"].get<double>(), 0.5 * good["initial_loss"].get<double>());

  // Ten times past it the loss overflows, or ends far above its start (a run too short for
  // the trainer's 100-step stop keeps going to its end).
  const json bad = train_summary(10 * diverged);
  EXPECT_EQ(bad["verdict"], "diverged") << bad.dump();
  EXPECT_TRUE(bad["final_loss"].is_null() ||
              bad["final_loss"].get<double>() > 10 * bad["initial_loss"].get<double>())
      << bad.dump();
}

TEST_F(LrFindTest, TextJsonAndCsvShowTheSameCurveAndSuggestion) {
  const Args options = with(kSpiral, {"--lr-max", "100"});
  const json j = lr_find_json(options);
  const std::string csv = path("curve.csv");
  const CommandResult text = run_mlpscope(with(with({"lr-find"}, options), {"--out", csv}));
  ASSERT_EQ(text.status, 0) << mlpscope::testing::describe(text);
  const double suggested = j["suggested_lr"], bound = j["max_stable_lr"];
  EXPECT_MESSAGE_HAS(text.out, format_g("suggested lr %.3g ", suggested));
  EXPECT_MESSAGE_HAS(text.out, format_g("2/λ0 = %.4g", bound));
  EXPECT_MESSAGE_HAS(text.out, format_g("λ0 %.4g at initialization", j["sharpness"]));
  EXPECT_MESSAGE_HAS(text.out, "<- steepest descent");
  EXPECT_MESSAGE_HAS(text.out, "<- stopped");
  EXPECT_MESSAGE_HAS(text.out, std::string(j["suggested_regime"]));
  // The whole curve in the CSV, step by step as in the JSON.
  std::ifstream in(csv);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(line, "step,lr,loss,smoothed");
  std::size_t rows = 0;
  while (std::getline(in, line)) {
    ASSERT_LT(rows, j["points"].size());
    const json& p = j["points"][rows];
    int step = 0;
    double lr = 0;
    ASSERT_EQ(std::sscanf(line.c_str(), "%d,%lf", &step, &lr), 2) << line;
    EXPECT_EQ(step, p["step"].get<int>());
    EXPECT_DOUBLE_EQ(lr, p["lr"].get<double>());
    ++rows;
  }
  EXPECT_EQ(rows, j["points"].size());
}

TEST_F(LrFindTest, AGivenLrIsPlacedInItsRegime) {
  const CommandResult r =
      run_mlpscope(with(with({"lr-find"}, kSpiral), {"--lr-max", "100", "--lr", "0.05"}));
  ASSERT_EQ(r.status, 0) << mlpscope::testing::describe(r);
  EXPECT_MESSAGE_HAS(r.out, "yours     lr 0.05 is ");
  EXPECT_MESSAGE_HAS(r.out, "below it: stable");
}

TEST_F(LrFindTest, BadOptionsAreOneLineAndExitTwo) {
  const std::vector<std::pair<Args, std::string>> cases{
      {{"--lr-min", "0"}, "--lr-min"},
      {{"--lr-max", "1e-7"}, "--lr-max"},
      {{"--steps", "1"}, "--steps"},
      {{"--steps", "lots"}, "--steps"},
      {{"--smoothing", "1.5"}, "--smoothing"},
      {{"--hidden", "0"}, "--hidden"},
      {{"--out", "/nonexistent-dir/curve.csv"}, "--out"},
      {{"--no-such-option"}, "--no-such-option"},
  };
  for (const auto& [args, named] : cases) {
    const CommandResult r = run_mlpscope(with(with({"lr-find"}, kSpiral), args));
    EXPECT_EQ(r.status, 2) << mlpscope::testing::describe(r);
    EXPECT_TRUE(r.out.empty()) << mlpscope::testing::describe(r);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.err.starts_with("mlpscope: ")) << r.err;
    EXPECT_MESSAGE_HAS(r.err, named);
  }
}

TEST_F(LrFindTest, HelpNamesEveryOption) {
  const CommandResult r = run_mlpscope({"lr-find", "--help"});
  ASSERT_EQ(r.status, 0);
  for (const char* option : {"--lr-min", "--lr-max", "--steps", "--smoothing", "--probe-samples",
                             "--json", "--out", "--init", "--loss", "--optimizer", "--batch"})
    EXPECT_MESSAGE_HAS(r.out, option);
}

}  // namespace
