#include "data/synthetic.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "core/error.h"
#include "support/fixtures.h"

namespace mlpscope {
namespace {

SyntheticOptions with(Index n, std::optional<double> noise, Index classes, std::uint64_t seed) {
  SyntheticOptions options;
  options.n = n;
  options.noise = noise;
  options.classes = classes;
  options.seed = seed;
  return options;
}

std::string synthetic_error_of(const std::string& kind, const SyntheticOptions& options) {
  return testing::error_of([&] { make_synthetic(kind, options); });
}

class EveryKind : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryKind, SizesAndBalancedClasses) {
  const Index classes = takes_classes(GetParam()) ? 3 : 2;
  const Dataset data = make_synthetic(GetParam(), with(401, std::nullopt, classes, 0));
  EXPECT_EQ(data.dim, 2);
  EXPECT_EQ(data.size(), 401);
  EXPECT_EQ(data.values.size(), 802u);
  EXPECT_EQ(data.num_classes, classes);
  std::vector<int> count(static_cast<std::size_t>(classes), 0);
  for (const auto label : data.labels) ++count[static_cast<std::size_t>(label)];
  for (const int c : count) EXPECT_LE(std::abs(c - 401 / int(classes)), 1);
  // Every prefix is balanced too: sample i has class i mod K.
  for (Index i = 0; i < data.size(); ++i) EXPECT_EQ(data.labels[std::size_t(i)], i % classes);
}

TEST_P(EveryKind, SameSeedSameDataOtherSeedOtherData) {
  const Dataset a = make_synthetic(GetParam(), with(200, std::nullopt, 2, 5));
  const Dataset b = make_synthetic(GetParam(), with(200, std::nullopt, 2, 5));
  const Dataset c = make_synthetic(GetParam(), with(200, std::nullopt, 2, 6));
  EXPECT_EQ(a.values, b.values);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_NE(a.values, c.values);
}

TEST_P(EveryKind, DefaultNoiseAndName) {
  const Dataset data = make_synthetic(GetParam());
  EXPECT_EQ(data.size(), 400);
  const std::string expected_name =
      GetParam() + "(n=400,noise=" +
      (GetParam() == "spiral" || GetParam() == "moons" || GetParam() == "xor" ? "0.1"
       : GetParam() == "circles"                                              ? "0.05"
                                                                              : "0.5") +
      (takes_classes(GetParam()) ? ",classes=2" : "") + ",seed=0)";
  EXPECT_EQ(data.name, expected_name);
  EXPECT_GT(default_noise(GetParam()), 0.0);
}

TEST_P(EveryKind, BadOptionsNameTheKindAndKey) {
  EXPECT_MESSAGE_HAS(synthetic_error_of(GetParam(), with(0, std::nullopt, 2, 0)), "n=0");
  EXPECT_MESSAGE_HAS(synthetic_error_of(GetParam(), with(10, -0.5, 2, 0)), "noise=-0.5");
  EXPECT_MESSAGE_HAS(synthetic_error_of(GetParam(), with(10, NAN, 2, 0)), "noise=");
  const std::string one_class = synthetic_error_of(GetParam(), with(10, std::nullopt, 1, 0));
  EXPECT_MESSAGE_HAS(one_class, GetParam() + ": classes=1");
}

INSTANTIATE_TEST_SUITE_P(Synthetic, EveryKind,
                         ::testing::Values("spiral", "circles", "moons", "xor", "gaussians"));

TEST(Synthetic, BinarySetsRefuseOtherClassCounts) {
  for (const char* kind : {"circles", "moons", "xor"})
    EXPECT_MESSAGE_HAS(synthetic_error_of(kind, with(10, std::nullopt, 3, 0)),
                       "always has 2 classes");
  EXPECT_EQ(make_synthetic("spiral", with(10, std::nullopt, 5, 0)).num_classes, 5);
}

TEST(Synthetic, UnknownKind) {
  EXPECT_FALSE(is_synthetic("swirl"));
  EXPECT_MESSAGE_HAS(synthetic_error_of("swirl", {}), "unknown synthetic data set 'swirl'");
}

// A fixed point of the default spiral: any change to the generator or to Rng shows here.
TEST(Synthetic, SpiralFirstPointIsPinned) {
  const Dataset data = make_synthetic("spiral");
  EXPECT_NEAR(data.values[0], -0.35078940641658518, 1e-12);
  EXPECT_NEAR(data.values[1], -0.82184041091063631, 1e-12);
}

TEST(Synthetic, SpiralStaysInTheUnitDiscAndWindsByClass) {
  const Dataset data = make_synthetic("spiral", with(600, 0.3, 3, 1));
  for (Index i = 0; i < data.size(); ++i)
    EXPECT_LE(std::hypot(data.raw(i, 0), data.raw(i, 1)), 1.0 + 1e-12);
  // Without noise, θ − 4r = 2πk/K exactly (mod 2π), with θ measured from the y axis.
  const Dataset clean = make_synthetic("spiral", with(300, 0.0, 3, 1));
  for (Index i = 0; i < clean.size(); ++i) {
    const double x = clean.raw(i, 0), y = clean.raw(i, 1), r = std::hypot(x, y);
    if (r < 1e-6) continue;
    const double offset = std::atan2(x, y) - 4.0 * r - 2.0 * std::numbers::pi * double(i % 3) / 3.0;
    EXPECT_NEAR(std::remainder(offset, 2.0 * std::numbers::pi), 0.0, 1e-9);
  }
}

TEST(Synthetic, CirclesWithoutNoiseLieOnRadiiOneAndHalf) {
  const Dataset data = make_synthetic("circles", with(100, 0.0, 2, 3));
  for (Index i = 0; i < data.size(); ++i)
    EXPECT_NEAR(std::hypot(data.raw(i, 0), data.raw(i, 1)), i % 2 == 0 ? 1.0 : 0.5, 1e-12);
}

TEST(Synthetic, MoonsWithoutNoiseLieOnTheirArcs) {
  const Dataset data = make_synthetic("moons", with(100, 0.0, 2, 3));
  for (Index i = 0; i < data.size(); ++i) {
    const double x = data.raw(i, 0), y = data.raw(i, 1);
    if (i % 2 == 0) {
      EXPECT_NEAR(std::hypot(x, y), 1.0, 1e-12);
      EXPECT_GE(y, 0.0);
    } else {
      EXPECT_NEAR(std::hypot(1.0 - x, 0.5 - y), 1.0, 1e-12);
      EXPECT_LE(y, 0.5);
    }
  }
}

TEST(Synthetic, XorWithoutNoiseHasItsLabelInTheSignOfTheProduct) {
  const Dataset data = make_synthetic("xor", with(200, 0.0, 2, 3));
  int positive_x = 0;
  for (Index i = 0; i < data.size(); ++i) {
    const double x = data.raw(i, 0), y = data.raw(i, 1);
    EXPECT_LE(std::abs(x), 1.0);
    EXPECT_LE(std::abs(y), 1.0);
    EXPECT_EQ(data.labels[std::size_t(i)], x * y < 0 ? 1 : 0);
    positive_x += x > 0;
  }
  EXPECT_GT(positive_x, 60);  // both quadrants of each class are used
  EXPECT_LT(positive_x, 140);
}

TEST(Synthetic, GaussiansCentreOnTheCircleOfRadiusTwo) {
  const Index K = 4;
  const Dataset clean = make_synthetic("gaussians", with(8, 0.0, K, 0));
  for (Index i = 0; i < clean.size(); ++i) {
    const double angle = 2.0 * std::numbers::pi * double(i % K) / double(K);
    EXPECT_NEAR(clean.raw(i, 0), 2.0 * std::cos(angle), 1e-12);
    EXPECT_NEAR(clean.raw(i, 1), 2.0 * std::sin(angle), 1e-12);
  }
  const Dataset noisy = make_synthetic("gaussians", with(4000, 0.5, K, 0));
  std::vector<double> sum_x(K, 0.0), sum_y(K, 0.0);
  for (Index i = 0; i < noisy.size(); ++i) {
    sum_x[std::size_t(i % K)] += noisy.raw(i, 0);
    sum_y[std::size_t(i % K)] += noisy.raw(i, 1);
  }
  for (Index k = 0; k < K; ++k) {  // the mean of 1000 draws of std 0.5 is within 0.05
    const double angle = 2.0 * std::numbers::pi * double(k) / double(K);
    EXPECT_NEAR(sum_x[std::size_t(k)] / 1000.0, 2.0 * std::cos(angle), 0.05);
    EXPECT_NEAR(sum_y[std::size_t(k)] / 1000.0, 2.0 * std::sin(angle), 0.05);
  }
}

}  // namespace
}  // namespace mlpscope
