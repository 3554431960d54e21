#include "diagnose/thresholds.h"

#include <cstdio>

namespace mlpscope {

std::string describe_thresholds() {
  namespace t = thresholds;
  struct Row {
    const char* name;
    double value;
    const char* meaning;
  };
  const Row rows[] = {
      {"kDivergedLossFactor", t::kDivergedLossFactor,
       "diverged: loss above this x the initial loss (or NaN/Inf)"},
      {"kDivergedSteps", static_cast<double>(t::kDivergedSteps),
       "...training stops after this many steps above it"},
      {"kSpikeFactor", t::kSpikeFactor, "spike: smoothed batch loss above this x the initial loss"},
      {"kSpikeSmoothingSamples", t::kSpikeSmoothingSamples,
       "...the batch loss averaged over about this many samples"},
      {"kTargetHeld", t::kTargetHeld, "converged: target met, and still within this at the end"},
      {"kStalledProgress", t::kStalledProgress,
       "stalled: best loss less than this share below the initial"},
      {"kStillImproving", t::kStillImproving, "slow: still falling by this share per epoch lately"},
      {"kRecentEpochs", static_cast<double>(t::kRecentEpochs),
       "...over this many last epochs (the first only if alone)"},
      {"kForecastEpochs", t::kForecastEpochs,
       "slow: at that pace the target is at most this many epochs away"},
      {"kOscillationFlipShare", t::kOscillationFlipShare,
       "oscillating: share of loss changes that flip sign"},
      {"kConvergedLossShare", t::kConvergedLossShare,
       "converged: final loss at most this x min(initial, chance), or"},
      {"kLearnedShare", t::kLearnedShare,
       "stalled: accuracy below this share of the way from chance to 1"},
      {"kGoodAccuracy", t::kGoodAccuracy, "converged: train accuracy at least this"},
      {"kSaturatedOutput", t::kSaturatedOutput,
       "saturated_output: mean top probability above this (mse)"},
      {"kDeadUnits", t::kDeadUnits, "dead_units: share of dead units in a relu layer"},
      {"kSaturatedUnits", t::kSaturatedUnits,
       "saturated_units: share of saturated sigmoid/tanh units"},
      {"kVanishingRatio", t::kVanishingRatio,
       "vanishing_gradient: first/last layer gradient norm below"},
      {"kTinyGradient", t::kTinyGradient, "vanishing_gradient: total gradient norm below"},
      {"kUnstableLrFactor", t::kUnstableLrFactor,
       "lr_too_high: lr above this x 2(1+momentum)/sharpness"},
      {"kCatapultLimitMse", t::kCatapultLimitMse,
       "catapult below this x 2/lambda0 (mse), divergent above"},
      {"kCatapultLimitRelu", t::kCatapultLimitRelu, "...relu or leaky_relu with mse"},
      {"kCatapultLimitCrossEntropy", t::kCatapultLimitCrossEntropy,
       "...cross-entropy and bce (measured)"},
      {"kMinRelaxations", t::kMinRelaxations, "lr_too_low: steps x lr/(2/lambda0) below this"},
      {"kLowUpdateRatio", t::kLowUpdateRatio, "lr_too_low: every layer's update ratio below this"},
      {"kAdamLrPerFanIn", t::kAdamLrPerFanIn,
       "a switch to adam: --lr this / largest fan-in, 1 figure"},
      {"kAdamLrMax", t::kAdamLrMax, "...and at most this"},
      {"kCollapsedShare", t::kCollapsedShare, "collapsed: share of samples predicted as one class"},
      {"kSaturatedDerivativeShare", t::kSaturatedDerivativeShare,
       "a unit saturates where phi' < this x max phi'"},
      {"kSaturatedSampleShare", t::kSaturatedSampleShare,
       "...on at least this share of probe samples"},
      {"kConfidentProbability", t::kConfidentProbability,
       "an output is confident above this probability"},
  };
  std::string text = "Verdict thresholds (src/diagnose/thresholds.h, docs/verdicts.md):\n";
  for (const Row& r : rows) {
    char line[160];
    std::snprintf(line, sizeof line, "  %-26s %-7g %s\n", r.name, r.value, r.meaning);
    text += line;
  }
  return text;
}

}  // namespace mlpscope
