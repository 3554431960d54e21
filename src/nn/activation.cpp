#include "nn/activation.h"

#include <cmath>

#include "core/error.h"
#include "core/strings.h"

namespace mlpscope {

namespace {

constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;

template <class T>
T sigmoid(T z) {
  // Two branches so that exp never overflows.
  if (z >= T(0)) return T(1) / (T(1) + std::exp(-z));
  const T e = std::exp(z);
  return e / (T(1) + e);
}

}  // namespace

Activation Activation::parse(std::string_view spec, const std::string& option) {
  const auto [kind, args] = split_kind(spec);
  Activation a;
  if (kind == "leaky_relu") {
    a.kind = ActivationKind::leaky_relu;
    if (!args.empty()) a.slope = parse_double(args, "option --" + option + " slope");
    if (a.slope < 0 || a.slope >= 1) option_error(option, "leaky_relu slope must be in [0, 1)");
    return a;
  }
  if (!args.empty()) option_error(option, "'" + kind + "' takes no parameter");
  static const std::pair<const char*, ActivationKind> kNames[] = {
      {"relu", ActivationKind::relu},         {"elu", ActivationKind::elu},
      {"gelu", ActivationKind::gelu},         {"sigmoid", ActivationKind::sigmoid},
      {"tanh", ActivationKind::tanh},         {"softplus", ActivationKind::softplus},
      {"identity", ActivationKind::identity}, {"linear", ActivationKind::identity}};
  for (const auto& [name, k] : kNames)
    if (kind == name) {
      a.kind = k;
      return a;
    }
  option_error(option, "unknown activation '" + kind +
                           "' (choose relu, leaky_relu[:slope], elu, gelu, sigmoid, tanh, "
                           "softplus, identity)");
}

std::string Activation::name() const {
  switch (kind) {
    case ActivationKind::relu:
      return "relu";
    case ActivationKind::leaky_relu: {
      std::string s = "leaky_relu:" + std::to_string(slope);
      s.erase(s.find_last_not_of('0') + 1);
      return s;
    }
    case ActivationKind::elu:
      return "elu";
    case ActivationKind::gelu:
      return "gelu";
    case ActivationKind::sigmoid:
      return "sigmoid";
    case ActivationKind::tanh:
      return "tanh";
    case ActivationKind::softplus:
      return "softplus";
    case ActivationKind::identity:
      return "identity";
  }
  return "?";
}

double Activation::second_moment_gain() const {
  if (kind == ActivationKind::relu) return 0.5;
  if (kind == ActivationKind::leaky_relu) return 0.5 * (1.0 + slope * slope);
  return 1.0;
}

template <class T>
void Activation::forward(const Matrix<T>& Z, Matrix<T>& A) const {
  const T s = static_cast<T>(slope);
  switch (kind) {
    case ActivationKind::relu:
      A = Z.cwiseMax(T(0));
      break;
    case ActivationKind::leaky_relu:
      A = Z.unaryExpr([s](T z) { return z > T(0) ? z : s * z; });
      break;
    case ActivationKind::elu:
      A = Z.unaryExpr([](T z) { return z > T(0) ? z : std::expm1(z); });
      break;
    case ActivationKind::gelu:
      A = Z.unaryExpr([](T z) { return T(0.5) * z * (T(1) + std::erf(z * T(kInvSqrt2))); });
      break;
    case ActivationKind::sigmoid:
      A = Z.unaryExpr([](T z) { return sigmoid(z); });
      break;
    case ActivationKind::tanh:
      A = Z.array().tanh();
      break;
    case ActivationKind::softplus:
      A = Z.unaryExpr([](T z) { return std::max(z, T(0)) + std::log1p(std::exp(-std::abs(z))); });
      break;
    case ActivationKind::identity:
      A = Z;
      break;
  }
}

template <class T>
void Activation::backward(const Matrix<T>& Z, const Matrix<T>& A, const Matrix<T>& dA,
                          Matrix<T>& dZ) const {
  const T s = static_cast<T>(slope);
  switch (kind) {
    case ActivationKind::relu:
      dZ = (Z.array() > T(0)).select(dA, T(0));
      break;
    case ActivationKind::leaky_relu:
      dZ = (Z.array() > T(0)).select(dA, s * dA);
      break;
    case ActivationKind::elu:  // φ'(z) = φ(z) + 1 for z ≤ 0
      dZ = (Z.array() > T(0)).select(dA, dA.array() * (A.array() + T(1)));
      break;
    case ActivationKind::gelu:  // φ'(z) = Φ(z) + z·φ(z)
      dZ = dA.binaryExpr(Z, [](T g, T z) {
        const T cdf = T(0.5) * (T(1) + std::erf(z * T(kInvSqrt2)));
        const T pdf = T(kInvSqrt2Pi) * std::exp(T(-0.5) * z * z);
        return g * (cdf + z * pdf);
      });
      break;
    case ActivationKind::sigmoid:  // σ' = σ(1 − σ)
      dZ = dA.array() * A.array() * (T(1) - A.array());
      break;
    case ActivationKind::tanh:  // tanh' = 1 − tanh²
      dZ = dA.array() * (T(1) - A.array().square());
      break;
    case ActivationKind::softplus:  // softplus' = σ
      dZ = dA.binaryExpr(Z, [](T g, T z) { return g * sigmoid(z); });
      break;
    case ActivationKind::identity:
      dZ = dA;
      break;
  }
}

template void Activation::forward<float>(const Matrix<float>&, Matrix<float>&) const;
template void Activation::forward<double>(const Matrix<double>&, Matrix<double>&) const;
template void Activation::backward<float>(const Matrix<float>&, const Matrix<float>&,
                                          const Matrix<float>&, Matrix<float>&) const;
template void Activation::backward<double>(const Matrix<double>&, const Matrix<double>&,
                                           const Matrix<double>&, Matrix<double>&) const;

}  // namespace mlpscope
