// What a bug class means for this user's network, in words, and the fix as the line of
// numpy to change. The lines use the user's own array names for the weights and the usual
// names for the rest, with samples as rows as numpy code has them:
//   a0 = x;  z1 = a0 @ W1 + b1;  a1 = f(z1);  …;  p = output(zL)     (torch layout: @ W1.T)
//   delta_l = ∂L/∂z_l, n samples, k outputs, y one-hot.
#pragma once

#include <string>
#include <vector>

#include "check/bug_class.h"
#include "io/weights_npz.h"

namespace mlpscope {

struct NetworkNames {
  std::vector<std::string> weights;  // the user's name of each layer's weight matrix
  WeightLayout layout = WeightLayout::numpy;
};

// Fills bug.explanation and bug.fix (empty for none). `samples`: the batch's n;
// `max_rel_error`: the gradient check's, quoted for none.
void explain_bug(Bug& bug, const Architecture& arch, const NetworkNames& names, Index samples,
                 double max_rel_error);

}  // namespace mlpscope
