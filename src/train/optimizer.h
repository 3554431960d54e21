// Optimizers over the flat parameter vector: one loop each. Conventions match PyTorch's
// torch.optim so that runs can be compared step for step. g is the gradient, t the step.
//
//   sgd            θ ← θ − lr·g
//   momentum[:μ]   v ← μ·v + g;            θ ← θ − lr·v             (μ = 0.9)  Polyak 1964
//   nesterov[:μ]   v ← μ·v + g;            θ ← θ − lr·(g + μ·v)    Sutskever et al. 2013
//   adam[:β1,β2]   m ← β1·m + (1−β1)·g;  s ← β2·s + (1−β2)·g²
//                  θ ← θ − lr·(m/(1−β1ᵗ)) / (sqrt(s/(1−β2ᵗ)) + ε)   (0.9, 0.999, ε=1e-8)
//                  Kingma & Ba 2015
//   rmsprop[:α]    s ← α·s + (1−α)·g²;     θ ← θ − lr·g/(sqrt(s) + ε)  (α = 0.99, ε=1e-8)
//                  Tieleman & Hinton 2012
#pragma once

#include <string>
#include <string_view>

#include "core/types.h"

namespace mlpscope {

enum class OptimizerKind { sgd, momentum, nesterov, adam, rmsprop };

struct OptimizerSpec {
  OptimizerKind kind = OptimizerKind::sgd;
  double beta1 = 0.9;    // momentum μ, adam β1
  double beta2 = 0.999;  // adam β2, rmsprop α
  double eps = 1e-8;

  static OptimizerSpec parse(std::string_view spec);
  std::string name() const;
  // Heavy-ball momentum multiplies the stable step size by (1+μ): lr < 2(1+μ)/λmax.
  double momentum() const {
    return kind == OptimizerKind::momentum || kind == OptimizerKind::nesterov ? beta1 : 0.0;
  }
};

template <class T>
class Optimizer {
 public:
  Optimizer(OptimizerSpec spec, Index num_params);
  // θ ← update(θ, g); keeps its own state (velocity, moments) between calls.
  void step(Vector<T>& params, const Vector<T>& grads, double lr);
  const OptimizerSpec& spec() const { return spec_; }
  long long steps() const { return t_; }

 private:
  OptimizerSpec spec_;
  Vector<T> first_;   // velocity or first moment
  Vector<T> second_;  // second moment
  long long t_ = 0;
};

}  // namespace mlpscope
