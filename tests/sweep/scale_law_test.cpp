// The homogeneity law of the stable learning rate along --init-scale, per output head: the
// exponent in closed form, and the prediction drawn from the largest scale against λmax
// measured directly at every scale by a sweep, at two and three weight layers.
#include "sweep/scale_law.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "support/run_command.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json options(const std::string& activation, json hidden, const std::string& bias = "zeros",
             const std::string& output = "identity", const std::string& loss = "mse") {
  return {{"activation", activation}, {"hidden", std::move(hidden)},
          {"bias-init", bias},        {"init-from", nullptr},
          {"output", output},         {"loss", loss}};
}

TEST(ScaleLaw, IdentityMseExponentIsTwiceTheDepthLessOne) {
  EXPECT_EQ(mlpscope::homogeneity_sharpness_exponent(options("relu", {16})), 2);
  EXPECT_EQ(mlpscope::homogeneity_sharpness_exponent(options("relu", {256, 128})), 4);
  EXPECT_EQ(mlpscope::homogeneity_sharpness_exponent(options("leaky_relu:0.1", {8, 8, 8})), 6);
  // A linear model: the Hessian does not depend on the weights at all.
  EXPECT_EQ(mlpscope::homogeneity_sharpness_exponent(options("relu", json::array())), 0);
}

// Cross-entropy (bce): the saturated output leaves the residual term, ∝ c^(d−2); a linear
// model has none, and MSE through a saturating output has a λmax that falls: no law.
TEST(ScaleLaw, CrossEntropyExponentIsTheDepthLessTwo) {
  using mlpscope::homogeneity_sharpness_exponent;
  const auto ce = [](json hidden) {
    return options("relu", std::move(hidden), "zeros", "softmax", "cross_entropy");
  };
  EXPECT_EQ(homogeneity_sharpness_exponent(ce({16})), 0);
  EXPECT_EQ(homogeneity_sharpness_exponent(ce({32, 32})), 1);
  EXPECT_EQ(homogeneity_sharpness_exponent(ce({8, 8, 8})), 2);
  EXPECT_EQ(homogeneity_sharpness_exponent(options("relu", {8, 8}, "zeros", "sigmoid", "bce")), 1);
  EXPECT_FALSE(homogeneity_sharpness_exponent(ce(json::array())));
  EXPECT_FALSE(homogeneity_sharpness_exponent(options("relu", {16}, "zeros", "softmax", "mse")));
  EXPECT_FALSE(homogeneity_sharpness_exponent(options("relu", {16}, "zeros", "sigmoid", "mse")));
}

TEST(ScaleLaw, NoLawWithoutHomogeneity) {
  EXPECT_FALSE(mlpscope::homogeneity_sharpness_exponent(options("sigmoid", {16})));
  EXPECT_FALSE(mlpscope::homogeneity_sharpness_exponent(options("tanh", {16})));
  EXPECT_FALSE(mlpscope::homogeneity_sharpness_exponent(options("relu", {16}, "same")));
  json from_file = options("relu", {16});
  from_file["init-from"] = "weights.json";
  EXPECT_FALSE(mlpscope::homogeneity_sharpness_exponent(from_file));
}

