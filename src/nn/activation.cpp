#include "nn/activation.h"

#include <cmath>
#include <type_traits>

#include "core/dtype_row.h"
#include "core/error.h"
#include "core/shared_work.h"
#include "core/strings.h"

namespace mlpscope {

namespace {

template <class T>
using ConstRef = Eigen::Ref<const Matrix<T>>;
template <class T>
using Ref = Eigen::Ref<Matrix<T>>;

constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;

template <class T>
T sigmoid(T z) {
  // Two branches so that exp never overflows.
  if (z >= T(0)) return T(1) / (T(1) + std::exp(-z));
  const T e = std::exp(z);
  return e / (T(1) + e);
}

// Each activation: φ (forward) and dZ = dA ⊙ φ'(Z) (backward), side by side. The
// expressions are Eigen's vectorized ones where Eigen has them (max, select, tanh).

struct Relu {
  template <class T>
  static void forward(ConstRef<T> Z, Ref<T> A, T) {
    A = Z.cwiseMax(T(0));
  }
  template <class T>
  static void backward(ConstRef<T> Z, ConstRef<T>, ConstRef<T> dA, Ref<T> dZ, T) {
    dZ = (Z.array() > T(0)).select(dA, T(0));
  }
};

struct LeakyRelu {
  template <class T>
  static void forward(ConstRef<T> Z, Ref<T> A, T s) {
    A = Z.unaryExpr([s](T z) { return z > T(0) ? z : s * z; });
  }
  template <class T>
  static void backward(ConstRef<T> Z, ConstRef<T>, ConstRef<T> dA, Ref<T> dZ, T s) {
    dZ = (Z.array() > T(0)).select(dA, s * dA);
  }
};

struct Elu {
  template <class T>
  static void forward(ConstRef<T> Z, Ref<T> A, T) {
    A = Z.unaryExpr([](T z) { return z > T(0) ? z : std::expm1(z); });
  }
  template <class T>  // φ'(z) = φ(z) + 1 for z ≤ 0
  static void backward(ConstRef<T> Z, ConstRef<T> A, ConstRef<T> dA, Ref<T> dZ, T) {
    dZ = (Z.array() > T(0)).select(dA, dA.array() * (A.array() + T(1)));
  }
};

struct Gelu {
  template <class T>
  static void forward(ConstRef<T> Z, Ref<T> A, T) {
    A = Z.unaryExpr([](T z) { return T(0.5) * z * (T(1) + std::erf(z * T(kInvSqrt2))); });
  }
  template <class T>  // φ'(z) = Φ(z) + z·φ(z)
  static void backward(ConstRef<T> Z, ConstRef<T>, ConstRef<T> dA, Ref<T> dZ, T) {
    dZ = dA.binaryExpr(Z, [](T g, T z) {
      const T cdf = T(0.5) * (T(1) + std::erf(z * T(kInvSqrt2)));
      const T pdf = T(kInvSqrt2Pi) * std::exp(T(-0.5) * z * z);
      return g * (cdf + z * pdf);
    });
  }
};

struct Sigmoid {
  template <class T>
  static void forward(ConstRef<T> Z, Ref<T> A, T) {
    A = Z.unaryExpr([](T z) { return sigmoid(z); });
  }
  template <class T>  // σ' = σ(1 − σ)
  static void backward(ConstRef<T>, ConstRef<T> A, ConstRef<T> dA, Ref<T> dZ, T) {
    dZ = dA.array() * A.array() * (T(1) - A.array());
  }
  static double derivative_share(double a) { return 4.0 * a * (1.0 - a); }  // max σ' = 1/4
};

struct Tanh {
  template <class T>
  static void forward(ConstRef<T> Z, Ref<T> A, T) {
    A = Z.array().tanh();
  }
  template <class T>  // tanh' = 1 − tanh²
  static void backward(ConstRef<T>, ConstRef<T> A, ConstRef<T> dA, Ref<T> dZ, T) {
    dZ = dA.array() * (T(1) - A.array().square());
  }
  static double derivative_share(double a) { return 1.0 - a * a; }  // max tanh' = 1
};

struct Softplus {
  template <class T>
  static void forward(ConstRef<T> Z, Ref<T> A, T) {
    A = Z.unaryExpr([](T z) { return std::max(z, T(0)) + std::log1p(std::exp(-std::abs(z))); });
  }
  template <class T>  // softplus' = σ
  static void backward(ConstRef<T> Z, ConstRef<T>, ConstRef<T> dA, Ref<T> dZ, T) {
    dZ = dA.binaryExpr(Z, [](T g, T z) { return g * sigmoid(z); });
  }
};

struct Identity {
  template <class T>
  static void forward(ConstRef<T> Z, Ref<T> A, T) {
    A = Z;
  }
  template <class T>
  static void backward(ConstRef<T>, ConstRef<T>, ConstRef<T> dA, Ref<T> dZ, T) {
    dZ = dA;
  }
};

template <class Kind, class T>
constexpr ActivationRow::Kernels<T> kernels() {
  return {&Kind::template forward<T>, &Kind::template backward<T>};
}

// The variance-propagation gains (He et al. 2015, §2.2): a positively homogeneous φ that
// zeroes one half-line keeps half the second moment; a leaky one keeps (1 + slope²)/2.
double half_gain(double) { return 0.5; }
double leaky_gain(double slope) { return 0.5 * (1.0 + slope * slope); }
double unit_gain(double) { return 1.0; }

// clang-format off
constexpr ActivationRow kActivations[] = {
    {ActivationKind::relu, "relu", "", "max(0, z); φ' = 1 if z > 0 else 0",
     "Nair & Hinton 2010", false, true, false, nullptr, half_gain,
     kernels<Relu, float>(), kernels<Relu, double>()},
    {ActivationKind::leaky_relu, "leaky_relu", "", "z if z > 0 else slope·z; φ' = 1 or slope",
     "Maas, Hannun & Ng 2013", true, false, false, nullptr, leaky_gain,
     kernels<LeakyRelu, float>(), kernels<LeakyRelu, double>()},
    {ActivationKind::elu, "elu", "", "z if z > 0 else eᶻ − 1; φ' = 1 or φ(z) + 1",
     "Clevert, Unterthiner & Hochreiter 2016", false, false, false, nullptr, unit_gain,
     kernels<Elu, float>(), kernels<Elu, double>()},
    {ActivationKind::gelu, "gelu", "", "z·Φ(z); φ' = Φ(z) + z·N(z; 0, 1)",
     "Hendrycks & Gimpel 2016", false, false, false, nullptr, unit_gain,
     kernels<Gelu, float>(), kernels<Gelu, double>()},
    {ActivationKind::sigmoid, "sigmoid", "", "1 / (1 + e⁻ᶻ); φ' = φ(1 − φ)", "", false, false,
     true, Sigmoid::derivative_share, unit_gain,
     kernels<Sigmoid, float>(), kernels<Sigmoid, double>()},
    {ActivationKind::tanh, "tanh", "", "tanh z; φ' = 1 − φ²", "", false, false, true,
     Tanh::derivative_share, unit_gain,
     kernels<Tanh, float>(), kernels<Tanh, double>()},
    {ActivationKind::softplus, "softplus", "", "ln(1 + eᶻ); φ' = σ(z)", "Dugas et al. 2001",
     false, false, false, nullptr, unit_gain,
     kernels<Softplus, float>(), kernels<Softplus, double>()},
    {ActivationKind::identity, "identity", "linear", "z; φ' = 1", "", false, false, false,
     nullptr, unit_gain,
     kernels<Identity, float>(), kernels<Identity, double>()},
};
// clang-format on

std::string choices() {
  std::string list;
  for (const ActivationRow& row : kActivations) {
    if (!list.empty()) list += ", ";
    list += row.name;
    if (row.takes_slope) list += "[:slope]";
  }
  return list;
}

}  // namespace

std::span<const ActivationRow> activation_table() { return kActivations; }

const ActivationRow& Activation::row() const { return kActivations[static_cast<int>(kind)]; }

Activation Activation::parse(std::string_view spec, const std::string& option) {
  const auto [kind, args] = split_kind(spec);
  for (const ActivationRow& row : kActivations) {
    if (kind != row.name && (row.alias.empty() || kind != row.alias)) continue;
    Activation a;
    a.kind = row.kind;
    if (!row.takes_slope) {
      if (!args.empty()) setting_error(option, "'" + kind + "' takes no parameter");
      return a;
    }
    if (!args.empty()) a.slope = setting_double(args, option, "slope");
    if (a.slope < 0 || a.slope >= 1) setting_error(option, kind + " slope must be in [0, 1)");
    return a;
  }
  setting_error(option, "unknown activation '" + kind + "' (choose " + choices() + ")");
}

std::string Activation::name() const {
  std::string s(row().name);
  if (!row().takes_slope) return s;
  s += ':';
  s += std::to_string(slope);
  s.erase(s.find_last_not_of('0') + 1);
  return s;
}

bool Activation::can_die() const { return row().can_die; }
bool Activation::can_saturate() const { return row().can_saturate; }
double Activation::derivative_share(double a) const { return row().derivative_share(a); }
double Activation::second_moment_gain() const { return row().second_moment_gain(slope); }

// With a helper (core/shared_work.h) each pass is done in two column blocks, one per core:
// each element is computed alone, by the same code, so the blocks give the same bits.
template <class T>
void Activation::forward(const Matrix<T>& Z, Matrix<T>& A) const {
  if (A.rows() != Z.rows() || A.cols() != Z.cols()) A.resize(Z.rows(), Z.cols());
  const auto kernel = for_dtype<T>(row()).forward;
  const T s = static_cast<T>(slope);
  in_column_halves<T>(Z.rows(), Z.cols(), kShareMinElements, [&](Index first, Index count) {
    kernel(Z.middleCols(first, count), A.middleCols(first, count), s);
  });
}

template <class T>
void Activation::backward(const Matrix<T>& Z, const Matrix<T>& A, const Matrix<T>& dA,
                          Matrix<T>& dZ) const {
  if (dZ.rows() != dA.rows() || dZ.cols() != dA.cols()) dZ.resize(dA.rows(), dA.cols());
  const auto kernel = for_dtype<T>(row()).backward;
  const T s = static_cast<T>(slope);
  in_column_halves<T>(dA.rows(), dA.cols(), kShareMinElements, [&](Index first, Index count) {
    kernel(Z.middleCols(first, count), A.middleCols(first, count), dA.middleCols(first, count),
           dZ.middleCols(first, count), s);
  });
}

template void Activation::forward<float>(const Matrix<float>&, Matrix<float>&) const;
template void Activation::forward<double>(const Matrix<double>&, Matrix<double>&) const;
template void Activation::backward<float>(const Matrix<float>&, const Matrix<float>&,
                                          const Matrix<float>&, Matrix<float>&) const;
template void Activation::backward<double>(const Matrix<double>&, const Matrix<double>&,
                                           const Matrix<double>&, Matrix<double>&) const;

}  // namespace mlpscope
