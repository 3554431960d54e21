#include "toy/gd1d.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/error.h"

namespace mlpscope {
namespace {

const PowerFunction kSquare{2.0}, kQuartic{4.0};

bool diverges(const PowerFunction& f, double lr, double x0, int steps = 10'000) {
  return classify(iterate(f, lr, x0, steps)) == VerdictKind::diverged;
}

TEST(Gd1dFunction, ParsesTheThreeForms) {
  EXPECT_EQ(PowerFunction::parse("x^2").p, 2.0);
  EXPECT_EQ(PowerFunction::parse(" x^4 ").p, 4.0);
  EXPECT_EQ(PowerFunction::parse("|x|^3").p, 3.0);
  EXPECT_EQ(PowerFunction::parse("|x|^1.5").p, 1.5);
  EXPECT_EQ(PowerFunction::parse("|x|^4").name(), "x^4");
  EXPECT_EQ(PowerFunction::parse("|x|^2.50").name(), "|x|^2.5");
  EXPECT_EQ(PowerFunction::parse("|x|^0.3e1").name(), "|x|^3");
}

TEST(Gd1dFunction, BadSpecsThrowNamingTheOption) {
  for (const char* spec : {"x^3", "x^6", "x", "sin", "", "|x|^1", "|x|^0.5", "|x|^-2", "|x|^abc",
                           "|x|^nan", "|x|^inf", "|x|^", "x^2x"}) {
    SCOPED_TRACE(spec);
    try {
      PowerFunction::parse(spec);
      ADD_FAILURE() << "no error";
    } catch (const SettingError& e) {
      EXPECT_EQ(e.setting(), "f") << e.what();
    }
  }
}

TEST(Gd1dFunction, ValuesAndDerivativesByHand) {
  EXPECT_EQ(kSquare.value(-3.0), 9.0);
  EXPECT_EQ(kSquare.derivative(-3.0), -6.0);
  EXPECT_EQ(kQuartic.value(-2.0), 16.0);
  EXPECT_EQ(kQuartic.derivative(-2.0), -32.0);
  const PowerFunction cube{3.0}, root{1.5};
  EXPECT_NEAR(cube.value(-2.0), 8.0, 1e-14);
  EXPECT_NEAR(cube.derivative(-2.0), -12.0, 1e-14);  // 3·sign(x)·x²
  EXPECT_NEAR(root.derivative(4.0), 3.0, 1e-14);     // 1.5·4^0.5
  EXPECT_EQ(root.derivative(0.0), 0.0);
  // The derivative against a central difference, away from the kink at 0.
  for (double p : {1.5, 2.0, 2.5, 3.0, 4.0, 7.0})
    for (double x : {-1.7, -0.3, 0.4, 2.2}) {
      const PowerFunction f{p};
      const double h = 1e-6, numeric = (f.value(x + h) - f.value(x - h)) / (2 * h);
      EXPECT_NEAR(f.derivative(x), numeric, 1e-7 * std::max(1.0, std::abs(numeric)))
          << "p " << p << " x " << x;
    }
}

TEST(Gd1dIterate, ValuesByHand) {
  // x^4: x_{k+1} = x_k(1 − 4·lr·x_k²); lr 0.01 from 1: 0.96, then 0.96·(1 − 0.04·0.9216).
  auto xs = iterate(kQuartic, 0.01, 1.0, 2);
  ASSERT_EQ(xs.size(), 3u);
  EXPECT_EQ(xs[0], 1.0);
  EXPECT_DOUBLE_EQ(xs[1], 0.96);
  EXPECT_DOUBLE_EQ(xs[2], 0.92461056);
  // x^2: x_{k+1} = (1 − 2·lr)·x_k; lr 0.25 halves x exactly.
  EXPECT_EQ(iterate(kSquare, 0.25, -4.0, 3), (std::vector<double>{-4.0, -2.0, -1.0, -0.5}));
  // |x|^3: x_{k+1} = x_k − 0.1·3·x_k·|x_k|: from −1, −0.7, then −0.7 + 0.147.
  xs = iterate(PowerFunction{3.0}, 0.1, -1.0, 2);
  EXPECT_NEAR(xs[1], -0.7, 1e-15);
  EXPECT_NEAR(xs[2], -0.553, 1e-15);
}

TEST(Gd1dIterate, StopsAtTheBlowUpBound) {
  const auto xs = iterate(kQuartic, 0.01, 8.0, 100);
  EXPECT_LT(xs.size(), 101u);
  EXPECT_GT(std::abs(xs.back()), kBlowUp);
  for (std::size_t k = 0; k + 1 < xs.size(); ++k) EXPECT_LE(std::abs(xs[k]), kBlowUp);
  EXPECT_EQ(classify(xs), VerdictKind::diverged);
  // |x|^7 overflows to infinity on its way: stopped there, still diverged.
  const auto inf = iterate(PowerFunction{7.0}, 1.0, 3.0, 100);
  EXPECT_LT(inf.size(), 101u);
  EXPECT_EQ(classify(inf), VerdictKind::diverged);
}

TEST(Gd1dIterate, RejectsBadArguments) {
  EXPECT_THROW(iterate(kQuartic, 0.0, 1.0, 10), Error);
  EXPECT_THROW(iterate(kQuartic, -1.0, 1.0, 10), Error);
  EXPECT_THROW(iterate(kQuartic, std::numeric_limits<double>::infinity(), 1.0, 10), Error);
  EXPECT_THROW(iterate(kQuartic, 0.01, std::nan(""), 10), Error);
  EXPECT_THROW(iterate(kQuartic, 0.01, 1.0, 0), Error);
  EXPECT_THROW(iterate(kQuartic, 0.01, 1.0, kMaxSteps + 1), Error);
}

TEST(Gd1dVerdict, RulesOnHandMadeSequences) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(classify({1.0, 0.5, 1e-7}), VerdictKind::converged);
  EXPECT_EQ(classify({0.0, 0.0}), VerdictKind::converged);
  EXPECT_EQ(classify({100.0, 50.0, 5e-5}), VerdictKind::converged);  // tolerance 1e-6·|x0|
  EXPECT_EQ(classify({1.0, -1.0, 1.0, -1.0}), VerdictKind::oscillating);
  EXPECT_EQ(classify({1.0, 1.0, 1.0}), VerdictKind::stalled);
  EXPECT_EQ(classify({1.0, 0.9, 0.8}), VerdictKind::slow);
  EXPECT_EQ(classify({1.0, -0.9, 0.8}), VerdictKind::slow);
  EXPECT_EQ(classify({1.0, 2.0, 4.0}), VerdictKind::diverged);
  EXPECT_EQ(classify({1.0, inf}), VerdictKind::diverged);
  EXPECT_EQ(classify({1.0, std::nan("")}), VerdictKind::diverged);
  EXPECT_EQ(classify({1.0, 1e101}), VerdictKind::diverged);
  EXPECT_EQ(classify({1.0, -0.5, 0.8, -0.6}), VerdictKind::oscillating);  // no trend
  // Only the tail counts: an early jump is forgotten 10 steps later.
  std::vector<double> xs{1.0, 5.0};
  for (int k = 0; k < kTailSteps; ++k) xs.push_back(xs.back() * 0.9);
  EXPECT_EQ(classify(xs), VerdictKind::slow);
  EXPECT_THROW(classify({1.0}), Error);
}

TEST(Gd1dQuartic, ClosedFormIsOneOverSqrtTwoLr) {
  for (double lr : {1e-4, 0.01, 0.125, 0.5, 2.0})
    EXPECT_DOUBLE_EQ(*closed_form_boundary(kQuartic, lr), 1.0 / std::sqrt(2.0 * lr));
  EXPECT_EQ(closed_form(kQuartic, 0.01).formula, "1/sqrt(2·lr)");
}

TEST(Gd1dQuartic, AtTheBoundaryItFlipsForever) {
  // lr = 0.125: boundary 1/sqrt(0.25) = 2, exactly; x1 = 2·(1 − 4·0.125·4) = −2.
  ASSERT_EQ(*closed_form_boundary(kQuartic, 0.125), 2.0);
  const auto xs = iterate(kQuartic, 0.125, 2.0, 50);
  ASSERT_EQ(xs.size(), 51u);
  for (std::size_t k = 0; k < xs.size(); ++k) EXPECT_EQ(xs[k], k % 2 == 0 ? 2.0 : -2.0);
  EXPECT_EQ(classify(xs), VerdictKind::oscillating);
  EXPECT_NE(explain(kQuartic, 0.125, 2.0).find("exactly at 1/sqrt(2·lr) = 2"), std::string::npos);
}

TEST(Gd1dQuartic, JustInsideConvergesJustOutsideDiverges) {
  for (double lr : {0.001, 0.01, 0.125, 1.0}) {
    SCOPED_TRACE(lr);
    const double b = 1.0 / std::sqrt(2.0 * lr);
    for (double x0 : {b * (1 - 1e-6), -b * (1 - 1e-6)}) {
      const auto xs = iterate(kQuartic, lr, x0, 20'000);
      EXPECT_EQ(classify(xs), VerdictKind::slow);
      EXPECT_LT(std::abs(xs.back()), 0.05 * b);
    }
    for (double x0 : {b * (1 + 1e-6), -b * (1 + 1e-6)}) {
      const auto xs = iterate(kQuartic, lr, x0, 20'000);
      EXPECT_EQ(classify(xs), VerdictKind::diverged);
      EXPECT_GT(std::abs(xs.back()), kBlowUp);
    }
    EXPECT_NE(explain(kQuartic, lr, 1.01 * b).find("beyond"), std::string::npos);
    EXPECT_NE(explain(kQuartic, lr, 0.99 * b).find("inside"), std::string::npos);
  }
}

TEST(Gd1dQuartic, ConvergenceNearZeroIsSublinear) {
  // x_k ≈ 1/sqrt(8·lr·k) for large k (dx/dk = −4·lr·x³), far from the 1e-6 tolerance.
  const auto xs = iterate(kQuartic, 0.01, 1.0, 100'000);
  EXPECT_EQ(classify(xs), VerdictKind::slow);
  EXPECT_NEAR(xs.back() * std::sqrt(8 * 0.01 * 100'000), 1.0, 1e-3);
  // A step far below the rounding of x: x does not move at all.
  EXPECT_EQ(classify(iterate(kQuartic, 1e-20, 1.0, 100)), VerdictKind::stalled);
}

TEST(Gd1dSquare, TheLearningRateAloneDecides) {
  EXPECT_FALSE(closed_form_boundary(kSquare, 0.01));
  EXPECT_FALSE(closed_form(kSquare, 0.01).note.empty());
  for (double x0 : {-1e6, -3.0, 0.5, 7.0, 1e6}) {
    SCOPED_TRACE(x0);
    for (double lr : {0.01, 0.3, 0.5, 0.9, 0.99})
      EXPECT_EQ(classify(iterate(kSquare, lr, x0, 5'000)), VerdictKind::converged) << "lr " << lr;
    const auto cycle = iterate(kSquare, 1.0, x0, 20);
    EXPECT_EQ(classify(cycle), VerdictKind::oscillating);
    EXPECT_EQ(cycle[1], -x0);
    for (double lr : {1.01, 1.5, 3.0}) {
      EXPECT_EQ(classify(iterate(kSquare, lr, x0, 100)), VerdictKind::diverged) << "lr " << lr;
      EXPECT_EQ(classify(iterate(kSquare, lr, x0, 100'000)), VerdictKind::diverged) << "lr " << lr;
    }
  }
  for (double lr : {0.01, 1.0, 1.5}) EXPECT_FALSE(scan_boundary(kSquare, lr)) << "lr " << lr;
}

TEST(Gd1dScan, MatchesTheClosedFormForQuartic) {
  for (double lr : {1e-4, 0.001, 0.01, 0.125, 0.3, 1.0, 5.0}) {
    const double b = *closed_form_boundary(kQuartic, lr);
    const auto found = scan_boundary(kQuartic, lr);
    ASSERT_TRUE(found) << "lr " << lr;
    EXPECT_NEAR(*found / b, 1.0, 1e-6) << "lr " << lr;
  }
}

// For p > 2 the factor of a step is g(x) = 1 − lr·p·|x|^(p−2); the claimed boundary
// b = (2/(lr·p))^(1/(p−2)) is where g = −1. Checked three ways: one step from b lands on −b,
// starts just inside do not diverge and starts just outside do, and the scan finds b.
TEST(Gd1dPower, BoundaryFormulaHoldsNumerically) {
  for (double p : {2.5, 3.0, 5.0, 6.0, 10.0})
    for (double lr : {0.001, 0.05, 0.5}) {
      SCOPED_TRACE(testing::Message() << "p " << p << " lr " << lr);
      const PowerFunction f{p};
      const auto b = closed_form_boundary(f, lr);
      ASSERT_TRUE(b);
      EXPECT_NEAR(std::pow(2.0 / (lr * p), 1.0 / (p - 2.0)), *b, 1e-12 * *b);
      const double x1 = iterate(f, lr, *b, 1)[1];
      EXPECT_NEAR(x1 / *b, -1.0, 1e-12);
      EXPECT_FALSE(diverges(f, lr, *b * (1 - 1e-6)));
      EXPECT_FALSE(diverges(f, lr, -*b * (1 - 1e-6)));
      EXPECT_TRUE(diverges(f, lr, *b * (1 + 1e-6)));
      EXPECT_TRUE(diverges(f, lr, -*b * (1 + 1e-6)));
      const auto found = scan_boundary(f, lr);
      ASSERT_TRUE(found);
      EXPECT_NEAR(*found / *b, 1.0, 1e-6);
    }
  // p = 4 through the general formula equals 1/sqrt(2·lr).
  EXPECT_NEAR(std::pow(2.0 / (0.01 * 4.0), 0.5), *closed_form_boundary(kQuartic, 0.01), 1e-12);
}

TEST(Gd1dPower, BelowTwoNoStartDivergesAndGdEndsInTheTwoCycle) {
  const std::pair<double, double> cases[] = {{1.2, 0.01}, {1.2, 0.1}, {1.5, 0.01},
                                             {1.5, 0.1},  {1.7, 0.1}, {1.8, 0.5}};
  for (const auto& [p, lr] : cases) {
    SCOPED_TRACE(testing::Message() << "p " << p << " lr " << lr);
    const PowerFunction f{p};
    EXPECT_FALSE(closed_form_boundary(f, lr));
    EXPECT_FALSE(scan_boundary(f, lr));
    const double c = std::pow(lr * p / 2.0, 1.0 / (2.0 - p));  // where g(c) = −1
    ASSERT_GT(c, 1e-5);
    for (double x0 : {1e-3, 0.7, -5.0}) {
      const auto xs = iterate(f, lr, x0, 20'000);
      EXPECT_EQ(classify(xs), VerdictKind::oscillating) << "x0 " << x0;
      EXPECT_NEAR(std::abs(xs.back()) / c, 1.0, 1e-9) << "x0 " << x0;
    }
  }
  // p = 1.7, lr = 0.01: the same cycle, ±1.3e-7, lies below the tolerance: converged.
  const PowerFunction f{1.7};
  const auto xs = iterate(f, 0.01, 1.0, 20'000);
  EXPECT_EQ(classify(xs), VerdictKind::converged);
  EXPECT_NEAR(std::abs(xs.back()) / std::pow(0.01 * 1.7 / 2.0, 1.0 / 0.3), 1.0, 1e-9);
  EXPECT_NE(explain(f, 0.01, 1.0).find("below the convergence tolerance"), std::string::npos);
}

TEST(Gd1dExplain, SaysWhatTheFormulaSays) {
  const std::string beyond = explain(kQuartic, 0.01, 8.0);
  EXPECT_NE(beyond.find("x0 = 8 is beyond 1/sqrt(2·lr) = 7.071"), std::string::npos) << beyond;
  EXPECT_NE(explain(kQuartic, 0.01, 0.0).find("minimum"), std::string::npos);
  EXPECT_NE(explain(kSquare, 0.3, 5.0).find("learning rate alone"), std::string::npos);
  EXPECT_NE(explain(PowerFunction{1.5}, 0.01, 1.0).find("2-cycle"), std::string::npos);
  EXPECT_NE(describe(VerdictKind::diverged, iterate(kQuartic, 0.01, 8.0, 100)).find("blow-up"),
            std::string::npos);
}

TEST(Gd1dSettings, ChecksEveryOption) {
  const ToySettings s =
      parse_toy_settings({{"f", "|x|^3"}, {"lr", "0.5"}, {"x0", "-2"}, {"steps", "1e3"}});
  EXPECT_EQ(s.f.p, 3.0);
  EXPECT_EQ(s.lr, 0.5);
  EXPECT_EQ(s.x0, -2.0);
  EXPECT_EQ(s.steps, 1000);
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"lr", "0"},
                                                        {"lr", "-1"},
                                                        {"lr", "nan"},
                                                        {"x0", "nan"},
                                                        {"x0", "inf"},
                                                        {"steps", "0"},
                                                        {"steps", "1e9"},
                                                        {"steps", "2.5"},
                                                        {"steps", "-3"},
                                                        {"f", "x^3"}}) {
    try {
      parse_toy_settings({{name, value}});
      ADD_FAILURE() << name << " = " << value << ": no error";
    } catch (const SettingError& e) {
      EXPECT_EQ(e.setting(), name) << e.what();
    }
  }
  EXPECT_EQ(parse_toy_settings({{"steps", std::to_string(kMaxSteps)}}).steps, kMaxSteps);
}

}  // namespace
}  // namespace mlpscope
