#include "nn/network.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "nn/dense.h"
#include "support/fixtures.h"
#include "support/gradient_check.h"

namespace mlpscope {
namespace {

using testing::make_arch;

// Mean loss of the batch as a function of the flat parameter vector.
double mean_loss(Network<double>& net, const Eigen::VectorXd& params, const Matrix<double>& X,
                 const std::int32_t* labels) {
  net.params() = params;
  Workspace<double> ws;
  net.forward(X, ws);
  return net.loss_sum(ws, labels) / static_cast<double>(X.cols());
}

double network_gradient_error(const Architecture& arch, std::uint64_t seed) {
  Network<double> net(arch);
  Rng rng(seed);
  net.initialize(Init::parse("xavier_normal"), BiasInit::parse("normal:0,0.1"), 1.0, rng);
  const Index N = 5;
  const Matrix<double> X = testing::normal_matrix(arch.sizes.front(), N, rng);
  const std::vector<std::int32_t> labels = testing::random_labels(N, arch.sizes.back(), rng);

  Workspace<double> ws;
  net.forward(X, ws);
  Eigen::VectorXd analytic;
  net.backward(X, labels.data(), ws, analytic);
  const Eigen::VectorXd params = net.params();
  const Eigen::VectorXd numeric = testing::numerical_gradient(
      [&](const Eigen::VectorXd& p) { return mean_loss(net, p, X, labels.data()); }, params);
  return testing::relative_error(analytic, numeric);
}

TEST(Dense, ForwardAndBackwardByHand) {
  Eigen::VectorXd flat(8);
  flat << 1, 3, 2, 4, 5, 6, 0.5, -0.5;  // W = [[1,2,5],[3,4,6]] column-major, b = (0.5,-0.5)
  ConstMatrixMap<double> W(flat.data(), 2, 3);
  ConstVectorMap<double> b(flat.data() + 6, 2);
  Matrix<double> X(3, 1), Z;
  X << 1, 1, 1;
  dense_forward<double>(W, b, X, Z);
  EXPECT_DOUBLE_EQ(Z(0, 0), 8.5);
  EXPECT_DOUBLE_EQ(Z(1, 0), 12.5);
  Eigen::VectorXd grads(8);
  MatrixMap<double> dW(grads.data(), 2, 3);
  VectorMap<double> db(grads.data() + 6, 2);
  Matrix<double> dZ(2, 1), dX;
  dZ << 1, 2;
  dense_backward<double>(W, X, dZ, dW, db, &dX);
  EXPECT_DOUBLE_EQ(dX(0, 0), 1 * 1 + 3 * 2);
  EXPECT_DOUBLE_EQ(dX(2, 0), 5 * 1 + 6 * 2);
  EXPECT_DOUBLE_EQ(db(1), 2.0);
  EXPECT_DOUBLE_EQ(dW(1, 2), 2.0);
}

// Every activation, every output/loss pair, depth 1 to 4: whole-network gradient check.
TEST(Network, GradientMatchesCentralDifferencesAtEveryDepth) {
  const std::vector<std::vector<Index>> shapes = {{3, 4}, {3, 5, 4}, {3, 6, 5, 4}, {3, 5, 6, 4, 3}};
  std::uint64_t seed = 1;
  for (const auto& sizes : shapes)
    for (const std::string& act : testing::kEveryActivation)
      for (const auto& [output, loss] : testing::kEveryHead) {
        const Architecture arch = make_arch(sizes, act.c_str(), output, loss);
        SCOPED_TRACE(arch.describe() + " " + act + " " + to_string(output) + "+" + to_string(loss));
        EXPECT_LT(network_gradient_error(arch, seed++), 1e-6);
      }
}

TEST(Network, BackwardOverwritesGradients) {
  const Architecture arch =
      make_arch({2, 3, 2}, "tanh", OutputKind::softmax, LossKind::cross_entropy);
  Network<double> net(arch);
  Rng rng(3);
  net.initialize(Init::parse("he_normal"), BiasInit{}, 1.0, rng);
  Matrix<double> X(2, 4);
  X.setRandom();
  std::int32_t labels[4] = {0, 1, 1, 0};
  Workspace<double> ws;
  net.forward(X, ws);
  Eigen::VectorXd once, twice = Eigen::VectorXd::Constant(net.params().size(), 7.0);
  net.backward(X, labels, ws, once);
  net.backward(X, labels, ws, twice);
  EXPECT_EQ(once, twice);
}

TEST(Network, FlatLayoutViewsAndLinearModel) {
  const Architecture arch = make_arch({4, 3}, "relu", OutputKind::softmax, LossKind::cross_entropy);
  Network<float> net(arch);  // --hidden none: one layer
  EXPECT_EQ(net.num_layers(), 1);
  EXPECT_EQ(net.params().size(), 4 * 3 + 3);
  net.W(0)(2, 1) = 5.0f;
  EXPECT_EQ(net.params()(1 * 3 + 2), 5.0f);  // column-major: (row 2, col 1) at 1·out + 2
  net.b(0)(1) = -1.0f;
  EXPECT_EQ(net.params()(12 + 1), -1.0f);
}

TEST(Network, RejectsBadShapes) {
  EXPECT_THROW(Network<float>(make_arch({4, 0, 3}, "relu", OutputKind::softmax, LossKind::mse)),
               Error);
  EXPECT_THROW(Network<float>(make_arch({100000, 100000, 100000, 3}, "relu", OutputKind::softmax,
                                        LossKind::mse)),
               Error);
  const Architecture arch = make_arch({4, 3}, "relu", OutputKind::softmax, LossKind::mse);
  Network<float> net(arch);
  Matrix<float> X(5, 2);
  Workspace<float> ws;
  EXPECT_THROW(net.forward(X, ws), Error);
}

TEST(Network, FloatTracksDouble) {
  const Architecture arch =
      make_arch({5, 8, 8, 3}, "gelu", OutputKind::softmax, LossKind::cross_entropy);
  Network<double> nd(arch);
  Network<float> nf(arch);
  Rng r1(9), r2(9);
  nd.initialize(Init::parse("he_normal"), BiasInit{}, 1.0, r1);
  nf.initialize(Init::parse("he_normal"), BiasInit{}, 1.0, r2);
  EXPECT_LT((nd.params().cast<float>() - nf.params()).cwiseAbs().maxCoeff(), 1e-7f);
  Matrix<double> X(5, 3);
  X.setRandom();
  Matrix<float> Xf = X.cast<float>();
  Workspace<double> wd;
  Workspace<float> wf;
  nd.forward(X, wd);
  nf.forward(Xf, wf);
  EXPECT_LT((wd.P.cast<float>() - wf.P).cwiseAbs().maxCoeff(), 1e-5f);
}

}  // namespace
}  // namespace mlpscope
