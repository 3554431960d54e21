// The learning-rate range test as a library call (run/lr_range_test.h), on a real small
// problem: the spiral, a 2-32-32-2 relu network, cross-entropy, SGD with batch 32.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "core/error.h"
#include "run/diagnosis.h"
#include "run/lr_range_json.h"
#include "run/lr_range_test.h"
#include "support/fixtures.h"

namespace {

using namespace mlpscope;

RunConfig spiral_run(OptionValues extra = {}) {
  OptionValues values{{"data", "spiral:n=200"}, {"hidden", "32,32"}};
  for (const auto& [k, v] : extra) values[k] = v;
  return parse_run_config(values);
}

// lr from 1e-6 to 100: far enough that the loss blows up before the end.
LrRangeConfig wide_range() { return parse_lr_range_config({{"lr-max", "100"}}); }

const LrRangeResult& spiral_result() {
  static const LrRangeResult r = [] {
    const RunConfig config = spiral_run();
    return lr_range_test(config, prepare_data(config), wide_range());
  }();
  return r;
}

TEST(LrRange, TheLearningRateGrowsGeometricallyFromLrMinToLrMax) {
  const LrRangeResult& r = spiral_result();
  ASSERT_GT(r.points.size(), 50u);
  const double ratio = std::pow(100 / 1e-6, 1.0 / 99);
  EXPECT_DOUBLE_EQ(r.points.front().lr, 1e-6);
  for (std::size_t i = 1; i < r.points.size(); ++i) {
    EXPECT_EQ(r.points[i].step, static_cast<int>(i) + 1);
    EXPECT_NEAR(r.points[i].lr / r.points[i - 1].lr, ratio, 1e-9 * ratio) << "step " << i + 1;
  }
  // The last step of a full schedule is at lr-max exactly.
  EXPECT_NEAR(lr_at_step(wide_range(), 99), 100.0, 1e-9);
}

TEST(LrRange, TheSmoothedLossIsTheBiasCorrectedMovingAverage) {
  const LrRangeResult& r = spiral_result();
  double average = 0.0;
  for (std::size_t i = 0; i < r.points.size(); ++i) {
    average = 0.98 * average + 0.02 * r.points[i].loss;
    const double expected = average / (1 - std::pow(0.98, static_cast<double>(i) + 1));
    EXPECT_NEAR(r.points[i].smoothed, expected, 1e-12 * std::abs(expected)) << "step " << i + 1;
  }
  EXPECT_DOUBLE_EQ(r.points.front().smoothed, r.points.front().loss);
}

TEST(LrRange, TheLossFallsThenBlowsUpAndTheTestStopsThere) {
  const LrRangeResult& r = spiral_result();
  ASSERT_TRUE(r.stopped_early);
  ASSERT_TRUE(r.diverged_lr.has_value());
  EXPECT_EQ(*r.diverged_lr, r.points.back().lr);
  EXPECT_LT(r.points.size(), 100u);
  const int low = minimum_index(r.points);
  ASSERT_GT(low, 0);
  const double minimum = r.points[static_cast<std::size_t>(low)].smoothed;
  // It fell: the minimum is well below the start (spiral at ln 2 ≈ 0.69 and below).
  EXPECT_LT(minimum, 0.85 * r.points.front().smoothed);
  EXPECT_NEAR(r.descent, 1 - minimum / r.points.front().smoothed, 1e-12);
  // Then it blew up: the last smoothed loss passed 4× the minimum; none before it did.
  EXPECT_GT(r.points.back().smoothed, 4 * minimum);
  for (std::size_t i = 0; i + 1 < r.points.size(); ++i)
    EXPECT_LE(r.points[i].smoothed, 4 * minimum) << "step " << i + 1;
  // And the raw loss of the last step is far above where the curve began.
  EXPECT_GT(r.points.back().loss, 4 * r.points.front().loss);
}

TEST(LrRange, TheSuggestionIsTheSteepestDescentBelowTheMinimumAndTheDivergencePoint) {
  const LrRangeResult& r = spiral_result();
  ASSERT_TRUE(r.steepest_lr && r.min_loss_lr && r.diverged_lr);
  EXPECT_LT(*r.steepest_lr, *r.min_loss_lr);
  EXPECT_LT(*r.min_loss_lr, *r.diverged_lr);
  EXPECT_GT(*r.steepest_lr, 1e-3) << "the spiral's loss does not move below lr 1e-3";
  const int steep = steepest_descent_index(r.points, slope_window(r.config));
  EXPECT_EQ(r.points[static_cast<std::size_t>(steep)].lr, *r.steepest_lr);
  EXPECT_NE(r.suggested_regime(), LrRegime::divergent);
  EXPECT_NE(r.suggested_regime(), LrRegime::unknown);
}

TEST(LrRange, SteepestDescentFindsTheInflectionOfACleanCurve) {
  // s = 1 − tanh(log(lr/lr0)) / 2 up to the minimum, then rising: steepest at lr0 = 0.01.
  LrRangeConfig o;
  std::vector<LrRangePoint> points;
  for (int i = 0; i < o.steps; ++i) {
    const double lr = lr_at_step(o, i), x = std::log(lr / 0.01);
    const double s = lr < 1 ? 1 - std::tanh(x) / 2 : 0.5 + (lr - 1);
    points.push_back({i + 1, lr, s, s});
  }
  const int steep = steepest_descent_index(points, slope_window(o));
  ASSERT_GE(steep, 0);
  const double step_ratio = std::pow(o.lr_max / o.lr_min, 1.0 / (o.steps - 1));
  EXPECT_LE(std::abs(std::log(points[static_cast<std::size_t>(steep)].lr / 0.01)),
            std::log(step_ratio) * 1.01);
}

TEST(LrRange, AFlatCurveSuggestsNothing) {
  // Full batch (no batch noise) and lr below 1e-3: the loss does not move.
  const RunConfig config = spiral_run({{"batch", "full"}});
  const LrRangeResult r =
      lr_range_test(config, prepare_data(config), parse_lr_range_config({{"lr-max", "1e-3"}}));
  EXPECT_FALSE(r.stopped_early);
  EXPECT_EQ(r.points.size(), 100u);
  EXPECT_LT(r.descent, kMinDescent);
  EXPECT_FALSE(r.steepest_lr.has_value());
  EXPECT_EQ(r.suggested_regime(), LrRegime::unknown);
}

TEST(LrRange, LambdaZeroIsTheOneDiagnoseMeasures) {
  const RunConfig config = spiral_run();
  const PreparedData data = prepare_data(config);
  const Diagnosis d = diagnose(config, data, DiagnoseConfig{});
  const LrRangeResult& r = spiral_result();
  EXPECT_EQ(r.sharpness.lambda_max, d.sharpness.lambda_max);
  ASSERT_TRUE(r.max_stable_lr && d.max_stable_lr);
  EXPECT_EQ(*r.max_stable_lr, *d.max_stable_lr);
  EXPECT_DOUBLE_EQ(*r.max_stable_lr, 2 / r.sharpness.lambda_max);
  EXPECT_EQ(r.probe_samples, 200);
}

TEST(LrRange, RegimesSplitAtTheStableBoundAndTheDivergencePoint) {
  LrRangeResult r;
  EXPECT_EQ(r.regime_of(0.1), LrRegime::unknown);
  r.max_stable_lr = 0.5;
  EXPECT_EQ(r.regime_of(0.1), LrRegime::stable);
  EXPECT_EQ(r.regime_of(0.7), LrRegime::unknown) << "no divergence point measured";
  r.diverged_lr = 3.0;
  EXPECT_EQ(r.regime_of(0.4999), LrRegime::stable);
  EXPECT_EQ(r.regime_of(0.5), LrRegime::catapult);
  EXPECT_EQ(r.regime_of(2.9), LrRegime::catapult);
  EXPECT_EQ(r.regime_of(3.0), LrRegime::divergent);
  EXPECT_EQ(r.regime_of(30.0), LrRegime::divergent);
  EXPECT_EQ(name(LrRegime::catapult), "catapult");
}

TEST(LrRange, TheSameOptionsGiveTheSameCurve) {
  const RunConfig config = spiral_run();
  const LrRangeResult again = lr_range_test(config, prepare_data(config), wide_range());
  const LrRangeResult& r = spiral_result();
  ASSERT_EQ(again.points.size(), r.points.size());
  for (std::size_t i = 0; i < r.points.size(); ++i)
    EXPECT_EQ(again.points[i].loss, r.points[i].loss);
  EXPECT_EQ(again.steepest_lr, r.steepest_lr);
}

TEST(LrRange, JsonRoundTrip) {
  LrRangeResult r = spiral_result();
  r.points.back().loss = std::numeric_limits<double>::infinity();  // written as null
  const LrRangeResult back = lr_range_from_json(nlohmann::json::parse(lr_range_to_json(r).dump()));
  ASSERT_EQ(back.points.size(), r.points.size());
  for (std::size_t i = 0; i + 1 < r.points.size(); ++i) {
    EXPECT_EQ(back.points[i].step, r.points[i].step);
    EXPECT_EQ(back.points[i].lr, r.points[i].lr);
    EXPECT_EQ(back.points[i].loss, r.points[i].loss);
    EXPECT_EQ(back.points[i].smoothed, r.points[i].smoothed);
  }
  EXPECT_TRUE(std::isnan(back.points.back().loss));
  EXPECT_EQ(back.config.lr_min, r.config.lr_min);
  EXPECT_EQ(back.config.lr_max, r.config.lr_max);
  EXPECT_EQ(back.config.steps, r.config.steps);
  EXPECT_EQ(back.config.smoothing, r.config.smoothing);
  EXPECT_EQ(back.stopped_early, r.stopped_early);
  EXPECT_EQ(back.diverged_lr, r.diverged_lr);
  EXPECT_EQ(back.descent, r.descent);
  EXPECT_EQ(back.steepest_lr, r.steepest_lr);
  EXPECT_EQ(back.min_loss_lr, r.min_loss_lr);
  EXPECT_EQ(back.sharpness.lambda_max, r.sharpness.lambda_max);
  EXPECT_EQ(back.sharpness.iterations, r.sharpness.iterations);
  EXPECT_EQ(back.max_stable_lr, r.max_stable_lr);
  EXPECT_EQ(back.suggested_regime(), r.suggested_regime());
  EXPECT_EQ(lr_range_to_json(r)["suggested_regime"], std::string(name(r.suggested_regime())));
  EXPECT_MESSAGE_HAS(mlpscope::testing::error_of([] {
                       lr_range_from_json({{"lr_min", 1}});
                     }),
                     "lr_max");
}

TEST(LrRange, BadSettingsAreNamed) {
  const auto message = [](OptionValues v) {
    return mlpscope::testing::error_of([&] { parse_lr_range_config(v); });
  };
  EXPECT_MESSAGE_HAS(message({{"lr-min", "0"}}), "lr-min");
  EXPECT_MESSAGE_HAS(message({{"lr-min", "-1"}}), "lr-min");
  EXPECT_MESSAGE_HAS(message({{"lr-max", "1e-7"}}), "lr-max");
  EXPECT_MESSAGE_HAS(message({{"lr-max", "inf"}}), "lr-max");
  EXPECT_MESSAGE_HAS(message({{"steps", "1"}}), "steps");
  EXPECT_MESSAGE_HAS(message({{"steps", "many"}}), "steps");
  EXPECT_MESSAGE_HAS(message({{"smoothing", "1"}}), "smoothing");
  EXPECT_MESSAGE_HAS(message({{"probe-samples", "0"}}), "probe-samples");
  EXPECT_EQ(message({}), "");
  const LrRangeConfig c = parse_lr_range_config({});
  EXPECT_EQ(c.lr_min, 1e-6);
  EXPECT_EQ(c.lr_max, 10.0);
  EXPECT_EQ(c.steps, 100);
  EXPECT_EQ(c.smoothing, 0.98);
}

}  // namespace
