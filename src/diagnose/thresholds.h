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
// diverged: NaN/Inf loss, or a training loss above this multiple of the initial loss at the
// end; training stops once the loss has stayed above it for kDivergedSteps steps (epoch ends
// read): a shorter spike is the catapult phase of a step above 2/λ0 and may recover
// (Lewkowycz et al. 2020, "The large learning rate phase of deep learning").
inline constexpr double kDivergedLossFactor = 10.0;
inline constexpr long long kDivergedSteps = 100;
// A spike: the smoothed batch loss (an average over ~kSpikeSmoothingSamples samples) above
// this multiple of the initial loss. One that recovers is named (catapult); one after which
// the run ends at chance is a divergence (the step destroyed what the network had).
inline constexpr double kSpikeFactor = 2.0;
inline constexpr double kSpikeSmoothingSamples = 64.0;
// stalled: the best loss improved on the initial loss by less than this share.
inline constexpr double kStalledProgress = 0.01;
// slow: over the last kRecentEpochs epochs (not counting the first, unless it is the only
// one) the loss still fell by more than this share of its value per epoch: more epochs
// would help. At or below it, a run short of its target has stalled, whatever its budget.
inline constexpr double kStillImproving = 0.01;
inline constexpr int kRecentEpochs = 3;
// slow also needs the target in sight: a straight line through those epochs' accuracy (or
// loss) reaches it within this many more epochs; otherwise the run has stalled short of it.
inline constexpr double kForecastEpochs = 20.0;
// oscillating: in the last epochs at least this share of consecutive loss changes flip
// sign, and the last loss is above the best by more than kStillImproving.
inline constexpr double kOscillationFlipShare = 0.6;
// converged with a stated target (--target-accuracy, --target-loss): the target met at the
// end, or met at an earlier epoch and still within this much of it at the end (accuracy
// points; for a loss target, this share of it): a run that converged and then wiggles.
inline constexpr double kTargetHeld = 0.02;
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
// The catapult limit (diagnose/lr_regime.h) as a multiple of the stable bound 2(1+μ)/λ0:
// Lewkowycz et al. 2020 derive 4/λ0 for MSE (factor 2) and measure about 12/λ0 for relu
// networks (factor 6); for cross-entropy, whose theory they leave open, the factor is the
// one measured on the labelled corpus (bench/verdicts, docs/verdicts.md).
inline constexpr double kCatapultLimitMse = 2.0;
inline constexpr double kCatapultLimitRelu = 6.0;
inline constexpr double kCatapultLimitCrossEntropy = 30.0;
// lr_too_low: the run's steps × lr/(2/λ0), the times its sharpest direction relaxes, below
// this (measured on the labelled corpus: below ~10 nearly every run stalls, above ~30 most
// reach their target within ten times the budget).
inline constexpr double kMinRelaxations = 30.0;
// The step a suggestion to switch to Adam gives with it: kAdamLrPerFanIn / (the network's
// largest fan-in), to one significant figure, at most kAdamLrMax (adam_lr in verdict.cpp says
// why). A run switched from SGD keeps its --lr otherwise, a step chosen for SGD's scale.
// Measured on the seed-1 labelled corpus (docs/verdicts.md): of 276 runs stalled for too small
// an SGD step, Adam at 1/fan-in (0.001 on Fashion-MNIST, 0.03 on the 2-D sets) reached the
// target in 264, one fixed step for all of them at most 228 (0.02), 215 (0.01), 140 (1e-3).
inline constexpr double kAdamLrPerFanIn = 1.0;
inline constexpr double kAdamLrMax = 0.1;
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
