// The search for the bug class, on gradients made by the mistakes themselves and by hand:
// the right gradient in float32 is none, a factor is scale or sign with that factor, one
// mistake is found with its layer, two at once are unknown with the first wrong layer.
#include "check/bug_class.h"

#include <gtest/gtest.h>

#include "support/fixtures.h"

namespace mlpscope {
namespace {

struct Case {
  Network<double> net;
  std::unique_ptr<BackpropMistakes> backprop;
  Vector<double> exact;
  explicit Case(const char* activation = "sigmoid", LossKind loss = LossKind::mse)
      : net(testing::make_network<double>(
            testing::make_arch({5, 7, 6, 4}, activation, OutputKind::softmax, loss), 3)) {
    Rng rng(11);
    backprop = std::make_unique<BackpropMistakes>(net, testing::normal_matrix(5, 30, rng),
                                                  testing::random_labels(30, 4, rng));
    backprop->gradient(Mistake{}, exact);
  }
  Vector<double> with(const Mistake& m) const {
    Vector<double> g;
    backprop->gradient(m, g);
    return g;
  }
};

TEST(FindBug, TheRightGradientRoundedToFloat32IsNone) {
  const Case s;
  const Vector<double> rounded = s.exact.cast<float>().cast<double>();
  const Bug bug = find_bug(*s.backprop, rounded, s.exact);
  EXPECT_EQ(bug.kind, BugClass::none);
  EXPECT_FALSE(bug.factor);
  EXPECT_LT(bug.residual, 1e-6);
}

TEST(FindBug, OneFactorIsScaleOrSignWithThatFactor) {
  const Case s;
  const Bug scaled = find_bug(*s.backprop, 30.0 * s.exact, s.exact);
  EXPECT_EQ(scaled.kind, BugClass::scale);
  EXPECT_NEAR(*scaled.factor, 30.0, 1e-9);
  const Bug ascent = find_bug(*s.backprop, -s.exact, s.exact);
  EXPECT_EQ(ascent.kind, BugClass::sign);
  EXPECT_NEAR(*ascent.factor, -1.0, 1e-12);
}

TEST(FindBug, EachMistakeIsFoundWithItsLayerAndFactor) {
  const Case s;
  for (const Mistake& m : possible_mistakes(s.net.arch())) {
    if (m.kind == MistakeKind::none) continue;
    const Bug bug = find_bug(*s.backprop, 0.5 * s.with(m), s.exact);
    EXPECT_NE(bug.kind, BugClass::unknown) << static_cast<int>(m.kind) << " layer " << m.layer;
    EXPECT_EQ(bug.layer.value_or(Mistake::kEveryLayer), m.layer) << static_cast<int>(m.kind);
    ASSERT_TRUE(bug.factor);
    EXPECT_NEAR(*bug.factor, 0.5, 1e-9);
  }
}

TEST(FindBug, TwoMistakesAtOnceAreUnknownNamingTheFirstWrongLayerFromTheOutput) {
  const Case s;
  // Layer 3 (the output's) right; layer 2's weight gradient taken from the pre-activation;
  // layer 1's from a delta without its derivative: two mistakes, which no one explains.
  Vector<double> g = s.with({MistakeKind::preactivation_as_input, 1});
  const Vector<double> missing = s.with({MistakeKind::missing_activation_derivative, 0});
  const Index first = s.net.arch().offset(1);
  g.head(first) = missing.head(first);
  const Bug bug = find_bug(*s.backprop, g, s.exact);
  EXPECT_EQ(bug.kind, BugClass::unknown);
  ASSERT_TRUE(bug.layer);
  EXPECT_EQ(*bug.layer, 1);
  EXPECT_LT(bug.layer_errors[2], kAgreement);
  EXPECT_GT(bug.layer_errors[1], kAgreement);
}

TEST(FindBug, ZeroGradientsAreNoneOnlyWhereTheExactOneIsZeroToo) {
  const Case s;
  const Vector<double> zero = Vector<double>::Zero(s.exact.size());
  EXPECT_EQ(find_bug(*s.backprop, zero, s.exact).kind, BugClass::unknown);
  EXPECT_EQ(find_bug(*s.backprop, zero, zero).kind, BugClass::none);
}

TEST(BugClassTable, RowsAreInEnumOrderWithTheContractsNames) {
  const std::vector<std::string> names{"none",
                                       "softmax_jacobian_missing",
                                       "scale",
                                       "sign",
                                       "output_activation_derivative",
                                       "missing_activation_derivative",
                                       "derivative_at_activation",
                                       "wrong_layer_input",
                                       "transposed",
                                       "unknown"};
  ASSERT_EQ(bug_class_table().size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(bug_class_table()[i].kind), i);
    EXPECT_EQ(bug_class_table()[i].name, names[i]);
  }
}

}  // namespace
}  // namespace mlpscope
