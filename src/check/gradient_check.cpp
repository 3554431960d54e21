#include "check/gradient_check.h"

#include <algorithm>
#include <cmath>

namespace mlpscope {

GradientCheck compare_gradients(const std::vector<ParameterRange>& parameters,
                                const Vector<double>& user, const Vector<double>& exact) {
  GradientCheck check;
  for (const ParameterRange& p : parameters) {
    const auto g = user.segment(p.offset, p.size);
    const auto e = exact.segment(p.offset, p.size);
    const double g_norm = g.norm(), e_norm = e.norm(), dot = g.dot(e);
    ParameterCheck c{p.name, p.shape, 0.0, std::nullopt, std::nullopt};
    const double larger = std::max(g_norm, e_norm);
    c.rel_error = larger > 0 ? (g - e).norm() / larger : 0.0;
    if (g_norm > 0 && e_norm > 0) c.cosine = std::clamp(dot / (g_norm * e_norm), -1.0, 1.0);
    if (e_norm > 0) c.scale = dot / (e_norm * e_norm);
    check.max_rel_error = std::max(check.max_rel_error, c.rel_error);
    check.parameters.push_back(std::move(c));
  }
  check.agrees = check.max_rel_error < kAgreement;
  return check;
}

ScaleFit fit_scale(std::span<const double> g, std::span<const double> c) {
  double gc = 0.0, cc = 0.0, gg = 0.0;
  for (std::size_t i = 0; i < g.size(); ++i) {
    gc += g[i] * c[i];
    cc += c[i] * c[i];
    gg += g[i] * g[i];
  }
  ScaleFit fit;
  fit.scale = cc > 0 ? gc / cc : 0.0;
  // ‖g − s·c‖² = ‖g‖² − ⟨g,c⟩²/‖c‖² at the best s; clamped against rounding below 0.
  fit.residual = std::sqrt(std::max(0.0, cc > 0 ? gg - gc * fit.scale : gg));
  return fit;
}

}  // namespace mlpscope
