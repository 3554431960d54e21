// The shape of a network and the layout of its flat parameter vector.
// Layer l maps sizes[l] inputs to sizes[l+1] outputs; its W (sizes[l+1], sizes[l]) starts
// at offset(l) in the flat vector, column-major, and its b (sizes[l+1]) follows it.
#pragma once

#include <vector>

#include "core/types.h"
#include "nn/activation.h"
#include "nn/loss.h"

namespace mlpscope {

struct Architecture {
  std::vector<Index> sizes;  // inputs, hidden widths…, outputs; at least two entries
  Activation activation;     // of every hidden layer
  Head head;                 // output activation and loss

  Index num_layers() const { return static_cast<Index>(sizes.size()) - 1; }
  Index fan_in(Index layer) const { return sizes[static_cast<std::size_t>(layer)]; }
  Index fan_out(Index layer) const { return sizes[static_cast<std::size_t>(layer) + 1]; }
  Index offset(Index layer) const;
  Index num_params() const { return offset(num_layers()); }
  // "784-256-128-10"
  std::string describe() const;
  // Throws Error naming the layer when a width is not positive or the total is absurd.
  void validate() const;
};

}  // namespace mlpscope
