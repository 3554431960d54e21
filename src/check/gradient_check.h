// A user's gradient held against the exact one, parameter by parameter, and the best-fit
// scale of one vector onto another: the measures `mlpscope check --grads` reports.
//
// For a user's gradient g and the exact gradient e of one parameter (all its entries):
//   rel_error = ‖g − e‖ / max(‖g‖, ‖e‖)     0 when both are 0; at most 2 (CS231n's form:
//                                            symmetric, and finite when e = 0)
//   cosine    = ⟨g, e⟩ / (‖g‖·‖e‖)          null when either is 0
//   scale     = ⟨g, e⟩ / ⟨e, e⟩             the s that minimizes ‖g − s·e‖; null when e = 0
// The gradients agree when the largest rel_error is below kAgreement (1e-3): far above the
// float64 rounding of the exact gradient, and above float32's (about 1e-6 relative), so a
// correct backprop written in float32 numpy agrees, and far below any real mistake.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/types.h"

namespace mlpscope {

inline constexpr double kAgreement = 1e-3;

struct ParameterCheck {
  std::string name;                  // the array's name in the user's file
  std::vector<std::uint64_t> shape;  // as stored there
  double rel_error = 0.0;
  std::optional<double> cosine, scale;
};

struct GradientCheck {
  std::vector<ParameterCheck> parameters;
  double max_rel_error = 0.0;
  bool agrees = true;
};

// One parameter's range of the flat vectors.
struct ParameterRange {
  std::string name;
  std::vector<std::uint64_t> shape;
  Index offset = 0, size = 0;
};

GradientCheck compare_gradients(const std::vector<ParameterRange>& parameters,
                                const Vector<double>& user, const Vector<double>& exact);

// s minimizing ‖g − s·c‖ over the entries given, and the residual ‖g − s·c‖ it leaves.
struct ScaleFit {
  double scale = 0.0;
  double residual = 0.0;
};
ScaleFit fit_scale(std::span<const double> g, std::span<const double> c);

}  // namespace mlpscope
