// The gradient a hand-written backpropagation computes, right or with one of the mistakes
// people make, for a network and a batch: what `mlpscope check` holds a user's gradients
// against (DESIGN.md, "Your own network").
//
// The forward pass is run once, in float64. Each backward pass then follows the textbook
// loop (Rumelhart, Hinton & Williams 1986; Goodfellow, Bengio & Courville, Deep Learning,
// §6.5), with the samples as columns (core/types.h):
//
//   δ_L = ∂L/∂Z_L                               the output delta, from the Head
//   ∂L/∂W_l = δ_l A_{l−1}ᵀ,  ∂L/∂b_l = δ_l 1    A_{−1} = X, the layer's input
//   δ_{l−1} = (W_lᵀ δ_l) ⊙ φ'(Z_{l−1})
//
// and a mistake changes exactly one piece of it, as the buggy code would:
//   output_delta_p_minus_y   δ_L = (P − Y)/N whatever the loss: for MSE through softmax or
//                            sigmoid this skips the output's Jacobian, i.e. trains
//                            cross-entropy (or BCE) while reporting MSE
//   output_elementwise_derivative  δ_L multiplied by p(1 − p) where that does not belong:
//                            after a loss fused with its output (CE, BCE), whose δ is
//                            already P − Y, or in place of softmax's full Jacobian under MSE
//   missing_activation_derivative  δ_h = W_{h+1}ᵀ δ_{h+1}, the ⊙ φ'(Z_h) left out
//   derivative_at_activation δ_h uses φ'(A_h) = φ'(φ(Z_h)) instead of φ'(Z_h)
//   preactivation_as_input   ∂L/∂W_l = δ_l Z_{l−1}ᵀ: the input's pre-activation, not A_{l−1}
//   transposed               ∂L/∂W_l handed back transposed (a square layer)
// A hidden-layer mistake names the layer, or every layer at once (the loop that makes it
// once makes it everywhere).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nn/network.h"

namespace mlpscope {

enum class MistakeKind {
  none,
  output_delta_p_minus_y,
  output_elementwise_derivative,
  missing_activation_derivative,
  derivative_at_activation,
  preactivation_as_input,
  transposed,
};

struct Mistake {
  MistakeKind kind = MistakeKind::none;
  // Where it is made, counting weight layers from 0 (the input's): the layer whose delta is
  // wrong (missing_activation_derivative, derivative_at_activation: a hidden layer), whose
  // weight gradient is (preactivation_as_input: not the first; transposed); or every one.
  Index layer = kEveryLayer;
  static constexpr Index kEveryLayer = -1;
  bool at(Index l) const { return layer == kEveryLayer || layer == l; }
};

// Every mistake that changes the gradient of a network of this architecture, "none" first:
// output mistakes where the head has that piece, hidden-layer ones where the activation's
// derivative is not already a function of its sign (relu: φ'(a) = φ'(z)), transposes on
// square layers.
std::vector<Mistake> possible_mistakes(const Architecture& arch);

class BackpropMistakes {
 public:
  // Runs the forward pass on X (features, N) with one label per column. `with_biases`
  // false: the bias gradients are left 0 (a network that has none).
  BackpropMistakes(const Network<double>& net, Matrix<double> X, std::vector<std::int32_t> labels,
                   bool with_biases = true);

  // Called after each layer's gradient is written, from the last layer down; returning false
  // abandons the pass (the caller has seen enough to rule the mistake out).
  using LayerDone = std::function<bool(Index layer, const Vector<double>& gradient)>;

  // The flat gradient (parameters' layout) that a backward pass with `mistake` computes, or
  // false when `layer_done` stopped it. `gradient` is resized and overwritten.
  bool gradient(const Mistake& mistake, Vector<double>& gradient,
                const LayerDone& layer_done = {}) const;

  const Network<double>& network() const { return net_; }
  const Workspace<double>& forward_pass() const { return ws_; }
  Index samples() const { return X_.cols(); }

 private:
  Matrix<double> output_delta(const Mistake& mistake) const;
  void hidden_delta(Index h, const Mistake& mistake, const Matrix<double>& dA,
                    Matrix<double>& dZ) const;
  const Network<double>& net_;
  Matrix<double> X_;
  std::vector<std::int32_t> labels_;
  bool with_biases_;
  Workspace<double> ws_;
};

}  // namespace mlpscope
