#include "check/backprop_mistakes.h"

#include "core/blas.h"
#include "nn/loss.h"

namespace mlpscope {

namespace {

// φ'(z) depends only on the sign of z, and φ keeps the sign: φ'(φ(z)) = φ'(z) exactly.
bool derivative_follows_sign(ActivationKind kind) {
  return kind == ActivationKind::relu || kind == ActivationKind::leaky_relu ||
         kind == ActivationKind::identity;
}

Matrix<double> one_hot(const std::vector<std::int32_t>& labels, Index classes) {
  Matrix<double> Y = Matrix<double>::Zero(classes, static_cast<Index>(labels.size()));
  for (std::size_t j = 0; j < labels.size(); ++j) Y(labels[j], static_cast<Index>(j)) = 1.0;
  return Y;
}

}  // namespace

std::vector<Mistake> possible_mistakes(const Architecture& arch) {
  std::vector<Mistake> m{{MistakeKind::none}};
  const OutputKind out = arch.head.output;
  if (arch.head.loss == LossKind::mse && out != OutputKind::identity)
    m.push_back({MistakeKind::output_delta_p_minus_y});
  if (out == OutputKind::softmax || (out == OutputKind::sigmoid && arch.head.loss != LossKind::mse))
    m.push_back({MistakeKind::output_elementwise_derivative});
  const Index layers = arch.num_layers();
  const bool every = layers > 2;  // "every layer" differs from "layer 1" only with 2+ hidden
  const bool identity = arch.activation.kind == ActivationKind::identity;
  const bool by_sign = derivative_follows_sign(arch.activation.kind);
  for (Index h = 0; h + 1 < layers; ++h) {  // the hidden layers' deltas
    if (!identity) m.push_back({MistakeKind::missing_activation_derivative, h});
    if (!by_sign) m.push_back({MistakeKind::derivative_at_activation, h});
  }
  for (Index l = 1; l < layers; ++l)  // the layers whose input is a hidden layer's output
    if (!identity) m.push_back({MistakeKind::preactivation_as_input, l});
  if (every && !identity) m.push_back({MistakeKind::missing_activation_derivative});
  if (every && !by_sign) m.push_back({MistakeKind::derivative_at_activation});
  if (every && !identity) m.push_back({MistakeKind::preactivation_as_input});
  for (Index l = 0; l < layers; ++l)
    if (arch.fan_in(l) == arch.fan_out(l)) m.push_back({MistakeKind::transposed, l});
  return m;
}

BackpropMistakes::BackpropMistakes(const Network<double>& net, Matrix<double> X,
                                   std::vector<std::int32_t> labels, bool with_biases)
    : net_(net), X_(std::move(X)), labels_(std::move(labels)), with_biases_(with_biases) {
  net_.check_input(X_);
  net_.forward(X_, ws_);
}

Matrix<double> BackpropMistakes::output_delta(const Mistake& mistake) const {
  const Head& head = net_.arch().head;
  const Matrix<double>& P = ws_.P;
  const double n = static_cast<double>(X_.cols());
  Matrix<double> dZ(P.rows(), P.cols());
  if (mistake.kind == MistakeKind::output_delta_p_minus_y)
    return (P - one_hot(labels_, P.rows())) / n;
  if (mistake.kind != MistakeKind::output_elementwise_derivative) {
    head.backward(ws_.Z.back(), P, labels_.data(), dZ);
    return dZ;
  }
  // The elementwise p(1 − p) applied to what should have been the delta: for a fused loss
  // the delta at the logits, for MSE the gradient at the outputs.
  if (head.loss_row().fused_with)
    head.backward(ws_.Z.back(), P, labels_.data(), dZ);
  else
    dZ = 2.0 * (P - one_hot(labels_, P.rows())) / (n * static_cast<double>(P.rows()));
  return dZ.cwiseProduct(P.cwiseProduct((1.0 - P.array()).matrix()));
}

void BackpropMistakes::hidden_delta(Index h, const Mistake& mistake, const Matrix<double>& dA,
                                    Matrix<double>& dZ) const {
  const Activation& phi = net_.arch().activation;
  const auto hidden = static_cast<std::size_t>(h);
  if (mistake.kind == MistakeKind::missing_activation_derivative && mistake.at(h)) {
    dZ = dA;
  } else if (mistake.kind == MistakeKind::derivative_at_activation && mistake.at(h)) {
    Matrix<double> phi_of_a(dA.rows(), dA.cols());
    phi.forward(ws_.A[hidden], phi_of_a);
    phi.backward(ws_.A[hidden], phi_of_a, dA, dZ);  // φ'(·) evaluated at A_h
  } else {
    phi.backward(ws_.Z[hidden], ws_.A[hidden], dA, dZ);
  }
}

bool BackpropMistakes::gradient(const Mistake& mistake, Vector<double>& gradient,
                                const LayerDone& layer_done) const {
  gradient.setZero(net_.arch().num_params());
  Matrix<double> dZ = output_delta(mistake);
  Matrix<double> dA, dZ_below;
  for (Index l = net_.num_layers() - 1; l >= 0; --l) {
    const bool preact =
        mistake.kind == MistakeKind::preactivation_as_input && mistake.at(l) && l > 0;
    const auto below = static_cast<std::size_t>(l - 1);
    const Matrix<double>& input = l == 0 ? X_ : preact ? ws_.Z[below] : ws_.A[below];
    auto dW = net_.W_in(gradient, l);
    gemm<double>(Op::none, Op::transpose, 1.0, dZ, input, 0.0, dW);
    if (mistake.kind == MistakeKind::transposed && mistake.at(l)) dW.transposeInPlace();
    if (with_biases_) net_.b_in(gradient, l) = dZ.rowwise().sum();
    if (layer_done && !layer_done(l, gradient)) return false;
    if (l == 0) break;
    dA.resize(net_.arch().fan_in(l), dZ.cols());
    gemm<double>(Op::transpose, Op::none, 1.0, net_.W(l), dZ, 0.0, dA);
    dZ_below.resize(dA.rows(), dA.cols());
    hidden_delta(l - 1, mistake, dA, dZ_below);
    dZ.swap(dZ_below);
  }
  return true;
}

}  // namespace mlpscope
