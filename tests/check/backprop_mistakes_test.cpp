// The gradients check holds a user's against: the right one is the exact gradient of the
// mean loss (finite differences, and the network's own backward pass), and each mistake
// changes the gradient as that mistake in code does, checked on closed forms.
#include "check/backprop_mistakes.h"

#include <gtest/gtest.h>

#include "support/fixtures.h"
#include "support/gradient_check.h"

namespace mlpscope {
namespace {

using testing::kEveryActivation;
using testing::kEveryHead;

struct Problem {
  Network<double> net;
  Matrix<double> X;
  std::vector<std::int32_t> labels;
};

Problem problem(const char* activation, OutputKind output, LossKind loss,
                std::vector<Index> sizes = {4, 6, 5, 3}, std::uint64_t seed = 7) {
  Rng rng(seed);
  Problem p{
      testing::make_network<double>(testing::make_arch(sizes, activation, output, loss), seed),
      testing::normal_matrix(sizes.front(), 20, rng),
      {}};
  p.labels = testing::random_labels(20, sizes.back(), rng);
  return p;
}

double mean_loss(const Problem& p, const Eigen::VectorXd& params) {
  Network<double> net = p.net;
  net.params() = params;
  Workspace<double> ws;
  net.forward(p.X, ws);
  return net.loss_sum(ws, p.labels.data()) / static_cast<double>(p.X.cols());
}

TEST(BackpropMistakes, TheRightGradientIsTheExactOneForEveryActivationAndHead) {
  for (const std::string& activation : kEveryActivation)
    for (const auto& head : kEveryHead) {
      const Problem p = problem(activation.c_str(), head.output, head.loss);
      const BackpropMistakes backprop(p.net, p.X, p.labels);
      Vector<double> exact;
      ASSERT_TRUE(backprop.gradient(Mistake{}, exact));
      const Eigen::VectorXd numeric = testing::numerical_gradient(
          [&](const Eigen::VectorXd& w) { return mean_loss(p, w); }, p.net.params());
      EXPECT_LT(testing::relative_error(exact, numeric), 1e-7)
          << activation << " " << to_string(head.output) << "/" << to_string(head.loss);
      Workspace<double> ws;
      Vector<double> network_grads;
      p.net.forward(p.X, ws);
      p.net.backward(p.X, p.labels.data(), ws, network_grads);
      EXPECT_LT(testing::relative_error(exact, network_grads), 1e-13) << activation;
    }
}

// ∂L/∂W_l for a mistake that leaves δ untouched, from the right pass's pieces.
TEST(BackpropMistakes, PreactivationAsInputMultipliesTheDeltaByTheInputsPreactivation) {
  const Problem p = problem("tanh", OutputKind::softmax, LossKind::mse);
  const BackpropMistakes backprop(p.net, p.X, p.labels);
  Vector<double> right, wrong;
  backprop.gradient(Mistake{}, right);
  backprop.gradient({MistakeKind::preactivation_as_input, 2}, wrong);
  Workspace<double> ws;
  Vector<double> unused;
  p.net.forward(p.X, ws);
  p.net.backward(p.X, p.labels.data(), ws, unused);  // fills ws.dZ
  const Matrix<double> expected = ws.dZ[2] * ws.Z[1].transpose();
  EXPECT_LT((p.net.W_in(wrong, 2) - expected).norm(), 1e-12 * expected.norm());
  // Every other parameter is the right one.
  const Index begin = p.net.arch().offset(2),
              size = p.net.arch().fan_out(2) * p.net.arch().fan_in(2);
  Vector<double> rest_wrong = wrong, rest_right = right;
  rest_wrong.segment(begin, size).setZero();
  rest_right.segment(begin, size).setZero();
  EXPECT_EQ(rest_wrong, rest_right);
}

TEST(BackpropMistakes, TransposedHandsBackTheTransposeOfOneSquareLayer) {
  const Problem p = problem("sigmoid", OutputKind::softmax, LossKind::cross_entropy, {4, 5, 5, 3});
  const BackpropMistakes backprop(p.net, p.X, p.labels);
  Vector<double> right, wrong;
  backprop.gradient(Mistake{}, right);
  backprop.gradient({MistakeKind::transposed, 1}, wrong);
  EXPECT_EQ(Matrix<double>(p.net.W_in(wrong, 1)), Matrix<double>(p.net.W_in(right, 1).transpose()));
  EXPECT_EQ(p.net.W_in(wrong, 0), p.net.W_in(right, 0));
}

TEST(BackpropMistakes, PMinusYIsTheCrossEntropyGradientOfTheSameNetwork) {
  // MSE through softmax with the output delta p − y: exactly what the same weights give
  // under cross-entropy, whose delta is (p − y)/n.
  const Problem mse = problem("relu", OutputKind::softmax, LossKind::mse);
  const Problem ce = problem("relu", OutputKind::softmax, LossKind::cross_entropy);
  Vector<double> p_minus_y, cross_entropy;
  BackpropMistakes(mse.net, mse.X, mse.labels)
      .gradient({MistakeKind::output_delta_p_minus_y}, p_minus_y);
  BackpropMistakes(ce.net, ce.X, ce.labels).gradient(Mistake{}, cross_entropy);
  EXPECT_LT((p_minus_y - cross_entropy).norm(), 1e-14 * cross_entropy.norm());
}

TEST(BackpropMistakes, MissingDerivativeOnAnIdentityActivationIsTheRightGradient) {
  // φ'(z) = 1: leaving it out changes nothing, which is why identity offers no such mistake.
  const Problem p = problem("identity", OutputKind::softmax, LossKind::cross_entropy);
  const BackpropMistakes backprop(p.net, p.X, p.labels);
  Vector<double> right, missing;
  backprop.gradient(Mistake{}, right);
  backprop.gradient({MistakeKind::missing_activation_derivative}, missing);
  EXPECT_LT((right - missing).norm(), 1e-14 * right.norm());
  for (const Mistake& m : possible_mistakes(p.net.arch()))
    EXPECT_NE(m.kind, MistakeKind::missing_activation_derivative);
}

TEST(BackpropMistakes, EveryPossibleMistakeChangesTheGradient) {
  for (const std::string& activation : kEveryActivation)
    for (const auto& head : kEveryHead) {
      const Problem p = problem(activation.c_str(), head.output, head.loss, {4, 6, 6, 5, 3});
      const BackpropMistakes backprop(p.net, p.X, p.labels);
      Vector<double> right, wrong;
      backprop.gradient(Mistake{}, right);
      const auto mistakes = possible_mistakes(p.net.arch());
      for (std::size_t i = 1; i < mistakes.size(); ++i) {
        backprop.gradient(mistakes[i], wrong);
        EXPECT_GT((wrong - right).norm(), 1e-6 * right.norm())
            << activation << " mistake " << static_cast<int>(mistakes[i].kind) << " layer "
            << mistakes[i].layer;
      }
    }
}

TEST(BackpropMistakes, ALayerDoneCallbackThatSaysStopEndsThePassAtThatLayer) {
  const Problem p = problem("relu", OutputKind::softmax, LossKind::mse);
  const BackpropMistakes backprop(p.net, p.X, p.labels);
  std::vector<Index> seen;
  Vector<double> g;
  const bool finished = backprop.gradient(Mistake{}, g, [&](Index l, const Vector<double>&) {
    seen.push_back(l);
    return l > 1;
  });
  EXPECT_FALSE(finished);
  EXPECT_EQ(seen, (std::vector<Index>{2, 1}));
}

}  // namespace
}  // namespace mlpscope
