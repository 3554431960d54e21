// The fast passes (Network::forward, backward; FusedSgd::step and step_then_forward,
// nn/dense.h's kernels) against
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
#include "core/spin_worker.h"
#include "nn/dense.h"
#include "nn/network.h"
#include "support/fixtures.h"
#include "train/fused_sgd.h"
#include "train/sgd_kernels.h"

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
  for (Index i = 0; i < X.size(); ++i)
    X(i) = rng.below(3) == 0 ? T(0) : static_cast<T>(rng.normal());
  return X;
}

template <class T>
void compare(const Case& c, std::uint64_t seed) {
  SCOPED_TRACE(::testing::Message() << (std::is_same_v<T, double> ? "f64 " : "f32 ") << c.activation
                                    << " " << to_string(c.output) << "/" << to_string(c.loss)
                                    << " batch " << c.batch << " seed " << seed);
  Network<T> net(
      Architecture{c.sizes, Activation::parse(c.activation), Head::make(c.output, c.loss)});
  Rng rng(seed);
  net.initialize(Init::parse("xavier_normal"), BiasInit::parse("normal:0,0.1"), 1.0, rng);
  const Matrix<T> X = inputs<T>(c.sizes.front(), c.batch, rng);
  const std::vector<std::int32_t> labels = testing::random_labels(c.batch, c.sizes.back(), rng);

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
    EXPECT_LT(relative_difference<T>(fast.Z[l], reference.Z[l]), tolerance<T>())
        << "Z of layer " << l + 1;
  for (std::size_t l = 0; l < reference.A.size(); ++l)
    EXPECT_LT(relative_difference<T>(fast.A[l], reference.A[l]), tolerance<T>())
        << "A of layer " << l + 1;
  EXPECT_LT(relative_difference<T>(fast.P, reference.P), tolerance<T>()) << "outputs";

  Vector<T> reference_grads;
  net.reference_backward(X, labels.data(), reference, reference_grads);
  // Stale NaN in the gradient: backward must overwrite every entry.
  Vector<T> grads = Vector<T>::Constant(net.params().size(), std::numeric_limits<T>::quiet_NaN());
  net.backward(X, labels.data(), fast, grads);
  EXPECT_LT(relative_difference<T>(grads, reference_grads), tolerance<T>()) << "gradients";

  // One fused SGD step against θ − lr·g of the reference gradient. lr = 0.5 makes the
  // update a sizeable part of θ, so that a missing or doubled update cannot hide.
  const T lr = T(0.5);
  const Vector<T> before = net.params();
  const Vector<T> expected = before - lr * reference_grads;
  net.forward(X, fast);
  FusedSgd<T>().step(net, X, labels.data(), fast, lr);
  // Each updated θ is rounded once more (to ε|θ|) on either path, so the bound adds 4ε‖θ‖
  // to the relative tolerance on the update itself.
  const double update = (expected - before).template cast<double>().norm();
  const double rounding =
      4.0 * std::numeric_limits<T>::epsilon() * before.template cast<double>().norm();
  EXPECT_LT((net.params() - expected).template cast<double>().norm(),
            tolerance<T>() * update + rounding)
      << "SGD update";
}

