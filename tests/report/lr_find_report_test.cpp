// lr-find's report data: the curve as the test recorded it (a loss that overflowed drawn as
// a gap), the marks it has and only those, the loss axis cut at the bound that stops the
// test, and the conclusions in words.
#include "report/lr_find_report.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace mlpscope {
namespace {

// Five steps from 1e-3 to 10: the smoothed loss falls from 2 to 1, then blows up to 9
// (past 4 × 1) at the last step, whose raw loss overflowed.
LrRangeResult curve() {
  LrRangeResult r;
  r.config.lr_min = 1e-3;
  r.config.lr_max = 10;
  r.config.steps = 5;
  const double lr[] = {1e-3, 1e-2, 1e-1, 1, 10};
  const double loss[] = {2.1, 1.9, 0.9, 3.0, INFINITY};
  const double smoothed[] = {2.0, 1.8, 1.0, 1.5, 9.0};
  for (int i = 0; i < 5; ++i) r.points.push_back({i + 1, lr[i], loss[i], smoothed[i]});
  r.stopped_early = true;
  r.diverged_lr = 10;
  r.descent = 0.5;
  r.steepest_lr = 0.05;
  r.min_loss_lr = 0.1;
  r.sharpness.lambda_max = 40;
  r.max_stable_lr = 0.05;
  return r;
}

TEST(LrFindReport, TheCurveItsMarksAndTheAxis) {
  const nlohmann::json d = lr_find_report_data(curve(), "spiral (train)", 32, "sgd");
  EXPECT_EQ(d.at("kind"), "lr_find");
  EXPECT_EQ(d.at("title"), "Learning-rate range test on spiral (train)");
  EXPECT_EQ(d.at("subtitle"), "5 steps from lr 0.001 to 10, geometric; batch 32, sgd");
  ASSERT_EQ(d.at("lr").size(), 5u);
  EXPECT_EQ(d.at("lr")[2], 0.1);
  EXPECT_EQ(d.at("loss")[3], 3.0);
  EXPECT_TRUE(d.at("loss")[4].is_null());  // overflowed: a gap
  EXPECT_EQ(d.at("smoothed")[4], 9.0);
  // The axis ends at 1.1 × min(max smoothed, 4 × the smoothed minimum) = 1.1 × 4.
  EXPECT_DOUBLE_EQ(d.at("loss_max").get<double>(), 1.1 * 4.0);
  const auto& marks = d.at("marks");
  ASSERT_EQ(marks.size(), 4u);
  EXPECT_EQ(marks[0].at("role"), "bound");
  EXPECT_EQ(marks[0].at("lr"), 0.05);
  EXPECT_EQ(marks[1].at("role"), "suggestion");
  EXPECT_EQ(marks[2].at("role"), "minimum");
  EXPECT_EQ(marks[3].at("role"), "diverged");
  EXPECT_EQ(marks[3].at("lr"), 10.0);
  const std::string note = d.at("note");
  EXPECT_NE(note.find("Suggested lr 0.05"), std::string::npos) << note;
  EXPECT_NE(note.find("stable below 0.05"), std::string::npos) << note;
  EXPECT_NE(note.find("blew up at lr 10"), std::string::npos) << note;
}

TEST(LrFindReport, OnlyTheMarksThereAre) {
  LrRangeResult r = curve();
  r.stopped_early = false;
  r.diverged_lr.reset();
  r.steepest_lr.reset();
  r.descent = 0.01;  // under kMinDescent: no suggestion, and the note says why
  r.max_stable_lr.reset();
  r.points.back().smoothed = 2.5;
  const nlohmann::json d = lr_find_report_data(r, "xor", 0, "adam");
  ASSERT_EQ(d.at("marks").size(), 1u);
  EXPECT_EQ(d.at("marks")[0].at("role"), "minimum");
  EXPECT_NE(d.at("subtitle").get<std::string>().find("batch full, adam"), std::string::npos);
  EXPECT_DOUBLE_EQ(d.at("loss_max").get<double>(), 1.1 * 2.5);
  const std::string note = d.at("note");
  EXPECT_NE(note.find("No suggestion"), std::string::npos) << note;
  EXPECT_NE(note.find("no stable bound"), std::string::npos) << note;
  EXPECT_EQ(note.find("blew up"), std::string::npos) << note;
}

}  // namespace
}  // namespace mlpscope
