// How a training step changes the parameters: the one interface between the trainer and
// every optimizer. The trainer runs the forward pass; an Update takes it from there.
//
//   OptimizerUpdate  backward into its own gradient vector, then Optimizer::step
//                    (train/optimizer.h): momentum, nesterov, adam, rmsprop
//   FusedSgd         plain SGD taken inside the backward pass, the gradient never stored
//                    (train/fused_sgd.h): --optimizer sgd
#pragma once

#include <cstdint>
#include <memory>

#include "core/spin_worker.h"
#include "nn/network.h"
#include "train/optimizer.h"

namespace mlpscope {

template <class T>
class Update {
 public:
  virtual ~Update() = default;
  // After net.forward(X, ws): one step of θ with learning rate lr.
  virtual void step(Network<T>& net, const Matrix<T>& X, const std::int32_t* labels,
                    Workspace<T>& ws, double lr) = 0;
  // step on X, then net.forward(X_next, ws). An update may share work between the two
  // (FusedSgd at one sample: one walk over the first layer's weights for both) and may
  // split it with `helper` (not null); the trainer asks when it knows the next sample.
  virtual void step_then_forward(Network<T>& net, const Matrix<T>& X, const std::int32_t* labels,
                                 Workspace<T>& ws, double lr, const Matrix<T>& X_next,
                                 SpinWorker* /*helper*/) {
    step(net, X, labels, ws, lr);
    net.forward(X_next, ws);
  }
  // Whether step_then_forward saves anything over step, then forward.
  virtual bool fuses_next_forward() const { return false; }
};

// The update of an optimizer over the stored gradient.
template <class T>
class OptimizerUpdate final : public Update<T> {
 public:
  OptimizerUpdate(const OptimizerSpec& spec, Index num_params)
      : optimizer_(spec, num_params), grads_(Vector<T>::Zero(num_params)) {}
  void step(Network<T>& net, const Matrix<T>& X, const std::int32_t* labels, Workspace<T>& ws,
            double lr) override {
    net.backward(X, labels, ws, grads_);
    optimizer_.step(net.params(), grads_, lr);
  }

 private:
  Optimizer<T> optimizer_;
  Vector<T> grads_;
};

// FusedSgd for the optimizer whose row is fused (sgd), OptimizerUpdate for every other.
template <class T>
std::unique_ptr<Update<T>> make_update(const OptimizerSpec& spec, Index num_params);

}  // namespace mlpscope
