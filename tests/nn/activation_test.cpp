#include "nn/activation.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "core/random.h"
#include "support/fixtures.h"
#include "support/gradient_check.h"

namespace mlpscope {
namespace {

double apply(const Activation& a, double z) {
  Matrix<double> Z(1, 1), A;
  Z(0, 0) = z;
  a.forward(Z, A);
  return A(0, 0);
}

TEST(Activation, ForwardValuesByHand) {
  EXPECT_DOUBLE_EQ(apply(Activation::parse("relu"), -2.0), 0.0);
  EXPECT_DOUBLE_EQ(apply(Activation::parse("relu"), 3.0), 3.0);
  EXPECT_DOUBLE_EQ(apply(Activation::parse("leaky_relu:0.2"), -2.0), -0.4);
  EXPECT_NEAR(apply(Activation::parse("elu"), -1.0), std::exp(-1.0) - 1.0, 1e-15);
  EXPECT_NEAR(apply(Activation::parse("gelu"), 1.0), 0.8413447460685429, 1e-15);  // Φ(1)
  EXPECT_DOUBLE_EQ(apply(Activation::parse("sigmoid"), 0.0), 0.5);
  EXPECT_NEAR(apply(Activation::parse("sigmoid"), -800.0), 0.0, 1e-300);
  EXPECT_NEAR(apply(Activation::parse("tanh"), 0.5), std::tanh(0.5), 1e-15);
  EXPECT_NEAR(apply(Activation::parse("softplus"), 0.0), std::log(2.0), 1e-15);
  EXPECT_DOUBLE_EQ(apply(Activation::parse("softplus"), 800.0), 800.0);  // no overflow
  EXPECT_DOUBLE_EQ(apply(Activation::parse("identity"), -7.5), -7.5);
}

// L(Z) = Σ C ⊙ φ(Z) has dL/dZ = C ⊙ φ'(Z): backward with dA = C must match.
TEST(Activation, BackwardMatchesCentralDifferences) {
  for (const std::string& spec : testing::kEveryActivation) {
    SCOPED_TRACE(spec);
    const Activation act = Activation::parse(spec);
    Rng rng(7);
    Matrix<double> Z(5, 4), C(5, 4);
    for (Index i = 0; i < Z.size(); ++i) {
      double z = rng.uniform(-3.0, 3.0);
      if (std::abs(z) < 0.05) z += 0.1;  // away from the kink at 0
      Z(i) = z;
      C(i) = rng.normal();
    }
    Matrix<double> A, dZ;
    act.forward(Z, A);
    act.backward(Z, A, C, dZ);
    auto loss = [&](const Eigen::VectorXd& z) {
      Matrix<double> Zv = Eigen::Map<const Matrix<double>>(z.data(), 5, 4), Av;
      act.forward(Zv, Av);
      return (C.array() * Av.array()).sum();
    };
    const Eigen::VectorXd z = Eigen::Map<const Eigen::VectorXd>(Z.data(), Z.size());
    const Eigen::VectorXd analytic = Eigen::Map<const Eigen::VectorXd>(dZ.data(), dZ.size());
    EXPECT_LT(testing::relative_error(analytic, testing::numerical_gradient(loss, z)), 1e-8);
  }
}

TEST(Activation, FloatAgreesWithDouble) {
  for (const std::string& spec : testing::kEveryActivation) {
    const Activation act = Activation::parse(spec);
    Matrix<double> Z = Vector<double>::LinSpaced(21, -4.0, 4.0).transpose(), A;
    Matrix<float> Zf = Z.cast<float>(), Af;
    act.forward(Z, A);
    act.forward(Zf, Af);
    EXPECT_LT((A.cast<float>() - Af).cwiseAbs().maxCoeff(), 1e-5f) << spec;
  }
}

TEST(Activation, ParseAndName) {
  EXPECT_EQ(Activation::parse("leaky_relu").slope, 0.01);
  EXPECT_EQ(Activation::parse("leaky_relu:0.2").name(), "leaky_relu:0.2");
  EXPECT_EQ(Activation::parse("gelu").name(), "gelu");
  EXPECT_THROW(Activation::parse("swish"), Error);
  EXPECT_THROW(Activation::parse("relu:3"), Error);
  EXPECT_THROW(Activation::parse("leaky_relu:x"), Error);
  EXPECT_THROW(Activation::parse("leaky_relu:-1"), Error);
  EXPECT_EQ(Activation::parse("linear").kind, ActivationKind::identity);
  try {
    Activation::parse("swish");
    ADD_FAILURE() << "swish was accepted";
  } catch (const SettingError& e) {
    EXPECT_EQ(e.setting(), "activation");
    // The list of choices comes from the table: every row is named in it.
    for (const ActivationRow& row : activation_table())
      EXPECT_NE(std::string(e.what()).find(std::string(row.name)), std::string::npos) << row.name;
  }
}

// Each row is found by its own kind and its name (and alias) reads back to it.
TEST(ActivationTable, EveryRowParsesBackToItself) {
  for (const ActivationRow& row : activation_table()) {
    SCOPED_TRACE(std::string(row.name));
    const Activation a = Activation::parse(row.name);
    EXPECT_EQ(a.kind, row.kind);
    EXPECT_EQ(&a.row(), &row);
    EXPECT_EQ(Activation::parse(a.name()).kind, row.kind);
    if (!row.alias.empty()) {
      EXPECT_EQ(Activation::parse(row.alias).kind, row.kind);
    }
    EXPECT_FALSE(row.formula.empty());
  }
}

// The properties the diagnosis reads are true of the kernels: a unit that can die outputs
// exactly 0 on the negative half-line; derivative_share(φ(z)) is φ'(z) / max φ'; the
// second-moment gain of a positively homogeneous φ is E[φ(z)²] / E[z²] under N(0, 1).
TEST(ActivationTable, PropertiesAgreeWithTheKernels) {
  const Matrix<double> Z = Vector<double>::LinSpaced(4001, -8.0, 8.0).transpose();
  const Matrix<double> ones = Matrix<double>::Ones(1, Z.cols());
  for (const std::string& spec : testing::kEveryActivation) {
    SCOPED_TRACE(spec);
    const Activation act = Activation::parse(spec);
    Matrix<double> A, dZ;
    act.forward(Z, A);
    act.backward(Z, A, ones, dZ);
    const bool zero_below = (Z.array() < 0).select(A.array().abs(), 0.0).maxCoeff() == 0.0;
    EXPECT_EQ(act.can_die(), zero_below);
    if (act.can_saturate()) {
      const double peak = dZ.maxCoeff();
      for (Index j = 0; j < Z.cols(); j += 97)
        EXPECT_NEAR(act.derivative_share(A(0, j)), dZ(0, j) / peak, 1e-9) << Z(0, j);
    }
    if (act.kind == ActivationKind::relu || act.kind == ActivationKind::leaky_relu ||
        act.kind == ActivationKind::identity) {
      // Trapezoid rule against the standard normal density on [-8, 8].
      const double h = Z(0, 1) - Z(0, 0);
      const auto density = (-0.5 * Z.array().square()).exp() / std::sqrt(2 * M_PI);
      const double second = (A.array().square() * density).sum() * h;
      EXPECT_NEAR(act.second_moment_gain(), second, 1e-6);
    }
  }
}

}  // namespace
}  // namespace mlpscope
