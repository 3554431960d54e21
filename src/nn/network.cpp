#include "nn/network.h"

#include <utility>

#include "core/error.h"
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

namespace {

// The gradient stored in a flat vector by a dense layer's backward kernel: the fast one
// (dense_backward) or the formulas as they read (reference_dense_backward, the oracle).
template <class T>
using DenseBackward = void (*)(const ConstMatrixMap<T>&, const Matrix<T>&, const Matrix<T>&,
                               MatrixMap<T>&, VectorMap<T>&, Matrix<T>*);

template <class T, DenseBackward<T> kernel>
class StoredGradients final : public LayerGradientSink<T> {
 public:
  StoredGradients(const Network<T>& net, Vector<T>& grads) : net_(net), grads_(grads) {}
  void layer(Index l, const Matrix<T>& input, const Matrix<T>& dZ, Matrix<T>* dA_below) override {
    MatrixMap<T> dW = net_.W_in(grads_, l);
    VectorMap<T> db = net_.b_in(grads_, l);
    kernel(net_.W(l), input, dZ, dW, db, dA_below);
  }

 private:
  const Network<T>& net_;
  Vector<T>& grads_;
};

}  // namespace

template <class T>
void Network<T>::backward(const Matrix<T>& X, const std::int32_t* labels, Workspace<T>& ws,
                          LayerGradientSink<T>& sink) const {
  const Index L = num_layers();
  ws.dZ.resize(static_cast<std::size_t>(L));
  ws.dA.resize(static_cast<std::size_t>(L - 1));
  arch_.head.backward(ws.Z.back(), ws.P, labels, ws.dZ.back());
  for (Index l = L - 1; l >= 0; --l) {
    const auto k = static_cast<std::size_t>(l) - 1;  // the hidden layer below; read only if l > 0
    const Matrix<T>& input = l == 0 ? X : ws.A[k];
    sink.layer(l, input, ws.dZ[static_cast<std::size_t>(l)], l > 0 ? &ws.dA[k] : nullptr);
    if (l > 0) arch_.activation.backward(ws.Z[k], ws.A[k], ws.dA[k], ws.dZ[k]);
  }
}

template <class T>
void Network<T>::backward(const Matrix<T>& X, const std::int32_t* labels, Workspace<T>& ws,
                          Vector<T>& grads) const {
  if (grads.size() != params_.size()) grads.resize(params_.size());
  StoredGradients<T, &dense_backward<T>> sink(*this, grads);
  backward(X, labels, ws, sink);
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
                                    Workspace<T>& ws, Vector<T>& grads) const {
  if (grads.size() != params_.size()) grads.resize(params_.size());
  StoredGradients<T, &reference_dense_backward<T>> sink(*this, grads);
  backward(X, labels, ws, sink);
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
