#include "train/optimizer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

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
       {"lbfgs", "sgd:0.9", "momentum:1.5", "adam:0.9", "adam:a,b", "rmsprop:1,2"}) {
    try {
      OptimizerSpec::parse(bad);
      ADD_FAILURE() << bad << " parsed";
    } catch (const SettingError& e) {
      EXPECT_EQ(e.setting(), "optimizer") << bad;
    }
  }
}

// The table: rows in enum order, each parses back by its name and by the name its spec
// writes, with its defaults.
TEST(OptimizerTable, EveryRowParsesBackByName) {
  const auto table = optimizer_table();
  ASSERT_EQ(table.size(), 5u);
  for (std::size_t i = 0; i < table.size(); ++i) {
    const OptimizerRow& row = table[i];
    SCOPED_TRACE(std::string(row.name));
    EXPECT_EQ(static_cast<std::size_t>(row.kind), i);
    const OptimizerSpec spec = OptimizerSpec::parse(row.name);
    EXPECT_EQ(spec.kind, row.kind);
    EXPECT_EQ(&spec.row(), &row);
    for (int p = 0; p < row.num_parameters; ++p)
      EXPECT_EQ(spec.*row.parameters[p].field, row.parameters[p].fallback);
    const OptimizerSpec again = OptimizerSpec::parse(spec.name());
    EXPECT_EQ(again.kind, spec.kind);
    EXPECT_EQ(again.beta1, spec.beta1);
    EXPECT_EQ(again.beta2, spec.beta2);
    EXPECT_EQ(again.name(), spec.name());
    EXPECT_FALSE(row.formula.empty());
    EXPECT_FALSE(row.reference.empty());
    EXPECT_EQ(row.form.empty(), row.num_parameters == 0);
  }
}

TEST(OptimizerTable, UnknownNameListsEveryRow) {
  try {
    OptimizerSpec::parse("adamw");
    FAIL() << "adamw parsed";
  } catch (const SettingError& e) {
    EXPECT_EQ(e.setting(), "optimizer");
    EXPECT_NE(e.detail().find("unknown optimizer 'adamw' (choose "), std::string::npos);
    for (const OptimizerRow& row : optimizer_table()) {
      std::string choice(row.name);
      choice += row.form;
      EXPECT_NE(e.detail().find(choice), std::string::npos) << choice;
    }
  }
}

// What the verdict and the trainer read from a row: the adaptive ones keep a second
// moment, the heavy-ball ones a velocity, and only plain SGD is fused into backward.
TEST(OptimizerTable, PropertiesFollowTheRules) {
  for (const OptimizerRow& row : optimizer_table()) {
    SCOPED_TRACE(std::string(row.name));
    EXPECT_EQ(row.adaptive, row.keeps_second);
    EXPECT_EQ(row.heavy_ball, row.keeps_first && !row.adaptive);
    EXPECT_EQ(row.fused, row.kind == OptimizerKind::sgd);
    EXPECT_EQ(OptimizerSpec::parse(row.name).momentum(), row.heavy_ball ? 0.9 : 0.0);
  }
}

// Each rule written out once more, element by element in double, as the header states it.
using Rule = std::function<void(std::vector<double>& theta, const std::vector<double>& g, double lr,
                                int t, const OptimizerSpec& o)>;

// Their state (v, m, s) starts at zero for n parameters.
std::map<std::string, Rule> rules(std::size_t n) {
  auto v = std::make_shared<std::vector<double>>(n), m = std::make_shared<std::vector<double>>(n),
       s = std::make_shared<std::vector<double>>(n);
  std::map<std::string, Rule> r;
  r["sgd"] = [](auto& th, const auto& g, double lr, int, const OptimizerSpec&) {
    for (std::size_t i = 0; i < th.size(); ++i) th[i] -= lr * g[i];
  };
  r["momentum"] = [=](auto& th, const auto& g, double lr, int, const OptimizerSpec& o) {
    for (std::size_t i = 0; i < th.size(); ++i) {
      (*v)[i] = o.beta1 * (*v)[i] + g[i];
      th[i] -= lr * (*v)[i];
    }
  };
  r["nesterov"] = [=](auto& th, const auto& g, double lr, int, const OptimizerSpec& o) {
    for (std::size_t i = 0; i < th.size(); ++i) {
      (*v)[i] = o.beta1 * (*v)[i] + g[i];
      th[i] -= lr * (g[i] + o.beta1 * (*v)[i]);
    }
  };
  r["adam"] = [=](auto& th, const auto& g, double lr, int t, const OptimizerSpec& o) {
    for (std::size_t i = 0; i < th.size(); ++i) {
      (*m)[i] = o.beta1 * (*m)[i] + (1 - o.beta1) * g[i];
      (*s)[i] = o.beta2 * (*s)[i] + (1 - o.beta2) * g[i] * g[i];
      const double m_hat = (*m)[i] / (1 - std::pow(o.beta1, t));
      const double s_hat = (*s)[i] / (1 - std::pow(o.beta2, t));
      th[i] -= lr * m_hat / (std::sqrt(s_hat) + o.eps);
    }
  };
  r["rmsprop"] = [=](auto& th, const auto& g, double lr, int, const OptimizerSpec& o) {
    for (std::size_t i = 0; i < th.size(); ++i) {
      (*s)[i] = o.beta2 * (*s)[i] + (1 - o.beta2) * g[i] * g[i];
      th[i] -= lr * g[i] / (std::sqrt((*s)[i]) + o.eps);
    }
  };
  return r;
}

// Every row's step, five steps on three parameters with changing gradients and
// non-default coefficients, against its rule above.
TEST(OptimizerTable, EachRowStepsByItsFormula) {
  const std::vector<std::vector<double>> grads = {
      {0.5, -1.0, 2.0}, {0.25, -0.5, -3.0}, {1.0, 0.0, 0.5}, {-2.0, 1.5, 0.1}, {0.3, -0.2, 1.0}};
  const double lr = 0.05;
  for (const OptimizerRow& row : optimizer_table()) {
    SCOPED_TRACE(std::string(row.name));
    std::string text(row.name);
    if (row.num_parameters > 0) text += row.num_parameters == 1 ? ":0.8" : ":0.8,0.95";
    const OptimizerSpec spec = OptimizerSpec::parse(text);
    auto all = rules(3);
    ASSERT_TRUE(all.count(std::string(row.name))) << "no rule written out for this row";
    const Rule rule = all[std::string(row.name)];
    Optimizer<double> opt(spec, 3);
    Vector<double> theta(3);
    theta << 1.0, -0.5, 0.25;
    std::vector<double> expected = {1.0, -0.5, 0.25};
    for (int t = 1; t <= 5; ++t) {
      const auto& g = grads[static_cast<std::size_t>(t - 1)];
      const Vector<double> gradient = Eigen::Map<const Vector<double>>(g.data(), 3);
      opt.step(theta, gradient, lr);
      rule(expected, g, lr, t, spec);
      for (int i = 0; i < 3; ++i) EXPECT_NEAR(theta(i), expected[std::size_t(i)], 1e-14) << t;
    }
    EXPECT_EQ(opt.steps(), 5);
  }
}

}  // namespace
}  // namespace mlpscope
