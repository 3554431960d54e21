#include "core/random.h"

#include <cmath>
#include <utility>

namespace mlpscope {

Rng::Rng(std::uint64_t seed, std::uint64_t stream) : engine_(seed, stream) {}

double Rng::uniform01() {
  const std::uint64_t hi = next_u32();
  const std::uint64_t lo = next_u32();
  const std::uint64_t bits53 = (hi << 21) | (lo >> 11);
  return static_cast<double>(bits53) * 0x1.0p-53;
}

double Rng::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u = 0.0, v = 0.0, s = 0.0;
  do {
    u = 2.0 * uniform01() - 1.0;
    v = 2.0 * uniform01() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double factor = std::sqrt(-2.0 * std::log(s) / s);
  spare_ = v * factor;
  has_spare_ = true;
  return u * factor;
}

void Rng::shuffle(std::vector<std::int32_t>& items) {
  for (std::size_t i = items.size(); i > 1; --i) {
    const std::uint32_t j = below(static_cast<std::uint32_t>(i));
    std::swap(items[i - 1], items[j]);
  }
}

}  // namespace mlpscope
