// The measures of a gradient check, on vectors whose answers are known in closed form.
#include "check/gradient_check.h"

#include <gtest/gtest.h>

#include <cmath>

namespace mlpscope {
namespace {

TEST(FitScale, FindsTheFactorAndLeavesTheOrthogonalPart) {
  // g = 3c + d with d ⟂ c: the best factor is 3 and what is left is d.
  const std::vector<double> c{1, 2, 2}, d{2, -1, 0};
  std::vector<double> g(3);
  for (int i = 0; i < 3; ++i) g[i] = 3 * c[i] + d[i];
  const ScaleFit fit = fit_scale(g, c);
  EXPECT_NEAR(fit.scale, 3.0, 1e-15);
  EXPECT_NEAR(fit.residual, std::sqrt(5.0), 1e-14);
}

TEST(FitScale, AZeroCandidateLeavesAllOfG) {
  const std::vector<double> g{3, 4}, zero{0, 0};
  const ScaleFit fit = fit_scale(g, zero);
  EXPECT_EQ(fit.scale, 0.0);
  EXPECT_DOUBLE_EQ(fit.residual, 5.0);
}

TEST(CompareGradients, RelativeErrorCosineAndScalePerParameter) {
  // Two parameters: the first is 2× the exact one, the second orthogonal to it; a third
  // whose exact gradient is 0.
  Vector<double> exact(5), user(5);
  exact << 1, 2, 1, 0, 0;
  user << 2, 4, 0, 1, 0;
  const GradientCheck check =
      compare_gradients({{"W", {2}, 0, 2}, {"b", {2}, 2, 2}, {"c", {1}, 4, 1}}, user, exact);
  ASSERT_EQ(check.parameters.size(), 3u);
  const ParameterCheck& w = check.parameters[0];
  EXPECT_NEAR(w.rel_error, 0.5, 1e-15);  // ‖g − e‖ = √5, max(‖g‖, ‖e‖) = 2√5
  EXPECT_NEAR(*w.cosine, 1.0, 1e-15);
  EXPECT_NEAR(*w.scale, 2.0, 1e-15);
  const ParameterCheck& b = check.parameters[1];
  EXPECT_NEAR(b.rel_error, std::sqrt(2.0), 1e-15);
  EXPECT_NEAR(*b.cosine, 0.0, 1e-15);
  EXPECT_NEAR(*b.scale, 0.0, 1e-15);
  const ParameterCheck& c = check.parameters[2];  // both 0: no error, no direction, no scale
  EXPECT_EQ(c.rel_error, 0.0);
  EXPECT_FALSE(c.cosine);
  EXPECT_FALSE(c.scale);
  EXPECT_NEAR(check.max_rel_error, std::sqrt(2.0), 1e-15);
  EXPECT_FALSE(check.agrees);
}

TEST(CompareGradients, AgreesBelowTheThresholdOnly) {
  Vector<double> exact(2), user(2);
  exact << 1, 0;
  user << 1 + 0.9 * kAgreement, 0;
  EXPECT_TRUE(compare_gradients({{"W", {2}, 0, 2}}, user, exact).agrees);
  user << 1 + 1.1 * kAgreement / (1 - 1.1 * kAgreement), 0;
  EXPECT_FALSE(compare_gradients({{"W", {2}, 0, 2}}, user, exact).agrees);
}

}  // namespace
}  // namespace mlpscope
