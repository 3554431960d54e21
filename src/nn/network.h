// A multilayer perceptron: parameters and gradients in two flat vectors, per-layer views,
// forward and backward over a caller-owned Workspace (conventions in core/types.h).
//
//   A₀ = X;  Zₗ = Wₗ Aₗ₋₁ + bₗ;  Aₗ = φ(Zₗ) for hidden layers;  P = output(Z_last)
//   backward: dZ_last from the Head, then for l = last…0: the layer's gradient goes to a
//             sink, which also writes dA_{l−1} = Wₗᵀ dZₗ; then dZ_{l−1} = dA_{l−1} ⊙ φ'(Z_{l−1}).
// There is one backward loop. What happens to each layer's gradient is the sink's: stored
// in a flat gradient vector (StoredGradients, ReferenceGradients here), or applied at once
// by an update that never stores it (train/fused_sgd.h). The network owns its parameters
// only: gradients belong to whoever asked for them, so none can be stale.
// The fast passes use nn/dense.h's kernels; reference_forward and ReferenceGradients keep
// the plain Eigen formulation that they are tested against (tests/nn/fast_path_test.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "core/random.h"
#include "nn/architecture.h"
#include "nn/init.h"

namespace mlpscope {

template <class T>
struct Workspace {
  std::vector<Matrix<T>> Z;   // pre-activations of each layer (out_l, N)
  std::vector<Matrix<T>> A;   // activations of each hidden layer (out_l, N)
  Matrix<T> P;                // outputs (K, N)
  std::vector<Matrix<T>> dZ;  // ∂loss/∂Z of each layer (out_l, N)
  std::vector<Matrix<T>> dA;  // ∂loss/∂A of each hidden layer (out_l, N)
  Vector<T> part;  // a helper thread's share of the first layer's product (train/fused_sgd.h)
  // One buffer per layer, each resized only when the batch size changes: steps of one
  // batch size allocate nothing (tests/nn/no_allocation_test.cpp counts it). A single
  // scratch reused layer after layer would be reallocated at every layer of every step.
};

// How biases start: zeros by default, the weights' own init ("same"), or any Init.
struct BiasInit {
  bool same_as_weights = false;
  Init init{InitKind::constant, 0.0, 0.0};
  static BiasInit parse(std::string_view spec);
  std::string name() const;
};

template <class T>
class Network;

// Receives each layer's gradient during backward, from the last layer down to the first.
// input: the layer's input Aₗ₋₁ (X for the first), dZ: ∂(mean loss)/∂Zₗ, both (·, N).
// When dA_below is not null (every layer but the first) the sink writes Wₗᵀ dZ there,
// with Wₗ as it was in the forward pass: the loop continues from it.
template <class T>
class LayerGradientSink {
 public:
  virtual ~LayerGradientSink() = default;
  virtual void layer(Index l, const Matrix<T>& input, const Matrix<T>& dZ, Matrix<T>* dA_below) = 0;
};

template <class T>
class Network {
 public:
  explicit Network(Architecture arch);

  const Architecture& arch() const { return arch_; }
  Index num_layers() const { return arch_.num_layers(); }
  Vector<T>& params() { return params_; }
  const Vector<T>& params() const { return params_; }

  // Layer l's weight matrix and bias inside any flat vector of the parameters' layout: the
  // parameters themselves (W, b) or a gradient (dW, db).
  MatrixMap<T> W_in(Vector<T>& flat, Index l) const {
    return {flat.data() + arch_.offset(l), arch_.fan_out(l), arch_.fan_in(l)};
  }
  VectorMap<T> b_in(Vector<T>& flat, Index l) const {
    return {flat.data() + bias_offset(l), arch_.fan_out(l)};
  }
  MatrixMap<T> W(Index l) { return W_in(params_, l); }
  VectorMap<T> b(Index l) { return b_in(params_, l); }
  ConstMatrixMap<T> W(Index l) const {
    return {params_.data() + arch_.offset(l), arch_.fan_out(l), arch_.fan_in(l)};
  }
  ConstVectorMap<T> b(Index l) const { return {params_.data() + bias_offset(l), arch_.fan_out(l)}; }

  // Draws every weight from `weights` times `scale`, then every bias (draw order: init.h).
  void initialize(const Init& weights, const BiasInit& bias, double scale, Rng& rng);

  // Fills ws.Z, ws.A and ws.P for the batch X (inputs, N).
  void forward(const Matrix<T>& X, Workspace<T>& ws) const;
  // forward from the second layer on, ws.Z[0] already holding the first layer's
  // pre-activation for X (an update that computed it while walking W(0): train/fused_sgd.h).
  void forward_above_first(const Matrix<T>& X, Workspace<T>& ws) const { forward_from(1, X, ws); }

  // The backward loop. After forward on the same X: hands every layer's gradient of the
  // mean loss to `sink`, from the last layer down. Leaves ws.dZ and ws.dA filled.
  void backward(const Matrix<T>& X, const std::int32_t* labels, Workspace<T>& ws,
                LayerGradientSink<T>& sink) const;
  // backward into `grads` (resized to the parameters' length), overwriting it with
  // ∂(mean loss)/∂θ by the fast kernels (nn/dense.h).
  void backward(const Matrix<T>& X, const std::int32_t* labels, Workspace<T>& ws,
                Vector<T>& grads) const;

  // The same passes written as the maths reads (Eigen expressions, no fused kernels):
  // the oracle that tests hold forward, backward and the fused updates against.
  void reference_forward(const Matrix<T>& X, Workspace<T>& ws) const;
  void reference_backward(const Matrix<T>& X, const std::int32_t* labels, Workspace<T>& ws,
                          Vector<T>& grads) const;
  // Throws Error when X does not have the network's number of inputs.
  void check_input(const Matrix<T>& X) const;
  // Σ over the batch of the per-sample loss, after forward.
  double loss_sum(const Workspace<T>& ws, const std::int32_t* labels) const {
    return arch_.head.loss_sum(ws.Z.back(), ws.P, labels);
  }

 private:
  // forward's layers from `first` on, ws.Z[first − 1] already holding its layer's
  // pre-activation (first = 0: all of forward after the input check).
  void forward_from(Index first, const Matrix<T>& X, Workspace<T>& ws) const;
  Index bias_offset(Index l) const { return arch_.offset(l) + arch_.fan_out(l) * arch_.fan_in(l); }
  Architecture arch_;
  Vector<T> params_;
};

// Index of the largest output per column: the predicted class of each sample.
template <class T>
Index count_correct(const Matrix<T>& P, const std::int32_t* labels);

}  // namespace mlpscope
