// The bug classes of `mlpscope check --grads` (DESIGN.md, "Your own network"), one row each,
// and the search that names the one a user's gradients show.
//
// The search computes the gradient each known mistake produces (check/backprop_mistakes.h)
// and keeps the mistake that reproduces the user's gradient g up to one factor: the s and
// residual of fit_scale (check/gradient_check.h), matched when ‖g − s·c‖ < kAgreement·‖g‖.
// The right backprop is tried first, so a correct gradient is never blamed on a mistake
// that happens to come close; with it, s ≈ 1 is `none`, s < 0 `sign`, any other s `scale`.
// A mistake's pass stops as soon as the layers it has produced, from the output down,
// already leave a residual above that bound: most mistakes are ruled out at the top layer,
// before the costly first-layer product.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "check/backprop_mistakes.h"
#include "check/gradient_check.h"

namespace mlpscope {

enum class BugClass {
  none,
  softmax_jacobian_missing,
  scale,
  sign,
  output_activation_derivative,
  missing_activation_derivative,
  derivative_at_activation,
  wrong_layer_input,
  transposed,
  unknown,
};

struct BugClassRow {
  BugClass kind;
  std::string_view name;     // as --json writes it
  std::string_view mistake;  // the contract's one line
};

std::span<const BugClassRow> bug_class_table();
std::string_view name(BugClass kind);

struct Bug {
  BugClass kind = BugClass::none;
  std::optional<double> factor;  // the factor that fits, where it is not 1
  std::optional<Index> layer;    // the weight layer, 0 = the input's; none: every layer
  double residual = 0.0;         // ‖g − factor·c‖ / ‖g‖ of the match
  // unknown: going back from the output, the first layer whose gradient is wrong, and the
  // relative error of each layer's (W and b together) against the exact gradient.
  std::vector<double> layer_errors;
  std::string explanation, fix;  // filled by explain_bug (check/bug_explanation.h)
};

// The class of `user` (flat, the parameters' layout; entries of parameters the user's
// network lacks are 0 in it), given the exact gradient `exact` from the same `backprop`.
Bug find_bug(const BackpropMistakes& backprop, const Vector<double>& user,
             const Vector<double>& exact);

}  // namespace mlpscope
