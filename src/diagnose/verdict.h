// The verdict on a run, its cause in plain words, and what to change.
//
//   diverged     the loss became NaN/Inf, or rose above kDivergedLossFactor × its initial value
//   oscillating  the loss keeps flipping up and down and ends above its best
//   stalled      the loss hardly moved (best < kStalledProgress below the initial loss), or it
//                stopped improving before reaching a good fit
//   slow         still improving when the epochs ran out, not yet at a good fit
//   converged    a good fit: loss down to kConvergedLossShare of its initial value or train
//                accuracy ≥ kGoodAccuracy, and no oscillation
// Causes: lr_too_high, exploding, saturated_output, dead_units, saturated_units,
// vanishing_gradient, collapsed, lr_too_low, budget, plateau. The verdicts and causes are
// rows of diagnose/verdict_kinds.h; thresholds: diagnose/thresholds.h. The explanation
// quotes the measured numbers that decided.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "diagnose/theory.h"
#include "diagnose/verdict_kinds.h"
#include "nn/architecture.h"
#include "train/record.h"

namespace mlpscope {

struct Verdict {
  VerdictKind verdict = VerdictKind::converged;
  Cause cause = Cause::none;  // none when converged
  std::string explanation;
  std::vector<std::string> suggestions;
  std::vector<std::string> checks;  // sanity checks: loss at init against ln K, collapse
};

// What converged means for a run: a stated train accuracy and/or loss to reach (--target-
// accuracy, --target-loss), or, when none is stated, a good fit (kConvergedLossShare,
// kGoodAccuracy, kLearnedShare).
struct Target {
  std::optional<double> accuracy;
  std::optional<double> loss;
  bool stated() const { return accuracy || loss; }
};

struct RunFacts {
  Architecture arch;
  std::string init_name;
  double init_scale = 1.0;     // --init-scale
  std::string optimizer_name;  // as --optimizer takes it ("sgd", "adam", …)
  double lr = 0.0;
  double momentum = 0.0;  // heavy-ball μ, 0 for sgd; adaptive optimizers: see adaptive
  bool adaptive = false;  // adam, rmsprop: the 2/λ bound does not apply directly
  std::optional<double> sharpness_at_init;
  std::vector<LayerPrediction> theory;  // may be empty
  Target target{};
  long long budget_steps = 0;  // epochs × steps per epoch (0: unknown)
};

Verdict judge_run(const TrainSummary& summary, const RunFacts& facts);

// The --lr a suggestion to switch to Adam gives with it: kAdamLrPerFanIn / the largest fan-in
// of the network, to one significant figure, at most kAdamLrMax (0.001 for 784-64-64-10, 0.03
// for 2-32-32-2).
double adam_lr(const Architecture& arch);

// The options a suggestion sets, before the reason in brackets: "--lr 0.01 --optimizer adam
// (why)" → {--lr 0.01, --optimizer adam}; a flag without a value gets "". Empty for prose
// ("more hidden units").
std::vector<std::pair<std::string, std::string>> suggestion_options(const std::string& suggestion);

// At initialization only (diagnose): what the run is likely to do, from the same evidence.
Verdict predict_run(const EpochRecord& at_init, const RunFacts& facts);

}  // namespace mlpscope