TEST(ScaleLaw, PredictionInClosedForm) {
  // 2/λ(c) = 2/λ(c0)·(c/c0)^-k: doubling c with k = 4 divides the bound by 16.
  EXPECT_DOUBLE_EQ(mlpscope::predicted_stable_lr(0.8, 0.5, 1.0, 4), 0.05);
  EXPECT_DOUBLE_EQ(mlpscope::predicted_stable_lr(0.8, 0.5, 0.5, 4), 0.8);
  EXPECT_DOUBLE_EQ(mlpscope::predicted_stable_lr(0.8, 0.5, 2.0, 0), 0.8);
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  for (std::string f; std::getline(in, f, ',');) fields.push_back(f);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

// The map's measured 2/λmax and its law's prediction at each scale of a sweep over
// --init-scale (one lr), with the law's heading and note checked on the way.
struct LawColumns {
  std::vector<double> measured, predicted;
};

LawColumns sweep_the_law(const std::string& hidden, const std::string& output,
                         const std::string& loss, const std::string& scales,
                         const std::string& heading, const std::string& law) {
  std::string pattern = (fs::temp_directory_path() / "mlpscope_scale_XXXXXX").string();
  EXPECT_NE(::mkdtemp(pattern.data()), nullptr);
  const fs::path dir = pattern;
  const auto r = mlpscope::testing::run_command({MLPSCOPE_BINARY, "sweep",
                                                 "--data",        "spiral:n=200",
                                                 "--hidden",      hidden,
                                                 "--output",      output,
                                                 "--loss",        loss,
                                                 "--dtype",       "f64",
                                                 "--batch",       "full",
                                                 "--epochs",      "1",
                                                 "--vary",        "init-scale=" + scales,
                                                 "--vary",        "lr=0.001",
                                                 "--out",         (dir / "out").string()});
  LawColumns columns;
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find(heading), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("homogeneity (" + law + ")"), std::string::npos) << r.out;
  std::stringstream csv(mlpscope::testing::detail::read_whole_file((dir / "out/map.csv").string()));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line.substr(0, 11), "init-scale,") << line;
  while (std::getline(csv, line)) {
    const auto f = split_csv_line(line);
    EXPECT_EQ(f.size(), 12u) << line;
    if (f.size() != 12u) break;
    columns.measured.push_back(std::stod(f[10]));
    columns.predicted.push_back(std::stod(f[11]));
  }
  fs::remove_all(dir);
  return columns;
}

// Scales c, 2c, 4c: the prediction is drawn from 4c, and each doubling divides 2/λmax by 2^k.
// Against the neighbouring exponents (2^(k±1) per doubling) a wrong law misses by 2x or more.
void expect_the_law(const LawColumns& m, int k, double tolerance) {
  ASSERT_EQ(m.measured.size(), 3u);
  ASSERT_EQ(m.predicted.size(), 3u);
  EXPECT_DOUBLE_EQ(m.predicted[2], m.measured[2]);  // drawn from the largest scale
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_NEAR(m.predicted[i] / m.measured[i], 1.0, tolerance) << "scale " << i;
    EXPECT_NEAR(m.measured[i] / m.measured[i + 1] / std::pow(2.0, k), 1.0, tolerance)
        << "doubling " << i;
  }
}

// A bias-free relu net with one hidden layer (d = 2) on identity outputs with MSE: once the
// outputs dominate the one-hot targets, λmax grows as c^2 exactly. The same seed at every
// scale is the same network scaled by c, so the sweep measures λmax(c) directly.
TEST(ScaleLaw, PredictionMatchesLambdaMaxMeasuredAtEveryScale) {
  expect_the_law(sweep_the_law("16", "identity", "mse", "4,8,16", "c^-2 law",
                               "relu, 2 weight layers, no biases, identity + mse"),
                 2, 0.05);
}

// Three weight layers (d = 3), identity + MSE: c^(2(d−1)) = c^4, 16x per doubling.
TEST(ScaleLaw, IdentityMseAtThreeLayersGrowsAsCToTheFour) {
  expect_the_law(sweep_the_law("16,16", "identity", "mse", "4,8,16", "c^-4 law",
                               "relu, 3 weight layers, no biases, identity + mse"),
                 4, 0.05);
}

// Three weight layers, softmax + cross-entropy: the softmax saturates and λmax grows as
// c^(d−2) = c^1 (not the c^4 of the Gauss–Newton term, nor the c^3 of the logits).
TEST(ScaleLaw, CrossEntropyAtThreeLayersGrowsAsCToTheOne) {
  expect_the_law(sweep_the_law("32,32", "softmax", "cross_entropy", "8,16,32", "c^-1 law",
                               "relu, 3 weight layers, no biases, softmax + cross_entropy"),
                 1, 0.05);
}

}  // namespace
