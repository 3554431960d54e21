// The learning-rate regimes of gradient descent from a network at initialization, whose
// loss has sharpness λ0 (the top Hessian eigenvalue, diagnose/sharpness.h):
//
//   stable     lr < 2(1+μ)/λ0: every direction of curvature shrinks its error at each step
//              (1 − lr·λ contracts), the loss falls from the first step;
//   catapult   above that and below the catapult limit: the loss first rises along the
//              sharpest direction until the network has moved to flatter ground (λ < 2/lr),
//              then falls, and training goes on (Lewkowycz, Bahri, Dyer, Sohl-Dickstein,
//              Gur-Ari 2020, "The large learning rate phase of deep learning: the catapult
//              mechanism", arXiv:2003.02218);
//   divergent  above the limit: no flatter ground is reached before the loss blows up or the
//              units die.
//
// That paper derives the limit 4/λ0 for a wide two-layer linear network trained with MSE,
// and measures about 12/λ0 for wide relu networks. Cross-entropy is not covered by its
// theory: its logits can grow to make the loss flatter, and measured on this project's
// labelled corpus (docs/verdicts.md) networks train far above 4/λ0 with it. The limits are
// factors of the stable bound, one per output head (kCatapultLimit… in thresholds.h);
// `mlpscope lr-find` measures where the loss blows up for a given network instead.
#pragma once

#include <optional>
#include <string_view>

#include "nn/architecture.h"

namespace mlpscope {

enum class LrRegime { stable, catapult, divergent, unknown };
std::string_view name(LrRegime regime);

struct LrRegimeBounds {
  double stable_below = 0.0;    // 2(1+μ)/λ0
  double catapult_below = 0.0;  // the predicted catapult limit
};

// The bounds predicted from the stable bound 2(1+μ)/λ0 and the network's head and
// activation.
LrRegimeBounds predicted_regime_bounds(double stable_lr, const Architecture& arch);

// Which regime lr falls in; unknown for an adaptive optimizer (adam, rmsprop), whose
// per-parameter step the bound does not describe.
LrRegime regime_of(double lr, const LrRegimeBounds& bounds, bool adaptive = false);

}  // namespace mlpscope
