// Sharpness: the largest eigenvalue λmax of the Hessian of the mean loss on a fixed set of
// samples, and from it the largest stable learning rate of full-batch gradient descent.
//
// Gradient descent on a quadratic with curvature λ multiplies the error along that
// eigenvector by (1 − lr·λ) each step: it shrinks iff lr < 2/λ, so the whole problem is
// stable iff lr < 2/λmax (heavy-ball momentum μ widens this to 2(1+μ)/λmax; Cohen et al.
// 2021, "Gradient Descent on Neural Networks Typically Occurs at the Edge of Stability").
//
// Method: Lanczos iteration on Hessian-vector products, each taken as a central
// difference of two gradients in float64 (Pearlmutter 1994 gives the exact product; the
// difference is as good here and needs no second backward pass):
//   H v ≈ (∇L(θ + εv) − ∇L(θ − εv)) / (2ε),   ‖v‖ = 1,  ε = 1e-4·max(1, ‖θ‖/sqrt(P))
// Truncation error is O(ε²·‖∇³L‖), round-off O(1e-16·‖∇L‖/ε): about 1e-7 relative on
// smooth networks. For relu networks the loss is piecewise smooth and a difference that
// straddles a kink adds an error of the order of the kink's jump times ε.
// After k products the top Ritz value (the largest eigenvalue of Lanczos' k×k tridiagonal
// matrix) approaches λmax from below, for any sign pattern of the spectrum; the iteration
// stops when it changes by less than `tolerance` relative between two products.
// tests/diagnose/sharpness_test.cpp measures the agreement with the top eigenvalue of a
// full finite-difference Hessian and with the closed form of a linear model.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "nn/network.h"

namespace mlpscope {

struct Sharpness {
  double lambda_max = 0.0;  // the largest (algebraic) eigenvalue
  int iterations = 0;       // Hessian-vector products used
  bool converged = false;   // relative change below the tolerance before max_iterations
};

// λ0, at initialization, as diagnose, train and lr-find all measure it (the same probe set,
// seed and accuracy): one network gives one λ0 and one stable bound, whichever command asks.
inline constexpr int kInitialSharpnessIterations = 100;
inline constexpr double kInitialSharpnessTolerance = 1e-4;

template <class T>
Sharpness sharpness(const Network<T>& net, const Matrix<T>& X,
                    const std::vector<std::int32_t>& labels, std::uint64_t seed = 0,
                    int max_iterations = 100, double tolerance = 1e-4);

// 2(1+μ)/λmax, or nullopt where λmax ≤ 0 (no direction of positive curvature).
std::optional<double> max_stable_lr(double lambda_max, double momentum);

}  // namespace mlpscope
