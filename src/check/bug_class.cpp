#include "check/bug_class.h"

#include <array>
#include <cmath>

namespace mlpscope {

namespace {

constexpr std::array<BugClassRow, 10> kBugClasses{{
    {BugClass::none, "none", "the gradients are right"},
    {BugClass::softmax_jacobian_missing, "softmax_jacobian_missing",
     "MSE through softmax, but the output delta is p − y: the code trains cross-entropy, not MSE"},
    {BugClass::scale, "scale",
     "every gradient off by one factor: sum instead of mean over the batch (n) or the outputs "
     "(k), the 2 of the square dropped or doubled"},
    {BugClass::sign, "sign", "the factor is −1: gradient ascent"},
    {BugClass::output_activation_derivative, "output_activation_derivative",
     "the output delta is multiplied by an elementwise derivative of the output function where "
     "none belongs"},
    {BugClass::missing_activation_derivative, "missing_activation_derivative",
     "a hidden layer's delta lacks f'(z)"},
    {BugClass::derivative_at_activation, "derivative_at_activation",
     "f' evaluated at a = f(z) instead of z"},
    {BugClass::wrong_layer_input, "wrong_layer_input",
     "a weight gradient uses the layer's pre-activation instead of its input"},
    {BugClass::transposed, "transposed", "a weight gradient transposed (a square layer)"},
    {BugClass::unknown, "unknown",
     "none fits: the deepest layer whose gradient is still right, and the first that is not"},
}};

constexpr double kUnitFactor = 1e-3;  // |s − 1| below this is no factor at all

BugClass class_of(MistakeKind kind, double scale) {
  switch (kind) {
    case MistakeKind::none:
      return scale < 0                           ? BugClass::sign
             : std::abs(scale - 1) < kUnitFactor ? BugClass::none
                                                 : BugClass::scale;
    case MistakeKind::output_delta_p_minus_y:
      return BugClass::softmax_jacobian_missing;
    case MistakeKind::output_elementwise_derivative:
      return BugClass::output_activation_derivative;
    case MistakeKind::missing_activation_derivative:
      return BugClass::missing_activation_derivative;
    case MistakeKind::derivative_at_activation:
      return BugClass::derivative_at_activation;
    case MistakeKind::preactivation_as_input:
      return BugClass::wrong_layer_input;
    case MistakeKind::transposed:
      return BugClass::transposed;
  }
  return BugClass::unknown;
}

std::span<const double> tail(const Vector<double>& v, Index from) {
  return {v.data() + from, static_cast<std::size_t>(v.size() - from)};
}

// Going back from the output: each layer's error, and the first layer found wrong.
Bug unknown_bug(const Architecture& arch, const Vector<double>& user, const Vector<double>& exact) {
  Bug bug;
  bug.kind = BugClass::unknown;
  bug.residual = (user - exact).norm() / std::max(user.norm(), 1e-300);
  bug.layer_errors.assign(static_cast<std::size_t>(arch.num_layers()), 0.0);
  for (Index l = arch.num_layers() - 1; l >= 0; --l) {
    const Index size = arch.offset(l + 1) - arch.offset(l);
    const auto g = user.segment(arch.offset(l), size);
    const auto e = exact.segment(arch.offset(l), size);
    const double larger = std::max(g.norm(), e.norm());
    const double error = larger > 0 ? (g - e).norm() / larger : 0.0;
    bug.layer_errors[static_cast<std::size_t>(l)] = error;
    if (error >= kAgreement && !bug.layer) bug.layer = l;
  }
  return bug;
}

}  // namespace

std::span<const BugClassRow> bug_class_table() { return kBugClasses; }

std::string_view name(BugClass kind) { return kBugClasses[static_cast<std::size_t>(kind)].name; }

Bug find_bug(const BackpropMistakes& backprop, const Vector<double>& user,
             const Vector<double>& exact) {
  const Architecture& arch = backprop.network().arch();
  const double bound = kAgreement * user.norm();
  if (user.norm() == 0) return exact.norm() == 0 ? Bug{} : unknown_bug(arch, user, exact);
  // Rules a mistake out once the layers produced so far leave more than `bound`: a fit over
  // part of the entries never leaves more than the fit over all of them.
  const auto within_bound = [&](Index l, const Vector<double>& partial) {
    return fit_scale(tail(user, arch.offset(l)), tail(partial, arch.offset(l))).residual <= bound;
  };
  std::optional<std::pair<Mistake, ScaleFit>> best;
  Vector<double> candidate;
  for (const Mistake& mistake : possible_mistakes(arch)) {
    const bool right = mistake.kind == MistakeKind::none;
    if (!right && !backprop.gradient(mistake, candidate, within_bound)) continue;
    const ScaleFit fit = fit_scale(tail(user, 0), tail(right ? exact : candidate, 0));
    if (fit.residual > bound || (best && fit.residual >= best->second.residual)) continue;
    best = {mistake, fit};
    if (right) break;  // the right backprop, up to a factor: no mistake is needed
  }
  if (!best) return unknown_bug(arch, user, exact);
  const auto& [mistake, fit] = *best;
  Bug bug;
  bug.kind = class_of(mistake.kind, fit.scale);
  if (std::abs(fit.scale - 1) >= kUnitFactor) bug.factor = fit.scale;
  if (mistake.layer != Mistake::kEveryLayer) bug.layer = mistake.layer;
  bug.residual = fit.residual / user.norm();
  return bug;
}

}  // namespace mlpscope
