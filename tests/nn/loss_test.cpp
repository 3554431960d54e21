#include "nn/loss.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "core/random.h"
#include "support/fixtures.h"
#include "support/gradient_check.h"

namespace mlpscope {
namespace {

TEST(Head, BackwardMatchesCentralDifferencesForEveryPair) {
  const Index K = 4, N = 6;
  std::int32_t labels[N] = {0, 3, 1, 1, 2, 0};
  for (const testing::OutputLoss& pair : testing::kEveryHead) {
    const Head head = Head::make(pair.output, pair.loss);
    SCOPED_TRACE(head.output_name() + "+" + head.loss_name());
    Rng rng(11);
    Matrix<double> Z(K, N);
    for (Index i = 0; i < Z.size(); ++i) Z(i) = rng.normal(0.0, 2.0);
    Matrix<double> P, dZ;
    head.forward(Z, P);
    head.backward(Z, P, labels, dZ);
    auto mean_loss = [&](const Eigen::VectorXd& z) {
      Matrix<double> Zv = Eigen::Map<const Matrix<double>>(z.data(), K, N), Pv;
      head.forward(Zv, Pv);
      return head.loss_sum(Zv, Pv, labels) / N;
    };
    const Eigen::VectorXd z = Eigen::Map<const Eigen::VectorXd>(Z.data(), Z.size());
    const Eigen::VectorXd analytic = Eigen::Map<const Eigen::VectorXd>(dZ.data(), dZ.size());
    EXPECT_LT(testing::relative_error(analytic, testing::numerical_gradient(mean_loss, z)), 1e-7);
  }
}

// torch.nn.MSELoss()(p, y) with reduction='mean' divides by N·K.
TEST(Head, MseIsTorchMeanOverBatchAndOutputs) {
  const Head head = Head::make(OutputKind::identity, LossKind::mse);
  Matrix<double> Z(3, 2);
  Z << 0.5, 1.0,  //
      0.0, 2.0,   //
      -1.0, 0.0;
  std::int32_t labels[2] = {0, 2};
  Matrix<double> P;
  head.forward(Z, P);
  // sample 0: (0.5−1)² + 0² + (−1)² = 1.25; sample 1: 1² + 2² + (0−1)² = 6; / (2·3)
  EXPECT_DOUBLE_EQ(head.loss_sum(Z, P, labels) / 2.0, (1.25 + 6.0) / 6.0);
}

TEST(Head, SoftmaxValuesAndCrossEntropyByHand) {
  const Head head = Head::make(OutputKind::softmax, LossKind::cross_entropy);
  Matrix<double> Z(2, 1);
  Z << std::log(3.0), 0.0;  // softmax = (3/4, 1/4)
  Matrix<double> P;
  head.forward(Z, P);
  EXPECT_NEAR(P(0, 0), 0.75, 1e-15);
  std::int32_t label = 1;
  EXPECT_NEAR(head.loss_sum(Z, P, &label), std::log(4.0), 1e-14);
}

TEST(Head, CrossEntropyStaysFiniteForHugeLogits) {
  const Head head = Head::make(OutputKind::softmax, LossKind::cross_entropy);
  Matrix<float> Z(3, 1);
  Z << 1e4f, -1e4f, 0.0f;
  Matrix<float> P, dZ;
  head.forward(Z, P);
  std::int32_t label = 1;
  EXPECT_NEAR(head.loss_sum(Z, P, &label), 2e4, 1.0);
  head.backward(Z, P, &label, dZ);
  EXPECT_TRUE(dZ.allFinite());
}

// The case this project exists for: MSE through a saturated softmax passes almost no
// gradient, cross-entropy passes (p − y)/N.
TEST(Head, MseThroughSaturatedSoftmaxVanishes) {
  Matrix<double> Z(3, 1);
  Z << 30.0, 0.0, 0.0;  // p ≈ (1, 1e-13, 1e-13), wrong class
  std::int32_t label = 2;
  Matrix<double> P, d_mse, d_ce;
  const Head mse = Head::make(OutputKind::softmax, LossKind::mse);
  const Head ce = Head::make(OutputKind::softmax, LossKind::cross_entropy);
  mse.forward(Z, P);
  mse.backward(Z, P, &label, d_mse);
  ce.backward(Z, P, &label, d_ce);
  EXPECT_LT(d_mse.norm(), 1e-11);
  EXPECT_GT(d_ce.norm(), 1.0);
}

TEST(HeadTable, EveryOutputAndLossParsesBackToItselfByNameAndAlias) {
  for (const OutputRow& row : output_table()) {
    EXPECT_EQ(Head::parse_output(row.name), row.kind);
    EXPECT_EQ(to_string(row.kind), row.name);
    if (!row.alias.empty()) {
      EXPECT_EQ(Head::parse_output(row.alias), row.kind);
    }
  }
  for (const LossRow& row : loss_table()) {
    EXPECT_EQ(Head::parse_loss(row.name), row.kind);
    EXPECT_EQ(to_string(row.kind), row.name);
    if (!row.alias.empty()) {
      EXPECT_EQ(Head::parse_loss(row.alias), row.kind);
    }
  }
  EXPECT_EQ(Head::parse_output(" linear "), OutputKind::identity);
  EXPECT_EQ(Head::parse_loss("ce"), LossKind::cross_entropy);
}

TEST(HeadTable, UnknownNamesListEveryRowAndNameTheSetting) {
  try {
    Head::parse_output("relu");
    ADD_FAILURE() << "accepted";
  } catch (const SettingError& e) {
    EXPECT_EQ(e.setting(), "output");
    EXPECT_MESSAGE_HAS(std::string(e.what()), "unknown output 'relu' (choose ");
    for (const OutputRow& row : output_table()) EXPECT_MESSAGE_HAS(std::string(e.what()), row.name);
  }
  try {
    Head::parse_loss("hinge");
    ADD_FAILURE() << "accepted";
  } catch (const SettingError& e) {
    EXPECT_EQ(e.setting(), "loss");
    EXPECT_MESSAGE_HAS(std::string(e.what()), "unknown loss 'hinge' (choose ");
    for (const LossRow& row : loss_table()) EXPECT_MESSAGE_HAS(std::string(e.what()), row.name);
  }
}

// A fused loss is defined with its output only, and the refusal names the output it needs;
// a loss taken at P is defined with every output.
TEST(HeadTable, PairsAreThoseTheLossRowsAllow) {
  EXPECT_EQ(testing::kEveryHead.size(), 5u);
  for (const OutputRow& output : output_table())
    for (const LossRow& loss : loss_table()) {
      SCOPED_TRACE(std::string(output.name) + "+" + std::string(loss.name));
      const bool defined = !loss.fused_with || *loss.fused_with == output.kind;
      EXPECT_EQ(Head::defined(output.kind, loss.kind), defined);
      const std::string message = testing::error_of([&] { Head::make(output.kind, loss.kind); });
      if (defined) {
        EXPECT_EQ(message, "");
        continue;
      }
      EXPECT_MESSAGE_HAS(message,
                         std::string(loss.name) + " needs --output " + to_string(*loss.fused_with));
    }
  EXPECT_THROW(Head::make(OutputKind::sigmoid, LossKind::cross_entropy), SettingError);
  EXPECT_THROW(Head::make(OutputKind::identity, LossKind::cross_entropy), SettingError);
  EXPECT_THROW(Head::make(OutputKind::softmax, LossKind::bce), SettingError);
}

// Each output row's backward is Jᵀ·v for its forward: the gradient of ⟨v, output(z)⟩.
TEST(HeadTable, EveryOutputsJacobianMatchesCentralDifferences) {
  const Index K = 4, N = 3;
  for (const OutputRow& row : output_table()) {
    SCOPED_TRACE(row.name);
    Rng rng(3);
    const Matrix<double> Z = testing::normal_matrix(K, N, rng);
    const Matrix<double> V = testing::normal_matrix(K, N, rng);
    Matrix<double> P, dZ = V;
    row.f64.forward(Z, P);
    row.f64.backward(P, dZ);
    auto inner = [&](const Eigen::VectorXd& z) {
      Matrix<double> Pv;
      row.f64.forward(Eigen::Map<const Matrix<double>>(z.data(), K, N), Pv);
      return (Pv.array() * V.array()).sum();
    };
    const Eigen::VectorXd z = Eigen::Map<const Eigen::VectorXd>(Z.data(), Z.size());
    const Eigen::VectorXd analytic = Eigen::Map<const Eigen::VectorXd>(dZ.data(), dZ.size());
    EXPECT_LT(testing::relative_error(analytic, testing::numerical_gradient(inner, z)), 1e-7);
  }
}

}  // namespace
}  // namespace mlpscope
