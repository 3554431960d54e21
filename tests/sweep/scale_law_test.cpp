// The homogeneity law of the stable learning rate along --init-scale: the exponent in
// closed form, and the prediction drawn from the smallest scale against λmax measured
// directly at every scale by a sweep.
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

json options(const std::string& activation, json hidden, const std::string& bias = "zeros") {
  return {{"activation", activation}, {"hidden", std::move(hidden)}, {"bias-init", bias},
          {"init-from", nullptr},     {"output", "identity"},        {"loss", "mse"}};
}

TEST(ScaleLaw, ExponentIsTwiceTheDepthLessOne) {
  EXPECT_EQ(mlpscope::homogeneity_sharpness_exponent(options("relu", {16})), 2);
  EXPECT_EQ(mlpscope::homogeneity_sharpness_exponent(options("relu", {256, 128})), 4);
  EXPECT_EQ(mlpscope::homogeneity_sharpness_exponent(options("leaky_relu:0.1", {8, 8, 8})), 6);
  // A linear model: the Hessian does not depend on the weights at all.
  EXPECT_EQ(mlpscope::homogeneity_sharpness_exponent(options("relu", json::array())), 0);
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

// A bias-free relu net with one hidden layer (d = 2) on identity outputs with MSE: once the
// outputs dominate the one-hot targets, λmax grows as c^2 exactly. The same seed at every
// scale is the same network scaled by c, so the sweep measures λmax(c) directly.
TEST(ScaleLaw, PredictionMatchesLambdaMaxMeasuredAtEveryScale) {
  std::string pattern = (fs::temp_directory_path() / "mlpscope_scale_XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  const fs::path dir = pattern;
  const auto r = mlpscope::testing::run_command({MLPSCOPE_BINARY, "sweep",
                                                 "--data",        "spiral:n=200",
                                                 "--hidden",      "16",
                                                 "--output",      "identity",
                                                 "--loss",        "mse",
                                                 "--dtype",       "f64",
                                                 "--batch",       "full",
                                                 "--epochs",      "1",
                                                 "--vary",        "init-scale=4,8,16",
                                                 "--vary",        "lr=0.001",
                                                 "--out",         (dir / "out").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("c^-2 law"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("homogeneity (relu, 2 weight layers, no biases, identity + mse)"),
            std::string::npos)
      << r.out;

  std::stringstream csv(mlpscope::testing::detail::read_whole_file((dir / "out/map.csv").string()));
  std::string line;
  std::getline(csv, line);
  ASSERT_EQ(line.substr(0, 11), "init-scale,") << line;
  std::vector<double> measured, predicted;
  while (std::getline(csv, line)) {
    const auto f = split_csv_line(line);
    ASSERT_EQ(f.size(), 12u) << line;
    measured.push_back(std::stod(f[10]));
    predicted.push_back(std::stod(f[11]));
  }
  fs::remove_all(dir);
  ASSERT_EQ(measured.size(), 3u);
  EXPECT_DOUBLE_EQ(predicted[0], measured[0]);  // drawn from the smallest scale
  for (std::size_t i = 1; i < 3; ++i) {
    // c^-2 per doubling is a factor 4: a wrong exponent misses by 2x or more.
    EXPECT_NEAR(predicted[i] / measured[i], 1.0, 0.1) << "scale " << (4 << i);
    EXPECT_NEAR(measured[i - 1] / measured[i], 4.0, 0.4) << "scale " << (4 << i);
  }
}

}  // namespace
