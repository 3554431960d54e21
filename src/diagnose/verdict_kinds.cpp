#include "diagnose/verdict_kinds.h"

#include <string>

#include "core/error.h"

namespace mlpscope {

namespace {

// In enum order, so that a kind indexes its row (checked by the test).
constexpr VerdictRow kVerdicts[] = {
    {VerdictKind::converged, "converged", "conv",
     "the stated target reached (and held), or without one a good fit: the loss well below "
     "min(initial, chance) and above-chance accuracy, or a high train accuracy",
     "kTargetHeld kConvergedLossShare kLearnedShare kGoodAccuracy"},
    {VerdictKind::slow, "slow", "slow",
     "still improving at a pace that reaches the target within a few more epochs",
     "kStillImproving kRecentEpochs kForecastEpochs"},
    {VerdictKind::stalled, "stalled", "stall",
     "the loss hardly moved, or its pace would not reach the target, whatever the budget",
     "kStalledProgress kStillImproving kRecentEpochs kForecastEpochs"},
    {VerdictKind::oscillating, "oscillating", "osc",
     "short of the target, the loss keeps flipping up and down and ends above its best",
     "kOscillationFlipShare kStillImproving"},
    {VerdictKind::diverged, "diverged", "div",
     "the loss became NaN/Inf, stayed far above its start, or spiked and ended at chance",
     "kDivergedLossFactor kDivergedSteps kSpikeFactor kSpikeSmoothingSamples kLearnedShare"},
};

constexpr CauseRow kCauses[] = {
    {Cause::none, "", "converged", "nothing to explain", ""},
    {Cause::lr_too_high, "lr_too_high", "diverged, oscillating, stalled",
     "lr above the stability bound 2(1+momentum)/sharpness at initialization (stalled: relu "
     "units alive at initialization and dead at the end); before training, lr above the "
     "catapult limit",
     "kUnstableLrFactor kCatapultLimitMse kCatapultLimitRelu kCatapultLimitCrossEntropy"},
    {Cause::exploding, "exploding", "diverged",
     "the loss blew up with lr below the bound (or no sharpness measured)", ""},
    {Cause::saturated_output, "saturated_output", "stalled",
     "MSE through a softmax or sigmoid output confident from the start, or every softmax "
     "one-hot at the end (the absorbing state)",
     "kSaturatedOutput kSaturatedSampleShare"},
    {Cause::dead_units, "dead_units", "stalled",
     "a relu layer with most units dead, at initialization or at the end", "kDeadUnits"},
    {Cause::saturated_units, "saturated_units", "stalled",
     "a sigmoid/tanh layer with most units saturated",
     "kSaturatedUnits kSaturatedDerivativeShare kSaturatedSampleShare"},
    {Cause::vanishing_gradient, "vanishing_gradient", "stalled",
     "the first layer's gradient tiny against the last's, or all of it tiny",
     "kVanishingRatio kTinyGradient"},
    {Cause::collapsed, "collapsed", "stalled",
     "nearly every sample predicted as one class at the end", "kCollapsedShare"},
    {Cause::lr_too_low, "lr_too_low", "stalled",
     "updates tiny against the weights, too few steps' worth of curvature (steps x lr/(2/λ0)), "
     "or the loss falling every epoch by too little",
     "kLowUpdateRatio kMinRelaxations"},
    {Cause::budget, "budget", "slow", "more epochs would help", "kStillImproving"},
    {Cause::plateau, "plateau", "stalled", "the loss stopped improving, no probe shows why",
     "kStalledProgress"},
};

}  // namespace

std::span<const VerdictRow> verdict_table() { return kVerdicts; }
std::span<const CauseRow> cause_table() { return kCauses; }

const VerdictRow& row_of(VerdictKind kind) { return kVerdicts[static_cast<int>(kind)]; }
const CauseRow& row_of(Cause cause) { return kCauses[static_cast<int>(cause)]; }
std::string_view name(VerdictKind kind) { return row_of(kind).name; }
std::string_view name(Cause cause) { return row_of(cause).name; }

std::optional<VerdictKind> verdict_named(std::string_view text) {
  for (const VerdictRow& row : kVerdicts)
    if (row.name == text) return row.kind;
  return std::nullopt;
}

std::optional<Cause> cause_named(std::string_view text) {
  for (const CauseRow& row : kCauses)
    if (row.name == text) return row.cause;
  return std::nullopt;
}

VerdictKind verdict_from_text(std::string_view text, std::string_view where) {
  if (const auto kind = verdict_named(text)) return *kind;
  throw Error(std::string(where) + ": unknown verdict '" + std::string(text) + "'");
}

Cause cause_from_text(std::string_view text, std::string_view where) {
  if (const auto cause = cause_named(text)) return *cause;
  throw Error(std::string(where) + ": unknown cause '" + std::string(text) + "'");
}

}  // namespace mlpscope
