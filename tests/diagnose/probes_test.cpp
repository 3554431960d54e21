// Probes: layer_stats and output_stats on matrices built by hand, on each side of each
// probe threshold; Prober::measure against the network's own backward pass.
#include "diagnose/probes.h"

#include <gtest/gtest.h>

#include <cmath>

#include "data/load.h"
#include "diagnose/thresholds.h"

namespace mlpscope {
namespace {

namespace th = thresholds;

// Z = logit(A) for a sigmoid layer whose activations are given.
Matrix<double> sigmoid_preactivations(const Matrix<double>& A) {
  return (A.array() / (1.0 - A.array())).log().matrix();
}

// The sigmoid value whose derivative share 4a(1 − a) is `share`: a = (1 − sqrt(1 − share))/2.
double sigmoid_with_share(double share) { return (1.0 - std::sqrt(1.0 - share)) / 2.0; }

TEST(LayerStats, MeansAndStdsOfEveryEntry) {
  Matrix<double> Z(2, 2), A(2, 2);
  Z << 1, -1, 3, -3;
  A << 1, 0, 3, 0;
  const LayerStats s = layer_stats(Activation::parse("relu"), false, Z, A);
  EXPECT_DOUBLE_EQ(s.preact_mean, 0.0);
  EXPECT_DOUBLE_EQ(s.preact_std, std::sqrt(5.0));
  EXPECT_DOUBLE_EQ(s.act_mean, 1.0);
  EXPECT_DOUBLE_EQ(s.act_std, std::sqrt((0 + 1 + 4 + 1) / 4.0));
  EXPECT_FALSE(s.saturated_fraction.has_value());  // relu cannot saturate
}

TEST(LayerStats, DeadReluUnitsAreZeroOnEverySample) {
  Matrix<double> Z(4, 10);
  Z.setConstant(-1.0);
  Z.row(0).setConstant(2.0);  // alive everywhere
  Z(1, 7) = 0.5;              // alive on one sample only: not dead
  Matrix<double> A = Z.cwiseMax(0.0);
  const Activation relu = Activation::parse("relu");
  LayerStats s = layer_stats(relu, false, Z, A);
  ASSERT_TRUE(s.dead_fraction.has_value());
  EXPECT_DOUBLE_EQ(*s.dead_fraction, 0.5);  // rows 2 and 3
  A(3, 0) = 1e-30;                          // the tiniest output keeps a unit alive
  s = layer_stats(relu, false, Z, A);
  EXPECT_DOUBLE_EQ(*s.dead_fraction, 0.25);
  // The output layer reports neither dead nor saturated units.
  s = layer_stats(relu, true, Z, A);
  EXPECT_FALSE(s.dead_fraction.has_value());
  EXPECT_FALSE(s.saturated_fraction.has_value());
  // Leaky relu never outputs 0 for negative input: no dead fraction.
  EXPECT_FALSE(layer_stats(Activation::parse("leaky_relu"), false, Z, A).dead_fraction.has_value());
}

// Unit 0 is saturated on exactly 99% of 100 samples (kSaturatedSampleShare, inclusive),
// unit 1 on 98%.
TEST(LayerStats, SaturatedOnAtLeastTheSampleShare) {
  ASSERT_DOUBLE_EQ(th::kSaturatedSampleShare, 0.99);
  const Index samples = 100;
  Matrix<double> A(2, samples);
  A.setConstant(0.999);  // 4a(1 − a) = 0.004 < 0.01: saturated
  A(0, 0) = 0.5;
  A(1, 0) = A(1, 1) = 0.5;
  const LayerStats s =
      layer_stats(Activation::parse("sigmoid"), false, sigmoid_preactivations(A), A);
  ASSERT_TRUE(s.saturated_fraction.has_value());
  EXPECT_DOUBLE_EQ(*s.saturated_fraction, 0.5);
  EXPECT_FALSE(s.dead_fraction.has_value());
}

// The derivative share on each side of kSaturatedDerivativeShare, on every sample.
TEST(LayerStats, SaturatedBelowTheDerivativeShare) {
  ASSERT_DOUBLE_EQ(th::kSaturatedDerivativeShare, 0.01);
  const double below = 0.99 * th::kSaturatedDerivativeShare,
               above = 1.01 * th::kSaturatedDerivativeShare;
  Matrix<double> A(4, 20);
  A.row(0).setConstant(sigmoid_with_share(below));      // low side, saturated
  A.row(1).setConstant(1 - sigmoid_with_share(below));  // high side, saturated
  A.row(2).setConstant(sigmoid_with_share(above));      // not
  A.row(3).setConstant(1 - sigmoid_with_share(above));  // not
  const LayerStats s =
      layer_stats(Activation::parse("sigmoid"), false, sigmoid_preactivations(A), A);
  EXPECT_DOUBLE_EQ(*s.saturated_fraction, 0.5);

  // tanh: share 1 − a², saturated for |a| > sqrt(1 − 0.01) ≈ 0.995.
  Matrix<double> T(3, 20);
  T.row(0).setConstant(std::sqrt(1 - below));
  T.row(1).setConstant(-std::sqrt(1 - below));
  T.row(2).setConstant(std::sqrt(1 - above));
  const Matrix<double> TZ = T.array().atanh().matrix();
  const LayerStats t = layer_stats(Activation::parse("tanh"), false, TZ, T);
  EXPECT_DOUBLE_EQ(*t.saturated_fraction, 2.0 / 3.0);
}

TEST(OutputStats, ConfidenceMajorityAndClasses) {
  ASSERT_DOUBLE_EQ(th::kConfidentProbability, 0.99);
  Matrix<double> P(3, 5);
  P.col(0) << 0.995, 0.004, 0.001;  // confident, class 0
  P.col(1) << 0.985, 0.010, 0.005;  // just below: not confident, class 0
  P.col(2) << 0.2, 0.7, 0.1;        // class 1
  P.col(3) << 0.005, 0.0, 0.995;    // confident, class 2
  P.col(4) << 0.6, 0.3, 0.1;        // class 0
  const OutputStats o = output_stats(P);
  EXPECT_DOUBLE_EQ(o.mean_top_probability, (0.995 + 0.985 + 0.7 + 0.995 + 0.6) / 5);
  EXPECT_DOUBLE_EQ(o.confident_fraction, 0.4);
  EXPECT_DOUBLE_EQ(o.majority_fraction, 0.6);
  EXPECT_EQ(o.predicted_classes, 3);

  Matrix<double> same(4, 3);
  same.setConstant(0.1);
  same.row(2).setConstant(0.7);
  const OutputStats one = output_stats(same);
  EXPECT_DOUBLE_EQ(one.majority_fraction, 1.0);
  EXPECT_EQ(one.predicted_classes, 1);
  EXPECT_DOUBLE_EQ(one.confident_fraction, 0.0);
}

// A small tanh network on three Gaussian blobs, the whole set as the probe set.
struct ProbeFixture {
  DataPair data;
  Network<double> net;
  ProbeFixture()
      : data(load_data("gaussians:n=200,classes=3")),
        net(Architecture{{2, 8, 6, 3},
                         Activation::parse("tanh"),
                         Head::make(OutputKind::softmax, LossKind::cross_entropy)}) {
    Rng rng(5);
    net.initialize(Init::parse("xavier_normal"), BiasInit::parse("normal:0,0.1"), 1.0, rng);
  }
};

TEST(Prober, GradientNormsMatchTheNetworksBackward) {
  ProbeFixture f;
  Prober<double> prober(f.data.train, 1000, 0, -1);
  ASSERT_EQ(prober.inputs().cols(), 200);  // fewer samples than asked: all of them, in order
  Network<double> reference = f.net;
  Workspace<double> ws;
  reference.forward(prober.inputs(), ws);
  Eigen::VectorXd grads;
  reference.backward(prober.inputs(), prober.labels().data(), ws, grads);

  EpochRecord record;
  prober.measure(f.net, nullptr, record);
  ASSERT_EQ(record.layers.size(), 3u);
  const Architecture& arch = f.net.arch();
  for (Index l = 0; l < arch.num_layers(); ++l) {
    const auto& s = record.layers[static_cast<std::size_t>(l)];
    const Index begin = arch.offset(l), count = arch.offset(l + 1) - begin;
    EXPECT_NEAR(s.grad_norm, grads.segment(begin, count).norm(), 1e-12) << "layer " << l + 1;
    EXPECT_NEAR(s.weight_norm, f.net.W(l).norm(), 1e-12);
    EXPECT_FALSE(s.update_ratio.has_value());
  }
  EXPECT_TRUE(record.layers[0].saturated_fraction.has_value());
  EXPECT_FALSE(record.layers[2].saturated_fraction.has_value());  // the output layer
  // The output layer's A is the softmax output P.
  EXPECT_NEAR(record.layers[2].act_mean, 1.0 / 3.0, 1e-12);
  ASSERT_TRUE(record.output.has_value());
  EXPECT_DOUBLE_EQ(record.output->mean_top_probability, output_stats(ws.P).mean_top_probability);
  // Cross-entropy's per-sample gradient at the logits is p − y.
  double logit_gradient = 0.0;
  for (Index j = 0; j < ws.P.cols(); ++j) {
    Eigen::VectorXd g = ws.P.col(j);
    g(prober.labels()[static_cast<std::size_t>(j)]) -= 1.0;
    logit_gradient += g.norm();
  }
  EXPECT_NEAR(record.output->logit_gradient, logit_gradient / 200.0, 1e-12);
  EXPECT_FALSE(record.sharpness.has_value());  // sharpness_every < 0: never
}

TEST(Prober, UpdateRatioIsTheStepAgainstThePreviousParameters) {
  ProbeFixture f;
  Prober<double> prober(f.data.train, 1000, 0, -1);
  Eigen::VectorXd previous = f.net.params();
  Rng rng(9);
  for (Index i = 0; i < previous.size(); ++i) previous(i) += 1e-3 * rng.normal();
  EpochRecord record;
  prober.measure(f.net, &previous, record);
  const Architecture& arch = f.net.arch();
  for (Index l = 0; l < arch.num_layers(); ++l) {
    const Index begin = arch.offset(l), count = arch.offset(l + 1) - begin;
    const double expected =
        (f.net.params().segment(begin, count) - previous.segment(begin, count)).norm() /
        previous.segment(begin, count).norm();
    ASSERT_TRUE(record.layers[static_cast<std::size_t>(l)].update_ratio.has_value());
    EXPECT_NEAR(*record.layers[static_cast<std::size_t>(l)].update_ratio, expected, 1e-15)
        << "layer " << l + 1;
  }
}

TEST(Prober, OnlyReadsTheNetwork) {
  ProbeFixture f;
  const Eigen::VectorXd params = f.net.params();
  Prober<double> prober(f.data.train, 1000, 0, 0);
  EpochRecord record;
  prober.measure(f.net, nullptr, record);
  EXPECT_EQ(f.net.params(), params);
}

TEST(Prober, SamplesASubsetOfTheTrainingData) {
  ProbeFixture f;
  Prober<double> prober(f.data.train, 50, 3, -1);
  ASSERT_EQ(prober.inputs().cols(), 50);
  ASSERT_EQ(prober.labels().size(), 50u);
  // Every probe sample is a training sample with its own label.
  Matrix<double> all;
  std::vector<std::int32_t> labels(200);
  f.data.train.gather_range(0, 200, all, labels.data());
  for (Index j = 0; j < 50; ++j) {
    Index match = -1;
    for (Index i = 0; i < 200 && match < 0; ++i)
      if (all.col(i) == prober.inputs().col(j)) match = i;
    ASSERT_GE(match, 0) << "probe sample " << j;
    EXPECT_EQ(labels[static_cast<std::size_t>(match)],
              prober.labels()[static_cast<std::size_t>(j)]);
  }
  // The same seed draws the same sample.
  Prober<double> again(f.data.train, 50, 3, -1);
  EXPECT_EQ(again.inputs(), prober.inputs());
}

TEST(Prober, SharpnessAtInitializationAndEveryNEpochs) {
  ProbeFixture f;
  auto measured = [&](int every, int epoch, bool within_epoch) {
    Prober<double> prober(f.data.train, 1000, 0, every);
    EpochRecord record;
    record.epoch = epoch;
    record.within_epoch = within_epoch;
    prober.measure(f.net, nullptr, record);
    return record.sharpness.has_value();
  };
  EXPECT_TRUE(measured(0, 0, false));
  EXPECT_FALSE(measured(0, 3, false));
  EXPECT_TRUE(measured(2, 4, false));
  EXPECT_FALSE(measured(2, 3, false));
  EXPECT_FALSE(measured(2, 4, true));
  EXPECT_FALSE(measured(-1, 0, false));
}

}  // namespace
}  // namespace mlpscope
