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
// MSE on identity outputs, ℓ = mean (f − y)²: ∂²ℓ/∂f² is constant and ∂ℓ/∂f ∝ f − y =
// c^d·f₁ − y, so
//   ∇²L(c) = c^(2(d−1)) · (G₁ + R₁) − c^(d−2) · R_y
// and once the outputs dominate the targets (c^d·|f₁| ≫ |y|) λmax grows as c^k with
//   k = 2(d − 1),
// so the largest stable learning rate 2/λmax shrinks as c^(−2(d−1)); the "c^d" of the
// usual telling is the growth of the outputs, not of the curvature. With a softmax (or
// sigmoid) output the same k is the Gauss–Newton term's growth while the output is not
// saturated; saturation makes ∂²ℓ/∂f² and ∂ℓ/∂f vanish and λmax grows more slowly, then
// falls; and at small c, where c^d·|f₁| ≪ |y|, the residual term's c^(d−2) dominates. The map
// shows the prediction beside the measured 2/λmax, and the fitted exponent of the measured
// values (log_log_slope of src/run/diagnosis.h, the one `diagnose --homogeneity`
// fits), so that where the law holds and where it breaks can be read off.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace mlpscope {

// The exponent k of λmax ∝ c^k for a run with these options (RunConfig::to_json()): 2(d−1)
// for d weight layers, or nothing where homogeneity does not hold (an activation that is
// not positively homogeneous, biases that are not zero, weights read from --init-from).
std::optional<int> homogeneity_sharpness_exponent(const nlohmann::json& options);

// 2/λ(c) from 2/λ(c0) under λ ∝ c^k: (2/λ(c0)) · (c/c0)^(−k).
double predicted_stable_lr(double stable_lr_at_c0, double c0, double c, int k);

// "relu, 3 weight layers, no biases" for the map's note.
std::string describe_homogeneity(const nlohmann::json& options);

}  // namespace mlpscope
