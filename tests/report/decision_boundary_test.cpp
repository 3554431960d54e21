// The decision boundary grid against a network whose outputs are known in closed form.
#include "report/decision_boundary.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/error.h"

namespace {

using namespace mlpscope;

// A linear softmax model z = W x with W = [[-a, 0], [a, 0]]: p1 = 1/(1 + exp(-2·a·x1')),
// where x1' = (x1 − mean)·inv_std is the standardized first feature.
Model linear_model(double a, FeatureTransform transform = {}) {
  Model m;
  m.arch = Architecture{{2, 2},
                        Activation::parse("identity"),
                        Head::make(OutputKind::softmax, LossKind::cross_entropy)};
  // Flat layout: W (2, 2) column-major, then b (2).
  m.params = {-a, a, 0.0, 0.0, 0.0, 0.0};
  m.transform = std::move(transform);
  return m;
}

Dataset square_points() {
  Dataset d;
  d.name = "four points";
  d.dim = 2;
  d.num_classes = 2;
  d.values = {-1, -2, 1, -2, -1, 2, 1, 2};
  d.labels = {0, 1, 0, 1};
  return d;
}

TEST(DecisionGrid, CoversTheDataWithAMargin) {
  const DecisionGrid g = decision_grid(linear_model(1.0), square_points(), 20);
  EXPECT_DOUBLE_EQ(g.x_min, -1.2);
  EXPECT_DOUBLE_EQ(g.x_max, 1.2);
  EXPECT_DOUBLE_EQ(g.y_min, -2.4);
  EXPECT_DOUBLE_EQ(g.y_max, 2.4);
  EXPECT_EQ(g.values.size(), 400u);
  EXPECT_EQ(g.px.size(), 4u);
  EXPECT_EQ(g.labels, std::vector<std::int32_t>({0, 1, 0, 1}));
}

TEST(DecisionGrid, ValuesAreTheProbabilityOfClassOne) {
  FeatureTransform t;
  t.mean = {0.3, 0.0};
  t.inv_std = {2.0, 1.0};
  const double a = 1.5;
  const DecisionGrid g = decision_grid(linear_model(a, t), square_points(), 16);
  const double dx = (g.x_max - g.x_min) / g.nx;
  for (int j = 0; j < g.ny; j += 5)
    for (int i = 0; i < g.nx; ++i) {
      const double x = g.x_min + (i + 0.5) * dx;
      const double expected = 1.0 / (1.0 + std::exp(-2.0 * a * (x - 0.3) * 2.0));
      const std::size_t c = static_cast<std::size_t>(j * g.nx + i);
      EXPECT_NEAR(g.values[c], expected, 1e-12) << "cell " << i << "," << j;
      EXPECT_NEAR(g.confidence[c], std::max(expected, 1.0 - expected), 1e-12);
    }
}

TEST(DecisionGrid, ManyClassesGiveThePredictedClass) {
  Model m;
  m.arch = Architecture{{2, 3},
                        Activation::parse("identity"),
                        Head::make(OutputKind::softmax, LossKind::cross_entropy)};
  // z0 = -x1, z1 = 0, z2 = x1: class 0 left of -0, class 2 right of 0.
  m.params = {-1, 0, 1, 0, 0, 0, 0, 0, 0};
  const DecisionGrid g = decision_grid(m, square_points(), 10);
  EXPECT_EQ(g.classes, 3);
  EXPECT_EQ(g.values[0], 0.0);  // leftmost cell
  EXPECT_EQ(g.values[9], 2.0);  // rightmost cell
}

TEST(DecisionGrid, NeedsTwoFeatures) {
  Dataset d = square_points();
  d.dim = 1;
  d.values = {0, 1, 2, 3};
  EXPECT_THROW((void)decision_grid(linear_model(1.0), d), Error);
}

// n two-feature points, point i at place(i) with class i mod `classes` (they alternate).
template <class Place>
Dataset alternating_points(int n, int classes, Place place) {
  Dataset d;
  d.dim = 2;
  d.num_classes = classes;
  for (int i = 0; i < n; ++i) {
    const auto [x, y] = place(i);
    d.values.push_back(x);
    d.values.push_back(y);
    d.labels.push_back(i % classes);
  }
  return d;
}

TEST(DecisionGrid, SamplesAtMostMaxPoints) {
  const Dataset d =
      alternating_points(1000, 2, [](int i) { return std::pair<double, double>(i, -i); });
  const DecisionGrid g = decision_grid(linear_model(1.0), d, 8, 300);
  EXPECT_LE(g.px.size(), 300u);
  EXPECT_GE(g.px.size(), 250u);
  // The classes alternate (period 2) and 300 of 1000 is not a multiple of it: both classes
  // are drawn, in equal numbers, spread over the whole set.
  const auto ones = std::count(g.labels.begin(), g.labels.end(), 1);
  EXPECT_EQ(ones, 150);
  EXPECT_EQ(static_cast<long>(g.labels.size()) - ones, 150);
  EXPECT_GT(g.px.back(), 900.0);
  const auto j = to_json(g);
  EXPECT_EQ(j["points"]["x"].size(), g.px.size());
  EXPECT_EQ(j["values"].size(), 64u);
}

// Every k-th point of the set drew one class when the classes alternate with period k: here
// 400 points of two alternating classes and at most 200 drawn (k = 2).
TEST(DecisionGrid, AlternatingClassesAreBothDrawn) {
  const Dataset d = alternating_points(
      400, 2, [](int i) { return std::pair<double, double>(std::cos(i), std::sin(i)); });
  const DecisionGrid g = decision_grid(linear_model(1.0), d, 8, 200);
  EXPECT_EQ(g.px.size(), 200u);
  EXPECT_EQ(std::count(g.labels.begin(), g.labels.end(), 0), 100);
  EXPECT_EQ(std::count(g.labels.begin(), g.labels.end(), 1), 100);
}

// Fewer points than the limit: every point, in order.
TEST(DecisionGrid, FewPointsAreAllDrawn) {
  const Dataset d =
      alternating_points(7, 3, [](int i) { return std::pair<double, double>(i, 2 * i); });
  const DecisionGrid g = decision_grid(linear_model(1.0), d, 4, 600);
  ASSERT_EQ(g.px.size(), 7u);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(g.px[static_cast<std::size_t>(i)], i);
}

}  // namespace
