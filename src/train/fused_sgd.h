// Plain SGD, θ ← θ − lr·∂(mean loss)/∂θ, taken layer by layer inside the backward pass
// (train/sgd_kernels.h): the network's one backward loop hands each layer's dZ to this
// update, which steps W and b at once and never stores the gradient.
//
// With the next sample known (online SGD within an epoch), step_then_forward takes the
// first layer's step and the next sample's first product in one walk over W(0), with the
// same bits as the step and the forward pass taken apart. With a helper thread, each
// thread walks half of the first layer's columns, a contiguous block: half of a 784×256
// float layer is 392 KiB and stays in its core's 512 KiB L2 from one sample to the next,
// where the whole streams from L3. The helper's share of the product is added at the end,
// so that sum is grouped differently from one thread's (the last bits; the same bits run
// to run).
#pragma once

#include "train/update.h"

namespace mlpscope {

template <class T>
class FusedSgd final : public Update<T> {
 public:
  void step(Network<T>& net, const Matrix<T>& X, const std::int32_t* labels, Workspace<T>& ws,
            double lr) override;
  void step_then_forward(Network<T>& net, const Matrix<T>& X, const std::int32_t* labels,
                         Workspace<T>& ws, double lr, const Matrix<T>& X_next,
                         SpinWorker* helper) override;
  bool fuses_next_forward() const override { return true; }

  // The helper takes a share only of a first layer with at least this many inputs:
  // below it the walk is shorter than the hand-over is worth.
  static constexpr Index kSplitMinInputs = 64;
};

}  // namespace mlpscope
