// Hidden-layer activations: stateless pairs forward / backward, applied elementwise.
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
// side, as PyTorch does.
#pragma once

#include <string>
#include <string_view>

#include "core/types.h"

namespace mlpscope {

enum class ActivationKind { relu, leaky_relu, elu, gelu, sigmoid, tanh, softplus, identity };

struct Activation {
  ActivationKind kind = ActivationKind::relu;
  double slope = 0.01;  // leaky_relu's negative slope

  // "relu", "leaky_relu", "leaky_relu:0.2", …; throws Error naming `option`.
  static Activation parse(std::string_view spec, const std::string& option = "activation");
  std::string name() const;
  // Units of this kind that output exactly 0 for negative input can die (relu family).
  bool can_die() const { return kind == ActivationKind::relu; }
  // Units with a bounded range saturate (sigmoid, tanh).
  bool can_saturate() const {
    return kind == ActivationKind::sigmoid || kind == ActivationKind::tanh;
  }
  // E[φ(z)²] / E[z²] for z ~ N(0, s²) with ReLU-like homogeneity; the variance-propagation
  // gain used by initializers and theory: 1/2 for relu, (1+slope²)/2 for leaky_relu, else 1.
  double second_moment_gain() const;

  // A (units, N) ← φ(Z)
  template <class T>
  void forward(const Matrix<T>& Z, Matrix<T>& A) const;
  // dZ ← dA ⊙ φ'(Z); A = φ(Z) is passed so sigmoid and tanh reuse it.
  template <class T>
  void backward(const Matrix<T>& Z, const Matrix<T>& A, const Matrix<T>& dA, Matrix<T>& dZ) const;
};

}  // namespace mlpscope
