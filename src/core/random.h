// Random numbers that are the same on every platform for the same seed.
//
// The engine is PCG32 (O'Neill 2014, "PCG: A Family of Simple Fast Space-Efficient
// Statistically Good Algorithms for Random Number Generation"), from libpcg-cpp. The
// standard library's distributions are NOT used: their algorithms differ between
// libstdc++, libc++ and MSVC, so std::normal_distribution gives other weights elsewhere.
// Our transforms, fixed here:
//   uniform01(): 53 random bits from two 32-bit draws, (hi·2^21 + lo>>11) · 2^-53, in [0,1).
//   normal():    Marsaglia's polar method (Marsaglia & Bray 1964): draw u,v uniform in
//                (-1,1) until s = u²+v² is in (0,1); return u·sqrt(-2 ln s / s). The spare
//                value is cached and returned by the next call. Only +,·,sqrt (exact in
//                IEEE 754) and log (within an ulp in every libm) are involved.
//   below(n):    an unbiased integer in [0, n), PCG's rejection method.
//   shuffle():   Fisher–Yates from the last element down, using below().
#pragma once

#include <cstdint>
#include <pcg_random.hpp>
#include <vector>

namespace mlpscope {

class Rng {
 public:
  explicit Rng(std::uint64_t seed, std::uint64_t stream = 0);

  std::uint32_t next_u32() { return engine_(); }
  double uniform01();
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }
  double normal();
  double normal(double mean, double stddev) { return mean + stddev * normal(); }
  std::uint32_t below(std::uint32_t n) { return engine_(n); }
  void shuffle(std::vector<std::int32_t>& items);

 private:
  pcg32 engine_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace mlpscope
