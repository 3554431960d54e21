// Mean-field variance propagation: the Gaussian moments of each activation against closed
// forms, the layer-to-layer rule against its algebra, and the predictions against the
// pre-activations of real wide networks.
#include "diagnose/theory.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <numbers>

#include "diagnose/probes.h"
#include "support/fixtures.h"

namespace mlpscope {
namespace {

using testing::make_arch;

double Phi(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }
double phi(double x) { return std::exp(-x * x / 2) / std::sqrt(2 * std::numbers::pi); }

// E[f(z)], z ~ N(m, s²), by the trapezoid rule on a fine grid over ±12 s: the reference
// for activations without a closed form.
template <class F>
double gaussian_expectation(F f, double m, double s) {
  const int n = 40000;
  const double h = 24.0 / n;
  double sum = 0.0;
  for (int i = 0; i <= n; ++i) {
    const double t = -12.0 + i * h;
    sum += (i == 0 || i == n ? 0.5 : 1.0) * f(m + s * t) * phi(t);
  }
  return sum * h;
}

TEST(Theory, ReluMomentsMatchClosedForm) {
  const Activation relu = Activation::parse("relu");
  double worst1 = 0.0, worst2 = 0.0;
  for (double m : {-2.0, -0.5, 0.0, 0.3, 1.0, 3.0})
    for (double s : {0.1, 1.0, 2.5}) {
      const auto [m1, m2] = gaussian_activation_moments(relu, m, s);
      const double r = m / s;
      const double e1 = m * Phi(r) + s * phi(r);
      const double e2 = (m * m + s * s) * Phi(r) + m * s * phi(r);
      // The kink at 0 limits 64-point Gauss–Hermite quadrature (the error of E|Z| falls
      // only as 1/n): measured up to 4.7e-3·s on the mean, 4e-4·s² on the second moment.
      EXPECT_NEAR(m1, e1, 6e-3 * s) << "m " << m << " s " << s;
      EXPECT_NEAR(m2, e2, 1e-3 * s * s) << "m " << m << " s " << s;
      worst1 = std::max(worst1, std::abs(m1 - e1) / s);
      worst2 = std::max(worst2, std::abs(m2 - e2) / (s * s));
    }
  std::printf("relu moments: worst error %.2e·s (mean), %.2e·s² (second moment)\n", worst1, worst2);
  // At m = 0 the nodes are symmetric and relu² is z² on one half: exact.
  const auto [m1, m2] = gaussian_activation_moments(relu, 0.0, 2.0);
  EXPECT_NEAR(m2, 2.0, 1e-12);
  EXPECT_NEAR(m1, 2.0 * phi(0.0), 1e-2);
}

TEST(Theory, IdentityMomentsAreExact) {
  const Activation identity = Activation::parse("identity");
  for (double m : {-1.5, 0.0, 2.0})
    for (double s : {0.5, 3.0}) {
      const auto [m1, m2] = gaussian_activation_moments(identity, m, s);
      EXPECT_NEAR(m1, m, 1e-12);
      EXPECT_NEAR(m2, m * m + s * s, 1e-11 * (m * m + s * s));
    }
}

TEST(Theory, SmoothActivationsMatchNumericalIntegration) {
  const auto sig = [](double z) { return 1 / (1 + std::exp(-z)); };
  const auto square = [](auto f) { return [f](double z) { return f(z) * f(z); }; };
  const auto tanh_fn = [](double z) { return std::tanh(z); };
  for (const char* name : {"tanh", "sigmoid"}) {
    const Activation act = Activation::parse(name);
    const bool is_tanh = act.kind == ActivationKind::tanh;
    const std::function<double(double)> f = is_tanh ? std::function<double(double)>(tanh_fn) : sig;
    for (double m : {0.0, 0.7})
      for (double s : {0.5, 1.0, 2.0, 4.0}) {
        const auto [m1, m2] = gaussian_activation_moments(act, m, s);
        const double e1 = gaussian_expectation(f, m, s), e2 = gaussian_expectation(square(f), m, s);
        // tanh(s·t) has poles at t = ±iπ/(2s): the wider the Gaussian, the slower 64-point
        // Gauss–Hermite converges (about 1e-2 at s = 4, measured).
        const double tolerance = s <= 1.0 ? 1e-8 : s <= 2.0 ? 2e-4 : 2e-2;
        EXPECT_NEAR(m1, e1, tolerance) << name << " m " << m << " s " << s;
        EXPECT_NEAR(m2, e2, tolerance) << name << " m " << m << " s " << s;
      }
    // Symmetry: tanh is odd and sigmoid(z) − 1/2 is odd; the nodes are symmetric.
    EXPECT_NEAR(gaussian_activation_moments(act, 0.0, 3.0).first, is_tanh ? 0.0 : 0.5, 1e-14);
  }
}

TEST(Theory, InputMomentsByHand) {
  Matrix<double> X(2, 3);
  X << 1, 0, -2,  //
      3, 1, 2;
  const InputMoments m = input_moments(X);
  // column sums 4, 1, 0; squared norms 10, 1, 8
  EXPECT_DOUBLE_EQ(m.sum, 5.0 / 3);
  EXPECT_DOUBLE_EQ(m.sum_squared, 17.0 / 3);
  EXPECT_DOUBLE_EQ(m.norm_squared, 19.0 / 3);
}

// Uniform[−a, a] weights, zero biases, relu: Var z₁ = (a²/3)·E‖x‖², and every later layer
// multiplies the second moment by n·(a²/3)/2, n its fan-in.
TEST(Theory, ReluUniformFollowsTheRule) {
  const double a = 0.3;
  const Architecture arch = make_arch({5, 40, 30, 20, 4}, "relu");
  const InputMoments in{0.2, 3.0, 2.5};
  const auto p = predict_preactivations(arch, Init::parse("uniform:-0.3,0.3"), BiasInit{}, 1.0, in);
  ASSERT_EQ(p.size(), 4u);
  double second = a * a / 3 * in.norm_squared;
  for (std::size_t l = 0; l < p.size(); ++l) {
    EXPECT_NEAR(p[l].preact_mean, 0.0, 1e-15);
    EXPECT_NEAR(p[l].preact_std * p[l].preact_std, second, 1e-12 * second) << "layer " << l + 1;
    if (l + 1 < p.size()) second *= static_cast<double>(arch.sizes[l + 1]) * (a * a / 3) / 2;
  }
  // --init-scale c multiplies every layer's std by c^l.
  const auto scaled =
      predict_preactivations(arch, Init::parse("uniform:-0.3,0.3"), BiasInit{}, 2.0, in);
  for (std::size_t l = 0; l < p.size(); ++l)
    EXPECT_NEAR(scaled[l].preact_std, std::pow(2.0, static_cast<double>(l + 1)) * p[l].preact_std,
                1e-12 * scaled[l].preact_std);
}

TEST(Theory, HeNormalKeepsTheScaleAndIsItsOwnReference) {
  const Architecture arch = make_arch({5, 64, 64, 64, 3}, "relu");
  const InputMoments in{0.0, 5.0, 5.0};
  const auto p = predict_preactivations(arch, Init::parse("he_normal"), BiasInit{}, 1.0, in);
  for (const auto& layer : p) {
    EXPECT_NEAR(layer.he_ratio, 1.0, 1e-12);
    EXPECT_NEAR(layer.preact_std, layer.he_std, 1e-12);
  }
  // He: Var z₁ = (2/d)·E‖x‖², then the scale is kept.
  EXPECT_NEAR(p[0].preact_std, std::sqrt(2.0 / 5 * 5.0), 1e-12);
  EXPECT_NEAR(p[3].preact_std, p[0].preact_std, 1e-12);
  // uniform[−1,1] on width 64: each relu layer multiplies the variance by 64/6 against He's 1.
  const auto u = predict_preactivations(arch, Init::parse("uniform:-1,1"), BiasInit{}, 1.0, in);
  double ratio = std::sqrt((1.0 / 3) / (2.0 / 5));
  for (std::size_t l = 0; l < u.size(); ++l) {
    EXPECT_NEAR(u[l].he_ratio, ratio, 1e-9 * ratio) << "layer " << l + 1;
    ratio *= std::sqrt(64.0 / 6);
  }
}

// A data set of standard normal inputs, d features (the Prober samples from a Dataset).
Dataset normal_inputs(Index d, Index n, Index classes, std::uint64_t seed) {
  Dataset data;
  data.name = "normal";
  data.dim = d;
  data.num_classes = classes;
  Rng rng(seed);
  data.values.resize(static_cast<std::size_t>(d * n));
  for (auto& v : data.values) v = rng.normal();
  data.labels.resize(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i)
    data.labels[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(i % classes);
  data.validate();
  return data;
}

// The prediction against the measured pre-activations of wide networks (width 512): the
// hidden layers within 10% (measured: at most 4%). The output layer has only a few units,
// too few to average over. Weights of mean μ with μ·n well above 1 are out of reach: the
// theory treats the units of a layer as independent, while a shared weight mean couples
// them through Σa (normal:0.01,0.05 on width 512 is off by 23% at layer 2, 55% at layer 3).
TEST(Theory, PredictionMatchesWideNetworks) {
  const Dataset data = normal_inputs(16, 500, 4, 7);
  const Architecture arch = make_arch({16, 512, 512, 512, 4}, "relu");
  struct Case {
    const char* init;
    const char* bias;
    const char* activation;
  };
  double worst = 0.0;
  for (const Case c :
       {Case{"uniform:-1,1", "zeros", "relu"}, Case{"he_normal", "zeros", "relu"},
        Case{"normal:0,0.05", "normal:0.1,0.2", "relu"}, Case{"normal:0.002,0.05", "zeros", "relu"},
        Case{"xavier_normal", "zeros", "tanh"}}) {
    Architecture a = arch;
    a.activation = Activation::parse(c.activation);
    Network<double> net(a);
    Rng rng(3, 1);
    const Init init = Init::parse(c.init);
    const BiasInit bias = BiasInit::parse(c.bias);
    net.initialize(init, bias, 1.0, rng);
    Prober<double> prober(data, 1000, 0, -1);
    EpochRecord record;
    prober.measure(net, nullptr, record);
    const auto predicted =
        predict_preactivations(a, init, bias, 1.0, input_moments(prober.inputs()));
    for (std::size_t l = 0; l + 1 < predicted.size(); ++l) {
      const double measured = record.layers[l].preact_std;
      const double error = std::abs(measured - predicted[l].preact_std) / predicted[l].preact_std;
      worst = std::max(worst, error);
      EXPECT_LT(error, 0.1) << c.init << " " << c.activation << " layer " << l + 1 << ": measured "
                            << measured << ", predicted " << predicted[l].preact_std;
    }
  }
  std::printf(
      "theory vs wide networks: worst relative error of the hidden pre-activation std %.3f\n",
      worst);
}

}  // namespace
}  // namespace mlpscope
