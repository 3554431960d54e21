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
  for (const char* spec : testing::kEveryActivation) {
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
  for (const char* spec : testing::kEveryActivation) {
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
  try {
    Activation::parse("swish");
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--activation"), std::string::npos);
  }
}

}  // namespace
}  // namespace mlpscope
