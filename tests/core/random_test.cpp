#include "core/random.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mlpscope {
namespace {

TEST(Rng, SameSeedSameStreamOtherStreamDiffers) {
  Rng a(42), b(42), c(42, 1);
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next_u32();
    EXPECT_EQ(x, b.next_u32());
    (void)c;
  }
  Rng d(42), e(42, 1);
  int same = 0;
  for (int i = 0; i < 100; ++i) same += d.next_u32() == e.next_u32();
  EXPECT_LT(same, 3);
}

// Pinned so that a change of engine or transform (which would change every user's
// weights for a given seed) cannot pass unnoticed. PCG32's reference output for
// seed 42, stream 54 is 0xa15c02b7 (pcg-cpp's pcg32-demo).
TEST(Rng, MatchesThePcgReferenceStream) {
  Rng rng(42, 54);
  EXPECT_EQ(rng.next_u32(), 0xa15c02b7u);
  EXPECT_EQ(rng.next_u32(), 0x7b47f409u);
}

TEST(Rng, UniformAndNormalMoments) {
  Rng rng(1);
  const int n = 200000;
  double s1 = 0, s2 = 0, lo = 1, hi = 0;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform01();
    s1 += u;
    s2 += u * u;
    lo = std::min(lo, u);
    hi = std::max(hi, u);
  }
  EXPECT_NEAR(s1 / n, 0.5, 0.005);
  EXPECT_NEAR(s2 / n - 0.25, 1.0 / 12.0, 0.002);
  EXPECT_GE(lo, 0.0);
  EXPECT_LT(hi, 1.0);
  double m1 = 0, m2 = 0, m4 = 0;
  for (int i = 0; i < n; ++i) {
    const double z = rng.normal();
    m1 += z;
    m2 += z * z;
    m4 += z * z * z * z;
  }
  EXPECT_NEAR(m1 / n, 0.0, 0.01);
  EXPECT_NEAR(m2 / n, 1.0, 0.015);
  EXPECT_NEAR(m4 / n, 3.0, 0.1);  // kurtosis of a normal
}

TEST(Rng, ShuffleIsAPermutationAndBelowIsInRange) {
  Rng rng(3);
  std::vector<std::int32_t> items(1000);
  std::iota(items.begin(), items.end(), 0);
  rng.shuffle(items);
  EXPECT_FALSE(std::is_sorted(items.begin(), items.end()));
  std::vector<std::int32_t> sorted = items;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(sorted[i], i);
  for (int i = 0; i < 1000; ++i) EXPECT_LT(rng.below(7), 7u);
}

}  // namespace
}  // namespace mlpscope
