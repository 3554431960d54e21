#include "diagnose/lr_regime.h"

#include "diagnose/thresholds.h"

namespace mlpscope {

std::string_view name(LrRegime regime) {
  switch (regime) {
    case LrRegime::stable:
      return "stable";
    case LrRegime::catapult:
      return "catapult";
    case LrRegime::divergent:
      return "divergent";
    case LrRegime::unknown:
      break;
  }
  return "unknown";
}

LrRegimeBounds predicted_regime_bounds(double stable_lr, const Architecture& arch) {
  namespace th = thresholds;
  double factor = th::kCatapultLimitMse;
  if (arch.head.loss != LossKind::mse)
    factor = th::kCatapultLimitCrossEntropy;
  else if (arch.activation.kind == ActivationKind::relu ||
           arch.activation.kind == ActivationKind::leaky_relu)
    factor = th::kCatapultLimitRelu;
  return {stable_lr, factor * stable_lr};
}

LrRegime regime_of(double lr, const LrRegimeBounds& bounds, bool adaptive) {
  if (adaptive || !(bounds.stable_below > 0)) return LrRegime::unknown;
  if (lr < bounds.stable_below) return LrRegime::stable;
  return lr < bounds.catapult_below ? LrRegime::catapult : LrRegime::divergent;
}

}  // namespace mlpscope
