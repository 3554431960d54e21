#include "nn/network.h"

#include <utility>

#include "core/error.h"
#include "core/spin_worker.h"
#include "nn/dense.h"

namespace mlpscope {

BiasInit BiasInit::parse(std::string_view spec) {
  if (spec == "same") return BiasInit{true, {}};
  return BiasInit{false, Init::parse(spec, "bias-init")};
}

std::string BiasInit::name() const {
  if (same_as_weights) return "same";
  if (init.kind == InitKind::constant && init.a == 0.0) return "zeros";
  return init.name();
}

template <class T>
Network<T>::Network(Architecture arch) : arch_(std::move(arch)) {
  arch_.validate();
  params_.setZero(arch_.num_params());
  grads_.setZero(arch_.num_params());
}

template <class T>
void Network<T>::initialize(const Init& weights, const BiasInit& bias, double scale, Rng& rng) {
  for (Index l = 0; l < num_layers(); ++l) {
    weights.fill<T>(W(l), rng);
    if (scale != 1.0) W(l) *= static_cast<T>(scale);
  }
  const Init& bias_init = bias.same_as_weights ? weights : bias.init;
  for (Index l = 0; l < num_layers(); ++l) bias_init.fill_bias<T>(b(l), arch_.fan_in(l), rng);
}

template <class T>
void Network<T>::forward(const Matrix<T>& X, Workspace<T>& ws) const {
  const Index L = num_layers();
  check_input(X);
  ws.Z.resize(static_cast<std::size_t>(L));
  ws.A.resize(static_cast<std::size_t>(L - 1));
  forward_from(0, X, ws);
}

template <class T>
void Network<T>::forward_from(Index first, const Matrix<T>& X, Workspace<T>& ws) const {
  const Index L = num_layers();
  if (first > 0 && first < L) {
    const auto below = static_cast<std::size_t>(first - 1);
    arch_.activation.forward(ws.Z[below], ws.A[below]);
  }
  for (Index l = first; l < L; ++l) {
    const Matrix<T>& input = l == 0 ? X : ws.A[static_cast<std::size_t>(l - 1)];
    Matrix<T>& Z = ws.Z[static_cast<std::size_t>(l)];
    dense_forward<T>(W(l), b(l), input, Z);
    if (l + 1 < L) arch_.activation.forward(Z, ws.A[static_cast<std::size_t>(l)]);
  }
  arch_.head.forward(ws.Z.back(), ws.P);
}

template <class T>
void Network<T>::backward(const Matrix<T>& X, const std::int32_t* labels, Workspace<T>& ws) {
  const Index L = num_layers();
  ws.dZ.resize(static_cast<std::size_t>(L));
  ws.dA.resize(static_cast<std::size_t>(L - 1));
  arch_.head.backward(ws.Z.back(), ws.P, labels, ws.dZ.back());
  for (Index l = L - 1; l >= 0; --l) {
    const auto k = static_cast<std::size_t>(l) - 1;  // the hidden layer below; read only if l > 0
    const Matrix<T>& input = l == 0 ? X : ws.A[k];
    MatrixMap<T> dWl = dW(l);
    VectorMap<T> dbl = db(l);
    dense_backward<T>(std::as_const(*this).W(l), input, ws.dZ[static_cast<std::size_t>(l)], dWl, dbl, l > 0 ? &ws.dA[k] : nullptr);
    if (l > 0) arch_.activation.backward(ws.Z[k], ws.A[k], ws.dA[k], ws.dZ[k]);
  }
}

template <class T>
void Network<T>::backward_sgd(const Matrix<T>& X, const std::int32_t* labels, Workspace<T>& ws,
                              T lr) {
  const Index L = num_layers();
  ws.dZ.resize(static_cast<std::size_t>(L));
  ws.dA.resize(static_cast<std::size_t>(L - 1));
  arch_.head.backward(ws.Z.back(), ws.P, labels, ws.dZ.back());
  for (Index l = L - 1; l >= 0; --l) {
    const auto k = static_cast<std::size_t>(l) - 1;  // the hidden layer below; read only if l > 0
    const Matrix<T>& input = l == 0 ? X : ws.A[k];
    MatrixMap<T> Wl = W(l);
    VectorMap<T> bl = b(l);
    dense_backward_sgd<T>(Wl, bl, input, ws.dZ[static_cast<std::size_t>(l)], lr, l > 0 ? &ws.dA[k] : nullptr);
    if (l > 0) arch_.activation.backward(ws.Z[k], ws.A[k], ws.dA[k], ws.dZ[k]);
  }
}

namespace {

// The helper's part of the first layer's walk (a SpinWorker task): the step of the columns
// [first, first + count) and their share of the next sample's product, from zero.
template <class T>
struct FirstLayerColumns {
  MatrixMap<T>* W;
  const T* x;
  const T* delta;
  T lr;
  const T* x_next;
  Index first, count;
  Vector<T>* part;

