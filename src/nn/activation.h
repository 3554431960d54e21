// Hidden-layer activations: stateless pairs forward / backward, applied elementwise. Each
// is one row of the table in activation.cpp, which holds its name, formula, paper, the
// properties the diagnosis reads, and its forward and derivative side by side:
//
//   relu        max(0, z)                                   Nair & Hinton 2010
//   leaky_relu  z if z > 0 else slope·z   (default 0.01)    Maas, Hannun & Ng 2013
//   elu         z if z > 0 else α(eᶻ − 1)  (α = 1)          Clevert, Unterthiner & Hochreiter 2016
//   gelu        z·Φ(z), Φ the standard normal CDF (exact)   Hendrycks & Gimpel 2016
//   sigmoid     1 / (1 + e⁻ᶻ)
//   tanh        tanh z
//   softplus    ln(1 + eᶻ), computed as max(z,0) + ln(1 + e^−|z|)   Dugas et al. 2001
//   identity    z
// At the kink of relu and leaky_relu (z = 0) the derivative taken is that of the z ≤ 0
// side, as PyTorch does. Adding an activation: a row in activation.cpp (and an enum value
// here); tests/nn/activation_test.cpp checks every row against finite differences.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/types.h"

namespace mlpscope {

enum class ActivationKind { relu, leaky_relu, elu, gelu, sigmoid, tanh, softplus, identity };

struct ActivationRow;

struct Activation {
  ActivationKind kind = ActivationKind::relu;
  double slope = 0.01;  // leaky_relu's negative slope

  // "relu", "leaky_relu", "leaky_relu:0.2", …; throws Error naming `option`.
  static Activation parse(std::string_view spec, const std::string& option = "activation");
  std::string name() const;
  const ActivationRow& row() const;
  // Units of this kind that output exactly 0 for negative input can die (relu family).
  bool can_die() const;
  // Units with a bounded range saturate (sigmoid, tanh).
  bool can_saturate() const;
  // φ'(z) / max φ', computed from a = φ(z); for the kinds that can saturate.
  double derivative_share(double a) const;
  // E[φ(z)²] / E[z²] for z ~ N(0, s²) with ReLU-like homogeneity; the variance-propagation
  // gain used by initializers and theory: 1/2 for relu, (1+slope²)/2 for leaky_relu, else 1.
  double second_moment_gain() const;

  // Elements below which a pass is not worth handing half of to a helper.
  static constexpr Index kShareMinElements = 1 << 14;

  // A (units, N) ← φ(Z)
  template <class T>
  void forward(const Matrix<T>& Z, Matrix<T>& A) const;
  // dZ ← dA ⊙ φ'(Z); A = φ(Z) is passed so sigmoid and tanh reuse it.
  template <class T>
  void backward(const Matrix<T>& Z, const Matrix<T>& A, const Matrix<T>& dA, Matrix<T>& dZ) const;
};

// One activation: what it is called, what it computes, where it comes from, and its
// kernels for f32 and f64 (`slope` is the row's one parameter, where it takes one).
struct ActivationRow {
  template <class T>
  struct Kernels {  // on blocks of columns, the outputs already sized
    void (*forward)(Eigen::Ref<const Matrix<T>> Z, Eigen::Ref<Matrix<T>> A, T slope);
    void (*backward)(Eigen::Ref<const Matrix<T>> Z, Eigen::Ref<const Matrix<T>> A,
                     Eigen::Ref<const Matrix<T>> dA, Eigen::Ref<Matrix<T>> dZ, T slope);
  };

  ActivationKind kind;
  std::string_view name;
  std::string_view alias;                // another name accepted (identity: linear), or empty
  std::string_view formula;              // φ(z) and φ'(z), as the docs write them
  std::string_view reference;            // the paper, where there is one
  bool takes_slope;                      // leaky_relu[:slope]
  bool can_die;                          // outputs exactly 0 on a half-line: a unit can die
  bool can_saturate;                     // bounded: a unit can saturate
  double (*derivative_share)(double a);  // φ'/max φ' from a = φ(z), for can_saturate
  double (*second_moment_gain)(double slope);
  Kernels<float> f32;
  Kernels<double> f64;
};

// Every activation, in enum order.
std::span<const ActivationRow> activation_table();

}  // namespace mlpscope
