// The homogeneity prediction of the stable learning rate along an --init-scale axis.
//
// A bias-free network whose hidden activation is positively homogeneous (relu, leaky_relu,
// identity: φ(a·z) = a·φ(z) for a > 0) with d weight layers computes logits
// f(x; c·W) = c^d · f(x; W) when every weight is multiplied by c (each layer is linear in
// its own weights). Differentiating, each layer's block of the Jacobian J = ∂f/∂W grows as
// c^(d−1), and each block of ∂²f/∂W² as c^(d−2) (within one layer it is zero).
//
// The loss Hessian splits into the Gauss–Newton term and the residual term:
//   ∇²L = Jᵀ (∂²ℓ/∂f²) J + Σ_k (∂ℓ/∂f_k) ∂²f_k/∂W².
// What the two terms do at large c depends on the output head:
//
// - MSE on identity outputs, ℓ = mean (f − y)²: ∂²ℓ/∂f² is constant and ∂ℓ/∂f ∝ f − y =
//   c^d·f₁ − y, so
//     ∇²L(c) = c^(2(d−1)) · (G₁ + R₁) − c^(d−2) · R_y
//   and once the outputs dominate the targets (c^d·|f₁| ≫ |y|) λmax grows as c^k with
//     k = 2(d − 1),
//   so the largest stable learning rate 2/λmax shrinks as c^(−2(d−1)); the "c^d" of the
//   usual telling is the growth of the outputs, not of the curvature.
// - Cross-entropy through a softmax (bce through a sigmoid): the logits grow as c^d, the
//   output saturates, and its curvature ∂²ℓ/∂f² = diag(p) − ppᵀ vanishes exponentially in
//   the margin, taking the Gauss–Newton term with it; the residual term's ∂ℓ/∂f = p − y
//   stays bounded (it does not vanish on misclassified samples), so
//     k = d − 2
//   for d ≥ 2 (the curvature of the layers' products, ∂²f/∂W² ∝ c^(d−2)). Measured with
//   `diagnose --homogeneity` on two spirals, relu 32-wide, c from 8 to 32: d = 2 flat
//   (0.574 at c = 16, 22.6 and 32), d = 3 c^1.0, d = 4 c^2.0. A linear model (d = 1) has no
//   residual term: its λmax falls exponentially, no power law.
// - MSE through a softmax or sigmoid: the gradient through a saturated output vanishes
//   exponentially as well (the absorbing state of docs/why-relu-does-not-converge.md), so
//   λmax falls toward 0, measured 1.7 at c = 1 to 2e-6 at c = 11: no power law.
//
// The laws are those of large c, so the prediction is drawn from the largest scale. At
// small c, where c^d·|f₁| ≪ |y| and no output saturates, the residual term's c^(d−2) and
// the Gauss–Newton term's c^(2(d−1)) compete. The map shows the prediction beside the
// measured 2/λmax, and the fitted exponent of the measured values (log_log_slope of
// src/run/diagnosis.h, the one `diagnose --homogeneity` fits), so that where the law holds
// and where it breaks can be read off.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace mlpscope {

// The exponent k of λmax ∝ c^k at large c for a run with these options
// (RunConfig::to_json()), d weight layers: 2(d−1) for MSE on identity outputs, d − 2 for
// cross-entropy or bce (d ≥ 2); nothing where no power law holds (MSE through a softmax or
// sigmoid, a linear model with cross-entropy) or homogeneity does not (an activation that is
// not positively homogeneous, biases that are not zero, weights read from --init-from).
std::optional<int> homogeneity_sharpness_exponent(const nlohmann::json& options);

// 2/λ(c) from 2/λ(c0) under λ ∝ c^k: (2/λ(c0)) · (c/c0)^(−k).
double predicted_stable_lr(double stable_lr_at_c0, double c0, double c, int k);

// "relu, 3 weight layers, no biases" for the map's note.
std::string describe_homogeneity(const nlohmann::json& options);

}  // namespace mlpscope