  static void run(void* context) {
    auto& c = *static_cast<FirstLayerColumns*>(context);
    c.part->setZero();
    dense_sgd_step_then_forward_columns<T>(*c.W, c.x, c.delta, c.lr, c.x_next, c.first, c.count, c.part->data());
  }
};

}  // namespace

template <class T>
void Network<T>::backward_sgd_then_forward(const Matrix<T>& X, const std::int32_t* labels,
                                           Workspace<T>& ws, T lr, const Matrix<T>& X_next,
                                           SpinWorker* helper) {
  const Index L = num_layers();
  check_input(X_next);
  if (X.cols() != 1 || X_next.cols() != 1) {
    backward_sgd(X, labels, ws, lr);
    forward(X_next, ws);
    return;
  }
  ws.dZ.resize(static_cast<std::size_t>(L));
  ws.dA.resize(static_cast<std::size_t>(L - 1));
  arch_.head.backward(ws.Z.back(), ws.P, labels, ws.dZ.back());
  for (Index l = L - 1; l >= 1; --l) {
    const auto k = static_cast<std::size_t>(l) - 1;
    MatrixMap<T> Wl = W(l);
    VectorMap<T> bl = b(l);
    dense_backward_sgd<T>(Wl, bl, ws.A[k], ws.dZ[static_cast<std::size_t>(l)], lr, &ws.dA[k]);
    arch_.activation.backward(ws.Z[k], ws.A[k], ws.dA[k], ws.dZ[k]);
  }
  // Layer 0's step and the next sample's first product in one walk over W(0); ws.Z[0]
  // is free: the activation's backward above was its last reader.
  MatrixMap<T> W0 = W(0);
  VectorMap<T> b0 = b(0);
  const T* delta = ws.dZ[0].data();
  T* z = ws.Z[0].data();
  // With a helper each thread walks one half of the columns, a contiguous block: half of
  // a 784×256 float layer is 392 KiB and stays in its core's 512 KiB L2 from one sample
  // to the next, where the whole streams from L3. The helper's share of the product is
  // added at the end, so the sum is grouped differently from one thread's (last bits).
  const Index split = helper && W0.cols() >= kSplitMinInputs ? W0.cols() / 2 : 0;
  if (split == 0) {
    dense_sgd_step_then_forward<T>(W0, b0, X.data(), delta, lr, X_next.data(), z);
  } else {
    ws.part.resize(W0.rows());
    FirstLayerColumns<T> upper{&W0, X.data(), delta, lr, X_next.data(), split, W0.cols() - split, &ws.part};
    helper->start(&FirstLayerColumns<T>::run, &upper);
    b0.noalias() -= lr * ConstVectorMap<T>(delta, W0.rows());
    VectorMap<T>(z, W0.rows()) = b0;
    dense_sgd_step_then_forward_columns<T>(W0, X.data(), delta, lr, X_next.data(), 0, split, z);
    helper->wait();
    VectorMap<T>(z, W0.rows()) += ws.part;
  }
  forward_from(1, X_next, ws);
}

template <class T>
void Network<T>::reference_forward(const Matrix<T>& X, Workspace<T>& ws) const {
  const Index L = num_layers();
  check_input(X);
  ws.Z.resize(static_cast<std::size_t>(L));
  ws.A.resize(static_cast<std::size_t>(L - 1));
  for (Index l = 0; l < L; ++l) {
    const Matrix<T>& input = l == 0 ? X : ws.A[static_cast<std::size_t>(l - 1)];
    Matrix<T>& Z = ws.Z[static_cast<std::size_t>(l)];
    reference_dense_forward<T>(W(l), b(l), input, Z);
    if (l + 1 < L) arch_.activation.forward(Z, ws.A[static_cast<std::size_t>(l)]);
  }
  arch_.head.forward(ws.Z.back(), ws.P);
}

template <class T>
void Network<T>::reference_backward(const Matrix<T>& X, const std::int32_t* labels,
                                    Workspace<T>& ws) {
  const Index L = num_layers();
  ws.dZ.resize(static_cast<std::size_t>(L));
  ws.dA.resize(static_cast<std::size_t>(L - 1));
  arch_.head.backward(ws.Z.back(), ws.P, labels, ws.dZ.back());
  for (Index l = L - 1; l >= 0; --l) {
    const auto k = static_cast<std::size_t>(l) - 1;  // the hidden layer below; read only if l > 0
    const Matrix<T>& input = l == 0 ? X : ws.A[k];
    MatrixMap<T> dWl = dW(l);
    VectorMap<T> dbl = db(l);
    reference_dense_backward<T>(std::as_const(*this).W(l), input, ws.dZ[static_cast<std::size_t>(l)], dWl, dbl,
                                l > 0 ? &ws.dA[k] : nullptr);
    if (l > 0) arch_.activation.backward(ws.Z[k], ws.A[k], ws.dA[k], ws.dZ[k]);
  }
}

template <class T>
void Network<T>::check_input(const Matrix<T>& X) const {
  if (X.rows() != arch_.fan_in(0))
    throw Error("input has " + std::to_string(X.rows()) + " features, the network expects " +
                std::to_string(arch_.fan_in(0)));
}

template <class T>
Index count_correct(const Matrix<T>& P, const std::int32_t* labels) {
  Index correct = 0;
  for (Index j = 0; j < P.cols(); ++j) {
    Index best = 0;
    P.col(j).maxCoeff(&best);
    correct += best == labels[j];
  }
  return correct;
}

template class Network<float>;
template class Network<double>;
template Index count_correct<float>(const Matrix<float>&, const std::int32_t*);
template Index count_correct<double>(const Matrix<double>&, const std::int32_t*);

}  // namespace mlpscope
