// Two-dimensional toy classification sets, drawn with mlpscope::Rng alone so that a seed
// gives the same points on every platform. With N(0,1) a standard normal draw, U(a,b) a
// uniform one, k the class and σ = noise:
//
//   spiral     K arms (the two-spirals task of Lang & Witbrock 1988, in the form of the
//              CS231n notes): t ~ U(0,1), r = t, θ = 2πk/K + 4t + σ·N(0,1),
//              x = (r sin θ, r cos θ). The noise turns the point along its arm, so |x| ≤ 1.
//              Default σ = 0.1 (radians).
//   circles    sklearn's make_circles with factor 0.5: θ ~ U(0,2π), radius 1 for class 0 and
//              0.5 for class 1, x = r (cos θ, sin θ) + σ·N(0,I). Default σ = 0.05.
//   moons      sklearn's make_moons: θ ~ U(0,π); class 0 x = (cos θ, sin θ), class 1
//              x = (1 − cos θ, 0.5 − sin θ); then + σ·N(0,I). Default σ = 0.1.
//   xor        a, b ~ U(0,1), s = ±1 with equal odds; class 0 x = (s·a, s·b) (quadrants I and
//              III), class 1 x = (s·a, −s·b) (II and IV), i.e. label = [x₁x₂ < 0] before the
//              noise; then + σ·N(0,I). Default σ = 0.1.
//   gaussians  K blobs, centre c_k = 2 (cos 2πk/K, sin 2πk/K), x = c_k + σ·N(0,I).
//              Default σ = 0.5.
//
// Only spiral and gaussians take `classes` (default 2); the others are binary. Sample i has
// class i mod K, so classes are balanced (sizes differ by at most one) and every prefix of
// the set (--limit) is balanced too; within a class the points are independent draws.
// Draw order per sample is fixed: the set's uniform draws first, then its normal draws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace mlpscope {

struct SyntheticOptions {
  Index n = 400;                // total samples
  std::optional<double> noise;  // default: default_noise(kind)
  Index classes = 2;            // spiral and gaussians only
  std::uint64_t seed = 0;
};

// "spiral", "circles", "moons", "xor", "gaussians".
const std::vector<std::string>& synthetic_kinds();
bool is_synthetic(const std::string& kind);
// Throws Error for a kind that is not synthetic.
double default_noise(const std::string& kind);
bool takes_classes(const std::string& kind);

// The canonical name of a draw, with every default filled in:
// "spiral(n=400,noise=0.1,classes=2,seed=0)"; binary sets leave classes out.
std::string synthetic_name(const std::string& kind, const SyntheticOptions& options);

// Throws Error naming the kind and the option for an unknown kind, n < 1 (or ≥ 2^31),
// noise < 0 or not finite, classes < 2, or classes != 2 for a binary set.
void check_synthetic_options(const std::string& kind, const SyntheticOptions& options);

// Draws the set: dim 2, float64 values. Checks the options first (check_synthetic_options).
Dataset make_synthetic(const std::string& kind, const SyntheticOptions& options = {});

}  // namespace mlpscope
