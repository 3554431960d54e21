#include "nn/architecture.h"

#include <cstdio>

#include "core/error.h"

namespace mlpscope {

// Refused up front rather than by an out-of-memory kill: 2^31 parameters is 8 GiB of
// float32 weights before gradients and optimizer state.
constexpr double kMaxParams = 2147483648.0;

Index Architecture::offset(Index layer) const {
  Index offset = 0;
  for (Index l = 0; l < layer; ++l) offset += fan_out(l) * fan_in(l) + fan_out(l);
  return offset;
}

std::string Architecture::describe() const {
  std::string s;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (i > 0) s += '-';
    s += std::to_string(sizes[i]);
  }
  return s;
}

void Architecture::validate() const {
  if (sizes.size() < 2) throw Error("a network needs an input and an output size");
  double total = 0.0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] <= 0)
      throw Error("layer size " + std::to_string(i) + " is " + std::to_string(sizes[i]) +
                  "; every width must be at least 1");
    // In double, + 1 included: a width of 2^63 - 1 read from a damaged model file would
    // overflow Index (undefined behaviour; fuzz/regressions/model_file/).
    if (i > 0) total += static_cast<double>(sizes[i]) * (static_cast<double>(sizes[i - 1]) + 1.0);
  }
  if (total > kMaxParams) {
    // %.0f, not a cast to an integer type: the count can exceed every one of them (2^126 for
    // two widths of 2^63 - 1), and such a cast is undefined behaviour.
    char count[400];
    std::snprintf(count, sizeof count, "%.0f", total);
    throw Error("network " + describe() + " has " + count +
                " parameters, more than the limit of 2^31");
  }
}

}  // namespace mlpscope
