// Theory at initialization: each layer's pre-activation scale predicted from the
// architecture, the init and the input's moments alone, by mean-field variance propagation
// (Poole et al. 2016, "Exponential expressivity in deep neural networks through transient
// chaos"; He et al. 2015 for the relu case).
//
// A unit's pre-activation z = Σⱼ wⱼ aⱼ + b with weights i.i.d. of mean μ and variance σ²,
// independent of the n inputs a. Over weights and samples:
//   E[z]  = μ·n·E[a] + E[b]
//   E[z²] = σ²·n·E[a²] + μ²·(n·E[a²] + n(n−1)·E[a]²) + 2μ·n·E[a]·E[b] + E[b²]
// (the first layer uses the data's own E[‖x‖²] and E[(Σx)²] instead). With μ = 0 and no
// bias this is the familiar rule: the second moment is multiplied by n·σ² per layer, and
// for relu E[a²] = E[z²]/2, so a layer keeps the scale iff n·σ² = 2 (He init). Uniform on
// [−a, a] has σ² = a²/3: uniform[−1,1] multiplies by n/6 per relu layer.
// The next layer's E[a], E[a²] are E[φ(z)], E[φ(z)²] for z ~ N(E[z], Var z), computed by
// 64-point Gauss–Hermite quadrature for every activation.
#pragma once

#include <vector>

#include "data/dataset.h"
#include "nn/architecture.h"
#include "nn/init.h"
#include "nn/network.h"

namespace mlpscope {

// Moments of the inputs, averaged over samples (and features where it says so).
struct InputMoments {
  double sum = 0.0;           // E[Σᵢ xᵢ]
  double sum_squared = 0.0;   // E[(Σᵢ xᵢ)²]
  double norm_squared = 0.0;  // E[‖x‖²]
};

template <class T>
InputMoments input_moments(const Matrix<T>& X);

struct LayerPrediction {
  double preact_mean = 0.0;
  double preact_std = 0.0;
  double he_std = 0.0;    // the same prediction under he_normal weights and zero biases
  double he_ratio = 0.0;  // preact_std / he_std
};

std::vector<LayerPrediction> predict_preactivations(const Architecture& arch, const Init& weights,
                                                    const BiasInit& bias, double scale,
                                                    const InputMoments& inputs);

// E[φ(z)] and E[φ(z)²] for z ~ N(mean, std²) (exposed for tests).
std::pair<double, double> gaussian_activation_moments(const Activation& activation, double mean,
                                                      double std);

}  // namespace mlpscope
