// A multilayer perceptron: parameters and gradients in two flat vectors, per-layer views,
// forward and backward over a caller-owned Workspace (conventions in core/types.h).
//
//   A₀ = X;  Zₗ = Wₗ Aₗ₋₁ + bₗ;  Aₗ = φ(Zₗ) for hidden layers;  P = output(Z_last)
//   backward: dZ_last from the Head, then for l = last…1: dense_backward, dZ = dA ⊙ φ'(Z).
// The fast passes (forward, backward, backward_sgd) use nn/dense.h's kernels;
// reference_forward / reference_backward keep
// the plain Eigen formulation that they are tested against (tests/nn/fast_path_test.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "core/random.h"
#include "nn/architecture.h"
#include "nn/init.h"

namespace mlpscope {

class SpinWorker;  // core/spin_worker.h

template <class T>
struct Workspace {
  std::vector<Matrix<T>> Z;  // pre-activations of each layer (out_l, N)
  std::vector<Matrix<T>> A;  // activations of each hidden layer (out_l, N)
  Matrix<T> P;               // outputs (K, N)
  std::vector<Matrix<T>> dZ;  // ∂loss/∂Z of each layer (out_l, N)
  std::vector<Matrix<T>> dA;  // ∂loss/∂A of each hidden layer (out_l, N)
  Vector<T> part;  // a helper thread's share of the first layer's product (online SGD)
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
class Network {
 public:
  explicit Network(Architecture arch);

  const Architecture& arch() const { return arch_; }
  Index num_layers() const { return arch_.num_layers(); }
  Vector<T>& params() { return params_; }
  const Vector<T>& params() const { return params_; }
  Vector<T>& grads() { return grads_; }
  const Vector<T>& grads() const { return grads_; }

  MatrixMap<T> W(Index l) { return {params_.data() + arch_.offset(l), arch_.fan_out(l), arch_.fan_in(l)}; }
  VectorMap<T> b(Index l) { return {params_.data() + bias_offset(l), arch_.fan_out(l)}; }
  ConstMatrixMap<T> W(Index l) const { return {params_.data() + arch_.offset(l), arch_.fan_out(l), arch_.fan_in(l)}; }
  ConstVectorMap<T> b(Index l) const { return {params_.data() + bias_offset(l), arch_.fan_out(l)}; }
  MatrixMap<T> dW(Index l) { return {grads_.data() + arch_.offset(l), arch_.fan_out(l), arch_.fan_in(l)}; }
  VectorMap<T> db(Index l) { return {grads_.data() + bias_offset(l), arch_.fan_out(l)}; }

  // Draws every weight from `weights` times `scale`, then every bias (draw order: init.h).
  void initialize(const Init& weights, const BiasInit& bias, double scale, Rng& rng);

  // Fills ws.Z, ws.A and ws.P for the batch X (inputs, N).
  void forward(const Matrix<T>& X, Workspace<T>& ws) const;
  // After forward on the same X: overwrites grads() with ∂(mean loss)/∂params.
  void backward(const Matrix<T>& X, const std::int32_t* labels, Workspace<T>& ws);
  // After forward on the same X: one plain SGD step, θ ← θ − lr·∂(mean loss)/∂θ, fused
  // into the backward pass (nn/dense.h). grads() is left as it was: for callers that
  // need nothing but the step (the trainer with --optimizer sgd; probes take their own
  // gradients on a copy).
  void backward_sgd(const Matrix<T>& X, const std::int32_t* labels, Workspace<T>& ws, T lr);
  // backward_sgd on X, then forward on X_next, with the same results to the bit; at one
  // sample per batch the first layer's step and X_next's first product share one walk
  // over the first layer's weights (nn/dense.h). For online SGD, which knows its next
  // sample: ws is left as forward(X_next) leaves it. With a helper thread (not null) the
  // two threads walk half of the first layer's columns each; the first product then sums
  // in another order (the same values to the last bits, and the same bits run to run).
  void backward_sgd_then_forward(const Matrix<T>& X, const std::int32_t* labels,
                                 Workspace<T>& ws, T lr, const Matrix<T>& X_next,
                                 SpinWorker* helper = nullptr);
  // The helper takes a share only of a first layer with at least this many inputs:
  // below it the walk is shorter than the hand-over is worth.
  static constexpr Index kSplitMinInputs = 64;

  // The same passes written as the maths reads (Eigen expressions, no fused kernels):
  // the oracle that tests hold forward, backward and backward_sgd against.
  void reference_forward(const Matrix<T>& X, Workspace<T>& ws) const;
  void reference_backward(const Matrix<T>& X, const std::int32_t* labels, Workspace<T>& ws);
  // Σ over the batch of the per-sample loss, after forward.
  double loss_sum(const Workspace<T>& ws, const std::int32_t* labels) const {
    return arch_.head.loss_sum(ws.Z.back(), ws.P, labels);
  }

 private:
  // forward's layers from `first` on, ws.Z[first − 1] already holding its layer's
  // pre-activation (first = 0: all of forward after the input check).
  void forward_from(Index first, const Matrix<T>& X, Workspace<T>& ws) const;
  Index bias_offset(Index l) const { return arch_.offset(l) + arch_.fan_out(l) * arch_.fan_in(l); }
  // Throws Error when X does not have the network's number of inputs.
  void check_input(const Matrix<T>& X) const;

  Architecture arch_;
  Vector<T> params_;
  Vector<T> grads_;
};

// Index of the largest output per column: the predicted class of each sample.
template <class T>
Index count_correct(const Matrix<T>& P, const std::int32_t* labels);

}  // namespace mlpscope
