// The toy's report data: starts on either side of the closed-form boundary, iterates that
// follow x_{k+1} = x_k·(1 − 4·lr·x_k²), and the map it draws.
#include "report/toy_report.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using namespace mlpscope;

TEST(ToyReport, StartsStraddleTheBoundary) {
  const PowerFunction f = PowerFunction::parse("x^4");
  const double lr = 0.01, b = 1.0 / std::sqrt(2.0 * lr);
  const auto starts = toy_report_starts(f, lr, 8.0);
  ASSERT_EQ(starts.size(), 6u);  // five around b, plus x0 = 8
  int inside = 0, outside = 0;
  for (const double s : starts) (std::abs(s) < b ? inside : outside) += 1;
  EXPECT_GE(inside, 2);
  EXPECT_GE(outside, 3);  // 1.03b, -1.06b, and 8 > 7.07
  EXPECT_DOUBLE_EQ(starts[2], b);
  // x0 already among them is not repeated.
  EXPECT_EQ(toy_report_starts(f, lr, b).size(), 5u);
}

TEST(ToyReport, IteratesAndVerdictsFollowTheUpdateRule) {
  const PowerFunction f = PowerFunction::parse("x^4");
  const double lr = 0.01, b = 1.0 / std::sqrt(2.0 * lr);
  const auto d = toy_report_data(f, lr, 1.0, 40);
  EXPECT_EQ(d["kind"], "toy");
  EXPECT_NEAR(d["boundary"].get<double>(), b, 1e-12);
  EXPECT_DOUBLE_EQ(d["range"].get<double>(), 1.6 * b);
  for (const auto& run : d["runs"]) {
    const auto xs = run["iterates"].get<std::vector<double>>();
    ASSERT_FALSE(xs.empty());
    EXPECT_DOUBLE_EQ(xs[0], run["x0"].get<double>());
    for (std::size_t k = 0; k + 1 < xs.size(); ++k)
      EXPECT_NEAR(xs[k + 1], xs[k] * (1 - 4 * lr * xs[k] * xs[k]),
                  1e-9 * std::max(1.0, std::abs(xs[k])));
    const double x0 = std::abs(run["x0"].get<double>());
    const std::string verdict = run["verdict"];
    if (x0 < 0.99 * b) {
      EXPECT_TRUE(verdict == "converged" || verdict == "slow") << x0 << " " << verdict;
    }
    if (x0 > 1.01 * b) {
      EXPECT_EQ(verdict, "diverged") << x0;
    }
    // At the boundary the first step lands on -x0: the 2-cycle ±b. It repels (|g'(b)| = 5),
    // so the rounding error of b grows 25-fold every two steps and the path leaves it.
    if (x0 == b) {
      EXPECT_NEAR(xs[1], -xs[0], 1e-12 * b);
    }
  }
  // A diverging path stops being drawn once it leaves 10× the range; |x_k| goes on.
  const auto& beyond = d["runs"][3];
  EXPECT_LT(beyond["iterates"].size(), beyond["magnitudes"].size());
  // The map is g(x) = x − lr·4x³.
  const auto mx = d["map"]["x"].get<std::vector<double>>(),
             my = d["map"]["y"].get<std::vector<double>>();
  ASSERT_EQ(mx.size(), my.size());
  for (std::size_t i = 0; i < mx.size(); i += 50)
    EXPECT_NEAR(my[i], mx[i] - lr * 4 * std::pow(mx[i], 3), 1e-9);
}

TEST(ToyReport, NoBoundaryForXSquared) {
  const auto d = toy_report_data(PowerFunction::parse("x^2"), 0.1, 3.0);
  EXPECT_TRUE(d["boundary"].is_null());
  EXPECT_EQ(d["runs"].size(), 3u);  // x0, -x0/2, 2·x0
  for (const auto& run : d["runs"]) EXPECT_NE(run["verdict"], "diverged");
}

}  // namespace
