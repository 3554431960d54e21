// A slice of the labelled verdict corpus (bench/verdicts/corpus.py, docs/verdicts.md): the
// first five named cases of the issue that measured the verdicts, each trained ten times
// past its budget for its true outcome, judged at the default budget, predicted by diagnose
// and, where it failed, rerun with its first suggestion. Each must come out as measured:
//   He, lr 1, cross-entropy        diverged, lr_too_high, first suggestion a smaller lr
//   He, lr 0.1, cross-entropy      converged (6x the stable bound: the catapult regime)
//   u[-0.5,0.5], lr 0.1, CE        converged
//   u[-1,1], depth 3, MSE, lr 0.1  stalled in the absorbing state, named as such
//   u[-1,1], MSE, lr 0.01          stalled, saturated output
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "support/fixtures.h"
#include "support/machine.h"
#include "support/numpy.h"
#include "support/run_command.h"

namespace {

class VerdictCorpus : public mlpscope::testing::TempDirTest {};

TEST_F(VerdictCorpus, TheNamedCasesComeOutAsMeasured) {
  // A measurement of the optimised build (91 s under the sanitizers, whose runs the rest of
  // the suite covers).
  if (std::string(MLPSCOPE_BUILD_FLAVOUR).find("sanitize=ON") != std::string::npos)
    GTEST_SKIP() << "the verdict corpus measures the optimised build";
  const auto r = mlpscope::testing::run_command(
      {mlpscope::testing::kPython, MLPSCOPE_SOURCE_DIR "/bench/verdicts/corpus.py", "--mlpscope",
       MLPSCOPE_BINARY, "--slice", "5", "--jobs", "2", "--out", dir_.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  std::map<std::string, nlohmann::json> rows;
  std::ifstream in(dir_ / "runs.jsonl");
  for (std::string line; std::getline(in, line);) {
    const auto row = nlohmann::json::parse(line);
    rows[row["case"]["story"]] = row;
  }
  const auto tables = nlohmann::json::parse(std::ifstream(dir_ / "tables.json"));
  ASSERT_EQ(rows.size(), 5u) << r.out;
  auto truth = [&](const std::string& story) {
    return tables["truth"][rows[story]["key"].get<std::string>()].get<std::string>();
  };
  auto verdict = [&](const std::string& story) { return rows[story]["verdict"]; };

  // Far from any threshold, on any machine and build: the collapse and the two stalls.
  EXPECT_EQ(truth("he-lr1-ce"), "diverged");
  EXPECT_EQ(verdict("he-lr1-ce")["verdict"], "diverged");
  EXPECT_EQ(verdict("he-lr1-ce")["cause"], "lr_too_high");
  EXPECT_TRUE(verdict("he-lr1-ce")["suggestions"][0].get<std::string>().starts_with("--lr 0.00"));
  EXPECT_EQ(rows["he-lr1-ce"]["prediction"]["verdict"], "diverged");
  // At 6x the stable bound the two catapult runs end 1.6 and 8.9 points above the target of
  // 0.8, after a rough start: other instruction choices (another CPU, the sanitizer build's
  // -O1) move such a trajectory by more than that, so their outcome is checked where the
  // reference outputs were captured (tests/support/machine.h), their regime everywhere.
  for (const char* story : {"he-lr0.1-ce", "u0.5-lr0.1-ce"}) {
    EXPECT_EQ(rows[story]["prediction"]["regime"], "catapult") << story;
    if (!mlpscope::testing::on_reference_machine()) continue;
    EXPECT_EQ(truth(story), "converged") << story;
    EXPECT_EQ(verdict(story)["verdict"], "converged") << story;
    EXPECT_EQ(rows[story]["prediction"]["verdict"], "converged") << story;
  }
  for (const char* story : {"u1-d3-mse", "readme-u1-mse"}) {
    EXPECT_EQ(truth(story), "stalled") << story;
    EXPECT_EQ(verdict(story)["verdict"], "stalled") << story;
    EXPECT_EQ(verdict(story)["cause"], "saturated_output") << story;
    EXPECT_EQ(rows[story]["prediction"]["verdict"], "stalled") << story;
  }
  // Here the run sits in the absorbing state exactly (loss = (2/K)(1 − accuracy) to 0.01%);
  // under the sanitizers' -O1 it moves a little further first (0.178 at 10.8%, 0.12% off
  // the identity) and the explanation names the saturation it started from instead.
  if (mlpscope::testing::on_reference_machine()) {
    EXPECT_NE(verdict("u1-d3-mse")["explanation"].get<std::string>().find("absorbing state"),
              std::string::npos);
  }
  // The tables count what the rows say.
  EXPECT_EQ(tables["tables"]["verdict"]["total"], 5);
  int agree = 0, failed = 0;
  for (const auto& [story, row] : rows) {
    agree += truth(story) == row["verdict"]["verdict"];
    failed += row["verdict"]["verdict"] != "converged";
  }
  EXPECT_EQ(tables["tables"]["verdict"]["agree"], agree);
  EXPECT_EQ(tables["tables"]["suggestion"]["total"], failed);
  if (mlpscope::testing::on_reference_machine()) {
    EXPECT_EQ(agree, 5);
  }
}

}  // namespace