TEST(FastPath, MatchesTheReferenceForEveryActivationHeadAndBatchSize) {
  std::uint64_t seed = 1;
  for (Index batch : {1, 2, 7})
    for (const std::string& act : testing::kEveryActivation)
      for (const auto& [output, loss] : testing::kEveryHead) {
        const Case c{{6, 9, 7, 4}, act.c_str(), output, loss, batch};
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

// Online SGD's look-ahead: FusedSgd::step_then_forward against FusedSgd::step followed by
// forward on the next sample, over a chain of samples. Both compute the same sums in the
// same order, so parameters and every activation must agree to the bit.
template <class T>
void expect_step_then_forward_exact(const Case& c, std::uint64_t seed) {
  SCOPED_TRACE(::testing::Message()
               << (std::is_same_v<T, double> ? "f64 " : "f32 ") << c.activation << " "
               << to_string(c.output) << "/" << to_string(c.loss) << " seed " << seed);
  Network<T> separate(
      Architecture{c.sizes, Activation::parse(c.activation), Head::make(c.output, c.loss)});
  Rng rng(seed);
  separate.initialize(Init::parse("he_uniform"), BiasInit::parse("normal:0,0.1"), 1.0, rng);
  Network<T> fused = separate;
  const Vector<T> initial = separate.params();
  const int samples = 12;
  const Matrix<T> data = inputs<T>(c.sizes.front(), samples, rng);
  const std::vector<std::int32_t> labels = testing::random_labels(samples, c.sizes.back(), rng);
  const T lr = T(0.3);  // large enough that every step moves every touched weight
  Workspace<T> ws_separate, ws_fused;
  FusedSgd<T> sgd;
  Matrix<T> x = data.col(0), x_next;
  separate.forward(x, ws_separate);
  fused.forward(x, ws_fused);
  for (int s = 0; s + 1 < samples; ++s) {
    x_next = data.col(s + 1);
    sgd.step(separate, x, &labels[static_cast<std::size_t>(s)], ws_separate, lr);
    separate.forward(x_next, ws_separate);
    sgd.step_then_forward(fused, x, &labels[static_cast<std::size_t>(s)], ws_fused, lr, x_next,
                          nullptr);
    ASSERT_TRUE(fused.params() == separate.params()) << "parameters after step " << s + 1;
    ASSERT_TRUE(ws_fused.P == ws_separate.P) << "outputs for sample " << s + 2;
    for (std::size_t l = 0; l < ws_separate.Z.size(); ++l)
      ASSERT_TRUE(ws_fused.Z[l] == ws_separate.Z[l])
          << "Z of layer " << l + 1 << " for sample " << s + 2;
    for (std::size_t l = 0; l < ws_separate.A.size(); ++l)
      ASSERT_TRUE(ws_fused.A[l] == ws_separate.A[l])
          << "A of layer " << l + 1 << " for sample " << s + 2;
    x = x_next;
  }
  EXPECT_FALSE(fused.params() == initial) << "the steps moved nothing";
}

TEST(FastPath, OnlineStepThenForwardMatchesStepAndForwardToTheBit) {
  const std::vector<Case> cases = {
      {{784, 64, 32, 10}, "relu", OutputKind::softmax, LossKind::cross_entropy, 1},
      {{784, 64, 32, 10}, "relu", OutputKind::softmax, LossKind::mse, 1},
      {{6, 9, 7, 4}, "tanh", OutputKind::sigmoid, LossKind::bce, 1},
      {{50, 10}, "relu", OutputKind::softmax, LossKind::cross_entropy, 1},  // one layer
  };
  std::uint64_t seed = 2000;
  for (const Case& c : cases) {
    expect_step_then_forward_exact<double>(c, seed);
    expect_step_then_forward_exact<float>(c, seed);
    ++seed;
  }
}

// With a helper thread the two threads walk half of the first layer's columns each and the
// helper's share of the product is added last: the same values to rounding, and the same
// bits from one run to the next.
template <class T>
void expect_split_close_and_repeatable(const Case& c, std::uint64_t seed) {
  SCOPED_TRACE(::testing::Message() << (std::is_same_v<T, double> ? "f64 " : "f32 ") << c.activation
                                    << " seed " << seed);
  Network<T> one(
      Architecture{c.sizes, Activation::parse(c.activation), Head::make(c.output, c.loss)});
  Rng rng(seed);
  one.initialize(Init::parse("he_uniform"), BiasInit::parse("normal:0,0.1"), 1.0, rng);
  Network<T> split = one, split_again = one;
  const int samples = 12;
  const Matrix<T> data = inputs<T>(c.sizes.front(), samples, rng);
  const std::vector<std::int32_t> labels = testing::random_labels(samples, c.sizes.back(), rng);
  const T lr = T(0.3);
  Workspace<T> ws_one, ws_split, ws_again;
  Matrix<T> x = data.col(0), x_next;
  one.forward(x, ws_one);
  split.forward(x, ws_split);
  split_again.forward(x, ws_again);
  SpinWorker helper;
  FusedSgd<T> sgd;
  for (int s = 0; s + 1 < samples; ++s) {
    x_next = data.col(s + 1);
    const std::int32_t* y = &labels[static_cast<std::size_t>(s)];
    sgd.step_then_forward(one, x, y, ws_one, lr, x_next, nullptr);
    sgd.step_then_forward(split, x, y, ws_split, lr, x_next, &helper);
    sgd.step_then_forward(split_again, x, y, ws_again, lr, x_next, &helper);
    x = x_next;
  }
  EXPECT_LT(relative_difference<T>(split.params(), one.params()), tolerance<T>()) << "parameters";
  EXPECT_LT(relative_difference<T>(ws_split.P, ws_one.P), tolerance<T>()) << "outputs";
  EXPECT_TRUE(split.params() == split_again.params()) << "the split walk is not repeatable";
  EXPECT_TRUE(ws_split.P == ws_again.P);
}

TEST(FastPath, OnlineStepSplitBetweenTwoThreadsMatchesOneThread) {
  const std::vector<Case> cases = {
      {{784, 64, 32, 10}, "relu", OutputKind::softmax, LossKind::cross_entropy, 1},
      {{130, 20, 3}, "tanh", OutputKind::softmax, LossKind::mse, 1},  // odd column count
  };
  std::uint64_t seed = 3000;
  for (const Case& c : cases) {
    expect_split_close_and_repeatable<double>(c, seed);
    expect_split_close_and_repeatable<float>(c, seed);
    ++seed;
  }
}

TEST(FastPath, ColumnRangesOfTheStepThenForwardWalkAddUpToTheWhole) {
  // Two ranges walked separately (as two threads do) update the same columns to the same
  // bits; their products, added, equal the whole walk's up to rounding.
  Rng rng(77);
  Matrix<double> W0(6, 9);
  for (Index i = 0; i < W0.size(); ++i) W0(i) = rng.normal();
  const Matrix<double> x = inputs<double>(9, 1, rng), x_next = inputs<double>(9, 1, rng);
  Vector<double> b0 = Vector<double>::Constant(6, 0.25), delta(6);
  for (Index i = 0; i < 6; ++i) delta(i) = rng.normal();
  Matrix<double> W_whole = W0, W_parts = W0;
  Vector<double> b_whole = b0;
  MatrixMap<double> Ww(W_whole.data(), 6, 9), Wp(W_parts.data(), 6, 9);
  VectorMap<double> bw(b_whole.data(), 6);
  Vector<double> z_whole(6), z_low = Vector<double>::Zero(6), z_high = Vector<double>::Zero(6);
  dense_sgd_step_then_forward<double>(Ww, bw, x.data(), delta.data(), 0.5, x_next.data(),
                                      z_whole.data());
  dense_sgd_step_then_forward_columns<double>(Wp, x.data(), delta.data(), 0.5, x_next.data(), 0, 4,
                                              z_low.data());
  dense_sgd_step_then_forward_columns<double>(Wp, x.data(), delta.data(), 0.5, x_next.data(), 4, 5,
                                              z_high.data());
  EXPECT_TRUE(W_parts == W_whole);
  const Vector<double> z_parts = b_whole + z_low + z_high;
  EXPECT_LT((z_parts - z_whole).norm(), 1e-12 * z_whole.norm());
}

TEST(FastPath, StepThenForwardKernelIsTheStepThenTheProduct) {
  // dense_sgd_step_then_forward against its definition written out by hand on a 2×5
  // layer: W ← W − lr·δ xᵀ, b ← b − lr·δ, z = W x_next + b; x and x_next have zeros in
  // different places, so columns updated but not read, read but not updated, both and
  // neither all occur. Small integers and lr = 0.5 keep every value exact.
  Matrix<double> W0(2, 5);
  W0 << 1, 2, 3, 4, 5, -1, -2, -3, -4, -5;
  Vector<double> b0(2);
  b0 << 0.5, -0.5;
  const double x[5] = {2, 0, 1, 0, 0}, x_next[5] = {0, 1, 3, 0, -2}, delta[2] = {1, -2};
  Matrix<double> W = W0;
  Vector<double> b = b0;
  MatrixMap<double> Wm(W.data(), 2, 5);
  VectorMap<double> bm(b.data(), 2);
  double z[2];
  dense_sgd_step_then_forward<double>(Wm, bm, x, delta, 0.5, x_next, z);
  for (Index i = 0; i < 2; ++i) {
    double expected_z = b0(i) - 0.5 * delta[i];
    EXPECT_EQ(b(i), expected_z);
    for (Index j = 0; j < 5; ++j) {
      const double w = W0(i, j) - 0.5 * delta[i] * x[j];
      EXPECT_EQ(W(i, j), w) << "W(" << i << ", " << j << ")";
      expected_z += w * x_next[j];
    }
    EXPECT_EQ(z[i], expected_z) << "z[" << i << "]";
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
