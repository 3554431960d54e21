// Every threshold the diagnostics and verdicts use, named in one place. `mlpscope train
// --help`, `diagnose --help` and docs/verdicts.md list them; tests build cases on each
// side of each one (tests/diagnose/verdict_test.cpp).
#pragma once

namespace mlpscope::thresholds {

// --- probes ---------------------------------------------------------------------------
// Samples in the probe set (a fixed random sample of the training data, drawn once).
inline constexpr long kProbeSamples = 1000;
// A hidden unit is saturated when its derivative is below this share of the activation's
// largest derivative (σ' < 0.0025 for sigmoid: a ∉ [0.0101, 0.9899]; tanh' < 0.01: |a| > 0.995)…
inline constexpr double kSaturatedDerivativeShare = 0.01;
// …on at least this share of the probe samples. A relu unit is dead when it outputs 0 on
// every probe sample (share 1).
inline constexpr double kSaturatedSampleShare = 0.99;
// An output is confident when its largest probability exceeds this.
inline constexpr double kConfidentProbability = 0.99;

// --- verdicts -------------------------------------------------------------------------
// diverged: NaN/Inf loss, or a training loss above this multiple of the initial loss.
inline constexpr double kDivergedLossFactor = 10.0;
// stalled: the best loss improved on the initial loss by less than this share.
inline constexpr double kStalledProgress = 0.01;
// slow: over the last quarter of the epochs (at least the last one) the loss still fell by
// more than this share of its value: more epochs would have helped.
inline constexpr double kStillImproving = 0.01;
// oscillating: in the last epochs at least this share of consecutive loss changes flip
// sign, and the last loss is above the best by more than kStillImproving.
inline constexpr double kOscillationFlipShare = 0.6;
// converged also needs the loss to have fallen to this share of min(initial loss, chance
// level) or the train accuracy to be above kGoodAccuracy; otherwise a plateau is a stall.
inline constexpr double kConvergedLossShare = 0.5;
inline constexpr double kGoodAccuracy = 0.9;
// Learning at all: train accuracy at least this share of the way from chance (1/K) to 1;
// below it a run is stalled however far its loss fell (e.g. to chance level).
inline constexpr double kLearnedShare = 0.1;

// --- causes ---------------------------------------------------------------------------
// saturated_output: the mean top softmax probability at initialization exceeds this.
inline constexpr double kSaturatedOutput = 0.95;
// dead_units: some hidden layer has at least this share of dead units.
inline constexpr double kDeadUnits = 0.5;
// saturated hidden layer: at least this share of saturated units.
inline constexpr double kSaturatedUnits = 0.5;
// vanishing_gradient: the gradient norm of the first layer is below this share of the last
// layer's, or the total gradient norm is below kTinyGradient.
inline constexpr double kVanishingRatio = 1e-3;
inline constexpr double kTinyGradient = 1e-7;
// lr_too_high: lr above the stability bound 2(1+μ)/λmax by at least this factor.
inline constexpr double kUnstableLrFactor = 1.0;
// collapsed: at least this share of samples predicted as one class.
inline constexpr double kCollapsedShare = 0.95;
// lr_too_low: every layer's last update changed its weights by less than this share.
inline constexpr double kLowUpdateRatio = 1e-5;
// he_ratio beyond these bounds means the init is far from variance-preserving.
inline constexpr double kHeRatioHigh = 3.0;
inline constexpr double kHeRatioLow = 1.0 / 3.0;

}  // namespace mlpscope::thresholds

#include <string>

namespace mlpscope {
// Every threshold above with its value and meaning, one per line, for --help.
std::string describe_thresholds();
}  // namespace mlpscope
