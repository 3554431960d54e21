#include "train/optimizer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"

namespace mlpscope {
namespace {

Vector<double> run(const char* spec, int steps, double lr, double grad) {
  Optimizer<double> opt(OptimizerSpec::parse(spec), 1);
  Vector<double> p = Vector<double>::Zero(1), g = Vector<double>::Constant(1, grad);
  for (int i = 0; i < steps; ++i) opt.step(p, g, lr);
  return p;
}

TEST(Optimizer, SgdIsOneStepOfGradientDescent) {
  EXPECT_DOUBLE_EQ(run("sgd", 3, 0.1, 2.0)(0), -0.6);
}

// Constant gradient g: momentum's velocity after k steps is g(1 + μ + … + μ^(k−1)).
TEST(Optimizer, MomentumAndNesterovClosedForms) {
  // momentum: p = −lr·g·(1 + (1+μ) + (1+μ+μ²)) for 3 steps
  const double mu = 0.5, lr = 0.1, g = 1.0;
  EXPECT_NEAR(run("momentum:0.5", 3, lr, g)(0), -lr * g * (1 + 1.5 + 1.75), 1e-15);
  // nesterov: each step lr·(g + μ·v_k), v_k = g(1 + … + μ^(k−1))
  const double v1 = 1, v2 = 1 + mu, v3 = 1 + mu + mu * mu;
  EXPECT_NEAR(run("nesterov:0.5", 3, lr, g)(0), -lr * (3 * g + mu * (v1 + v2 + v3)), 1e-15);
}

// With bias correction, Adam's first step is lr·sign(g) whatever the gradient's size.
TEST(Optimizer, AdamFirstStepIsLrTimesSign) {
  EXPECT_NEAR(run("adam", 1, 0.01, 1e-3)(0), -0.01, 1e-7);
  EXPECT_NEAR(run("adam", 1, 0.01, -1e3)(0), 0.01, 1e-9);
  // a constant gradient keeps every step at lr (m̂ = g, ŝ = g²)
  EXPECT_NEAR(run("adam", 10, 0.01, 5.0)(0), -0.1, 1e-8);
}

TEST(Optimizer, RmspropFirstStep) {
  // s = (1−α)g²; step = lr·g/(sqrt(s)+ε) = lr/sqrt(1−α)
  EXPECT_NEAR(run("rmsprop", 1, 0.01, 3.0)(0), -0.01 / std::sqrt(0.01), 1e-7);
}

TEST(Optimizer, ParseAndErrors) {
  EXPECT_EQ(OptimizerSpec::parse("momentum").beta1, 0.9);
  EXPECT_EQ(OptimizerSpec::parse("adam:0.8,0.99").name(), "adam:0.8,0.99");
  EXPECT_DOUBLE_EQ(OptimizerSpec::parse("nesterov:0.95").momentum(), 0.95);
  EXPECT_EQ(OptimizerSpec::parse("sgd").momentum(), 0.0);
  for (const char* bad :
       {"lbfgs", "sgd:0.9", "momentum:1.5", "adam:0.9", "adam:a,b", "rmsprop:1,2"})
    EXPECT_THROW(OptimizerSpec::parse(bad), Error) << bad;
}

}  // namespace
}  // namespace mlpscope
