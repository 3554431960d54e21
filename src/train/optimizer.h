// Optimizers over the flat parameter vector: one loop each. Conventions match PyTorch's
// torch.optim so that runs can be compared step for step. g is the gradient, t the step.
// Each is one row of the table in optimizer.cpp, which holds its name, parameters and
// their defaults, formula, paper, the state it keeps and its step:
//
//   sgd            θ ← θ − lr·g
//   momentum[:μ]   v ← μ·v + g;            θ ← θ − lr·v             (μ = 0.9)  Polyak 1964
//   nesterov[:μ]   v ← μ·v + g;            θ ← θ − lr·(g + μ·v)    Sutskever et al. 2013
//   adam[:β1,β2]   m ← β1·m + (1−β1)·g;  s ← β2·s + (1−β2)·g²
//                  θ ← θ − lr·(m/(1−β1ᵗ)) / (sqrt(s/(1−β2ᵗ)) + ε)   (0.9, 0.999, ε=1e-8)
//                  Kingma & Ba 2015
//   rmsprop[:α]    s ← α·s + (1−α)·g²;     θ ← θ − lr·g/(sqrt(s) + ε)  (α = 0.99, ε=1e-8)
//                  Tieleman & Hinton 2012
// Adding an optimizer: a row in optimizer.cpp (and an enum value here);
// tests/train/optimizer_test.cpp checks every row against its formula written out.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/types.h"

namespace mlpscope {

enum class OptimizerKind { sgd, momentum, nesterov, adam, rmsprop };

struct OptimizerRow;

struct OptimizerSpec {
  OptimizerKind kind = OptimizerKind::sgd;
  double beta1 = 0.9;    // momentum μ, adam β1
  double beta2 = 0.999;  // adam β2, rmsprop α
  double eps = 1e-8;

  // "sgd", "momentum", "adam:0.9,0.999", …; throws SettingError naming "optimizer".
  static OptimizerSpec parse(std::string_view spec);
  std::string name() const;
  const OptimizerRow& row() const;
  // Heavy-ball momentum multiplies the stable step size by (1+μ): lr < 2(1+μ)/λmax.
  double momentum() const;
};

// What an optimizer keeps between steps: t, the steps taken (this one included while it
// is taken), and its per-parameter vectors, sized by the row (empty where it keeps none).
template <class T>
struct OptimizerState {
  Vector<T> first;   // velocity v or first moment m
  Vector<T> second;  // second moment s
  long long t = 0;
};

// One parameter of an optimizer's spec: its name in errors, the spec field it sets, and
// its default.
struct OptimizerParameter {
  std::string_view name;
  double OptimizerSpec::*field;
  double fallback;
};

// One optimizer: what it is called and takes, what it computes, where it comes from, what
// it keeps, and its step for f32 and f64.
struct OptimizerRow {
  template <class T>
  using Step = void (*)(OptimizerState<T>& state, Vector<T>& params, const Vector<T>& grads,
                        const OptimizerSpec& spec, double lr);

  OptimizerKind kind;
  std::string_view name;
  std::string_view form;  // its parameters as written after the name ("[:MU]"), or empty
  int num_parameters;
  OptimizerParameter parameters[2];
  std::string_view formula;    // the update rule, as the docs write it
  std::string_view reference;  // the paper
  bool heavy_ball;             // beta1 is a heavy-ball μ: the stable lr grows by (1+μ)
  bool adaptive;               // rescales each direction: the 2/λmax bound does not apply
  bool keeps_first;            // state: velocity v or first moment m
  bool keeps_second;           // state: second moment s
  bool fused;                  // stepped inside the backward pass (train/fused_sgd.h)
  Step<float> f32;
  Step<double> f64;

  int state_vectors() const { return int(keeps_first) + int(keeps_second); }
};

// Every optimizer, in enum order.
std::span<const OptimizerRow> optimizer_table();

template <class T>
class Optimizer {
 public:
  Optimizer(OptimizerSpec spec, Index num_params);
  // θ ← update(θ, g); keeps its own state (velocity, moments) between calls.
  void step(Vector<T>& params, const Vector<T>& grads, double lr);
  const OptimizerSpec& spec() const { return spec_; }
  long long steps() const { return state_.t; }

 private:
  OptimizerSpec spec_;
  OptimizerState<T> state_;
};

}  // namespace mlpscope
