// The fast passes (Network::forward, backward, backward_sgd; nn/dense.h's kernels) against
// the reference passes written as the maths reads (reference_forward, reference_backward
// and an SGD step over the reference gradient), in float64 and float32, for every
// activation and output/loss pair, at batch 1 (the sparse and fused kernels), small
// batches and batches large enough for blocked BLAS products.
//
// Tolerances: both paths compute the same sums in different orders (BLAS blocking, the
// zero-skipping column sums of batch 1), so they agree to a few units in the last place
// of each term. Relative to the norm of the result that is ≲ k·ε for sums of k terms of
// mixed sign: with k ≤ 800 here, 1e-12 in float64 (ε = 1.1e-16) and 2e-4 in float32
// (ε = 6e-8) hold with a wide margin, yet a wrong index, a missing bias or an update
// taken with the new W instead of the old one gives errors of order 1.
#include <gtest/gtest.h>

#include <limits>

#include "core/random.h"
#include "nn/dense.h"
#include "nn/network.h"

namespace mlpscope {
namespace {

template <class T>
double tolerance() {
  return std::is_same_v<T, double> ? 1e-12 : 2e-4;
}

template <class T>
double relative_difference(const Matrix<T>& a, const Matrix<T>& b) {
  return (a - b).template cast<double>().norm() / std::max(b.template cast<double>().norm(), 1e-30);
}

template <class T>
double relative_difference(const Vector<T>& a, const Vector<T>& b) {
  return (a - b).template cast<double>().norm() / std::max(b.template cast<double>().norm(), 1e-30);
}

struct Case {
  std::vector<Index> sizes;
  const char* activation;
  OutputKind output;
  LossKind loss;
  Index batch;
};

// Inputs with about a third exact zeros (as in images and ReLU outputs), so that the
// batch-1 kernels' zero skipping is exercised as well as their dense part.
template <class T>
Matrix<T> inputs(Index rows, Index cols, Rng& rng) {
  Matrix<T> X(rows, cols);
  for (Index i = 0; i < X.size(); ++i) X(i) = rng.below(3) == 0 ? T(0) : static_cast<T>(rng.normal());
  return X;
}

template <class T>
void compare(const Case& c, std::uint64_t seed) {
  SCOPED_TRACE(::testing::Message() << (std::is_same_v<T, double> ? "f64 " : "f32 ") << c.activation
                                    << " " << to_string(c.output) << "/" << to_string(c.loss)
                                    << " batch " << c.batch << " seed " << seed);
  Network<T> net(Architecture{c.sizes, Activation::parse(c.activation), Head::make(c.output, c.loss)});
  Rng rng(seed);
  net.initialize(Init::parse("xavier_normal"), BiasInit::parse("normal:0,0.1"), 1.0, rng);
  const Matrix<T> X = inputs<T>(c.sizes.front(), c.batch, rng);
  std::vector<std::int32_t> labels(static_cast<std::size_t>(c.batch));
  for (auto& y : labels) y = static_cast<std::int32_t>(rng.below(static_cast<std::uint32_t>(c.sizes.back())));

  Workspace<T> reference, fast;
  net.reference_forward(X, reference);
  // Stale NaN in the fast workspace: products with β = 0 must never read it.
  net.forward(X, fast);
  for (auto& Z : fast.Z) Z.setConstant(std::numeric_limits<T>::quiet_NaN());
  for (auto& A : fast.A) A.setConstant(std::numeric_limits<T>::quiet_NaN());
  for (auto& dZ : fast.dZ) dZ.setConstant(std::numeric_limits<T>::quiet_NaN());
  for (auto& dA : fast.dA) dA.setConstant(std::numeric_limits<T>::quiet_NaN());
  net.forward(X, fast);
  for (std::size_t l = 0; l < reference.Z.size(); ++l)
    EXPECT_LT(relative_difference<T>(fast.Z[l], reference.Z[l]), tolerance<T>()) << "Z of layer " << l + 1;
  for (std::size_t l = 0; l < reference.A.size(); ++l)
    EXPECT_LT(relative_difference<T>(fast.A[l], reference.A[l]), tolerance<T>()) << "A of layer " << l + 1;
  EXPECT_LT(relative_difference<T>(fast.P, reference.P), tolerance<T>()) << "outputs";

  net.reference_backward(X, labels.data(), reference);
  const Vector<T> reference_grads = net.grads();
  net.grads().setConstant(std::numeric_limits<T>::quiet_NaN());
  net.backward(X, labels.data(), fast);
  EXPECT_LT(relative_difference<T>(net.grads(), reference_grads), tolerance<T>()) << "gradients";

  // One fused SGD step against θ − lr·g of the reference gradient. lr = 0.5 makes the
  // update a sizeable part of θ, so that a missing or doubled update cannot hide.
  const T lr = T(0.5);
  const Vector<T> before = net.params();
  const Vector<T> expected = before - lr * reference_grads;
  const Vector<T> grads_before = net.grads();
  net.forward(X, fast);
  net.backward_sgd(X, labels.data(), fast, lr);
  // Each updated θ is rounded once more (to ε|θ|) on either path, so the bound adds 4ε‖θ‖
  // to the relative tolerance on the update itself.
  const double update = (expected - before).template cast<double>().norm();
  const double rounding = 4.0 * std::numeric_limits<T>::epsilon() * before.template cast<double>().norm();
  EXPECT_LT((net.params() - expected).template cast<double>().norm(), tolerance<T>() * update + rounding)
      << "SGD update";
  EXPECT_EQ(net.grads(), grads_before) << "backward_sgd must leave grads() alone";
}

TEST(FastPath, MatchesTheReferenceForEveryActivationHeadAndBatchSize) {
  const char* activations[] = {"relu", "leaky_relu:0.1", "elu", "gelu", "sigmoid", "tanh", "softplus", "identity"};
  const std::pair<OutputKind, LossKind> heads[] = {
      {OutputKind::softmax, LossKind::mse}, {OutputKind::softmax, LossKind::cross_entropy},
      {OutputKind::sigmoid, LossKind::bce}, {OutputKind::sigmoid, LossKind::mse},
      {OutputKind::identity, LossKind::mse}};
  std::uint64_t seed = 1;
  for (Index batch : {1, 2, 7})
    for (const char* act : activations)
      for (const auto& [output, loss] : heads) {
        const Case c{{6, 9, 7, 4}, act, output, loss, batch};
        compare<double>(c, seed);
        compare<float>(c, seed);
        ++seed;
      }
}

TEST(FastPath, MatchesTheReferenceOnBlockedShapes) {
  // Fashion-MNIST-like widths: the batch-1 kernels walk columns of 256, the batched ones
  // go through OpenBLAS's packed, blocked kernels; also a linear model (one layer only).
  const std::vector<Case> cases = {
      {{784, 64, 32, 10}, "relu", OutputKind::softmax, LossKind::cross_entropy, 1},
      {{784, 64, 32, 10}, "relu", OutputKind::softmax, LossKind::cross_entropy, 128},
      {{784, 64, 32, 10}, "tanh", OutputKind::softmax, LossKind::mse, 33},
      {{2, 32, 32, 2}, "relu", OutputKind::softmax, LossKind::cross_entropy, 400},
      {{50, 10}, "relu", OutputKind::softmax, LossKind::cross_entropy, 1},
      {{50, 10}, "relu", OutputKind::softmax, LossKind::cross_entropy, 20},
  };
  std::uint64_t seed = 1000;
  for (const Case& c : cases) {
    compare<double>(c, seed);
    compare<float>(c, seed);
    ++seed;
  }
}

TEST(FastPath, BatchOneSkipsZerosExactly) {
  // Zero inputs contribute nothing: the sparse product of an input with zeros equals the
  // dense product of the same input restricted to its nonzero entries, bit for bit when
  // every nonzero entry lies in one group of four columns.
  Matrix<double> flat(3, 6);
  flat << 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18;
  ConstMatrixMap<double> W(flat.data(), 3, 6);
  ConstVectorMap<double> b(flat.data(), 3);
  Matrix<double> x(6, 1), Z;
  x << 0, 2, 0, 0, -1, 0;
  dense_forward<double>(W, b, x, Z);
  for (Index i = 0; i < 3; ++i) EXPECT_EQ(Z(i, 0), 2 * flat(i, 1) - flat(i, 4) + flat(i, 0));
}

}  // namespace
}  // namespace mlpscope
