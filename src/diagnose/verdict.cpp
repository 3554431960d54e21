#include "diagnose/verdict.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "diagnose/lr_regime.h"
#include "diagnose/sharpness.h"
#include "diagnose/thresholds.h"

namespace mlpscope {

namespace th = thresholds;

namespace {

std::string fmt(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}
std::string num(double v) { return fmt("%.3g", v); }

// A switch to Adam, with its step: Adam divides each parameter's step by the size of its own
// recent gradients (Kingma & Ba 2015, arXiv:1412.6980), so flat directions move as fast as
// sharp ones; without --lr a run switched from SGD would keep a step chosen for SGD's scale.
std::string adam_options(const RunFacts& f) {
  return "--optimizer adam --lr " + num(adam_lr(f.arch));
}
constexpr const char* kFixedSizeSteps = "steps whose size does not depend on the gradient's";
std::string adam_step(const RunFacts& f, const std::string& why) {
  return adam_options(f) + " (" + why + ")";
}

// Another init, at its own scale: --init-scale multiplies whatever init is named, so "--init
// he_normal" to a run at --init-scale 0.25 would keep a quarter of He's weights.
std::string init_to(const RunFacts& f, const std::string& init) {
  return "--init " + init + (f.init_scale != 1.0 ? " --init-scale 1" : "");
}

// The evidence at initialization that explains a run that does not learn.
struct Evidence {
  Cause cause;
  std::string explanation;
  std::vector<std::string> suggestions;
};

std::optional<double> stable_lr(const RunFacts& f) {
  if (!f.sharpness_at_init) return std::nullopt;
  return max_stable_lr(*f.sharpness_at_init, f.momentum);
}

bool lr_beyond_bound(const RunFacts& f, const std::optional<double>& lr_bound) {
  return lr_bound && f.lr > th::kUnstableLrFactor * *lr_bound && !f.adaptive;
}

std::string theory_sentence(const RunFacts& f, const EpochRecord& r) {
  if (f.theory.empty() || r.layers.empty()) return "";
  // The layer furthest from He's scale tells the most.
  std::size_t worst = 0;
  for (std::size_t l = 0; l < f.theory.size(); ++l)
    if (std::abs(std::log(f.theory[l].he_ratio + 1e-300)) >
        std::abs(std::log(f.theory[worst].he_ratio + 1e-300)))
      worst = l;
  const auto& p = f.theory[worst];
  if (p.he_ratio < th::kHeRatioHigh && p.he_ratio > th::kHeRatioLow) return "";
  return " Layer-" + std::to_string(worst + 1) + " pre-activations have std " +
         num(r.layers[worst].preact_std) + " (theory " + num(p.preact_std) +
         "); He init would give " + num(p.he_std) + ".";
}

std::optional<Evidence> saturation_evidence(const RunFacts& f, const EpochRecord& init) {
  if (!init.output || f.arch.head.output == OutputKind::identity) return std::nullopt;
  if (init.output->mean_top_probability <= th::kSaturatedOutput) return std::nullopt;
  if (f.arch.head.loss != LossKind::mse) return std::nullopt;  // CE gradients do not vanish
  Evidence e{Cause::saturated_output, "", {}};
  e.explanation =
      "the " + f.arch.head.output_name() +
      " output is saturated from the start (mean top probability " +
      fmt("%.4f", init.output->mean_top_probability) + ", " +
      fmt("%.0f%%", 100 * init.output->confident_fraction) +
      " of samples above 0.99) and MSE through a saturated output passes back gradients of ~" +
      num(init.output->logit_gradient) + " per sample at the logits (cross-entropy would pass ~1).";
  e.explanation += theory_sentence(f, init);
  const bool relu_family = f.arch.activation.kind == ActivationKind::relu ||
                           f.arch.activation.kind == ActivationKind::leaky_relu;
  const std::string better_init = relu_family ? "he_normal" : "xavier_normal";
  const std::string loss = f.arch.head.output == OutputKind::softmax ? "cross_entropy" : "bce";
  // The run's lr was chosen for MSE through a saturated output, whose gradients are tiny: a
  // step for the new loss comes with it (Adam's, whose size does not depend on the
  // gradient's). On the seed-1 labelled corpus this first suggestion reached the target in
  // 39 of 39 saturated runs with Adam at adam_lr, 31 at 0.01 for every network, 16 with the
  // run's own lr.
  e.suggestions = {
      init_to(f, better_init) + " --loss " + loss + " " + adam_options(f) +
          " (an unsaturated start, a gradient p − y that does not vanish, and steps whose "
          "size does not depend on the gradient's)",
      init_to(f, better_init) + " (variance-preserving for " + f.arch.activation.name() + ")",
      "--loss " + loss + " (its gradient p − y does not vanish when the output saturates)",
      "if your own code backpropagates (p − y) at a softmax output, that is the cross-entropy "
      "gradient, not MSE's: compare with --loss cross_entropy"};
  // A smaller learning rate does not undo saturation (docs/why-relu-does-not-converge.md
  // measures it); a smaller init does. For a bias-free relu net the logits scale as c^d.
  if (!f.theory.empty() && f.theory.back().preact_std > 0 &&
      f.arch.activation.kind == ActivationKind::relu) {
    const double c = std::pow(f.theory.back().he_std / f.theory.back().preact_std,
                              1.0 / static_cast<double>(f.arch.num_layers()));
    if (c < 1.0)
      e.suggestions.insert(e.suggestions.begin() + 1,
                           "--init-scale " + num(c) +
                               " (brings the logits to He's scale: they grow as c^" +
                               std::to_string(f.arch.num_layers()) + ")");
  }
  return e;
}

// The bound's formula as the explanation names it: heavy-ball momentum μ widens it.
std::string bound_formula(const RunFacts& f) { return f.momentum > 0 ? "2(1+μ)/λ0" : "2/λ0"; }

// A larger step: half the stability bound where it is known and larger (the largest step
// that is safe from the first one), else ten times this one.
std::string larger_lr(const RunFacts& f) {
  const auto bound = stable_lr(f);
  if (bound && !f.adaptive && *bound / 2 > f.lr)
    return "--lr " + num(*bound / 2) + " (half the stability bound " + bound_formula(f) + " = " +
           num(*bound) + ")";
  return "--lr " + num(f.lr * 10);
}

// The budget's worth of curvature: gradient descent shrinks the error along a direction of
// curvature λ by (1 − lr·λ) per step, so over the run's steps the sharpest direction
// relaxes lr·λ0·steps/2 = steps · lr/(2/λ0) times and one k times flatter k times fewer.
// The directions that carry the fit are far flatter than the sharpest, and below
// kMinRelaxations the run cannot get there (docs/verdicts.md measures where it lies).
// With heavy-ball momentum μ a step moves the flat directions lr/(1 − μ) far.
std::optional<double> relaxations(const RunFacts& f) {
  if (!f.sharpness_at_init || !(*f.sharpness_at_init > 0) || f.adaptive || f.budget_steps <= 0 ||
      f.momentum >= 1)
    return std::nullopt;
  return static_cast<double>(f.budget_steps) * f.lr / (1 - f.momentum) * *f.sharpness_at_init / 2;
}

// Steps too small: Adam first for an SGD run. The largest step plain gradient descent can
// take is capped by the sharpest direction (2/λ0), and the flat directions that carry the fit
// relax (1 − lr·λ) per step, far slower; Adam's per-parameter steps move them as fast as the
// sharp one. On the seed-1 labelled corpus Adam at adam_lr reached the target in 264 of 276
// runs stalled for too small a step, half the stability bound in 169 (docs/verdicts.md).
std::vector<std::string> too_small_steps(const RunFacts& f) {
  if (f.adaptive) return {larger_lr(f)};
  return {adam_step(f,
                    "per-parameter steps: the flat directions that carry the fit move as fast "
                    "as the sharpest, which caps plain SGD's step at the stability bound"),
          larger_lr(f)};
}

std::optional<Evidence> short_of_relaxations(const RunFacts& f) {
  const auto tau = relaxations(f);
  if (!tau || *tau >= th::kMinRelaxations) return std::nullopt;
  return Evidence{Cause::lr_too_low,
                  "lr " + num(f.lr) + " is " + num(f.lr / *stable_lr(f)) +
                      "x the stability bound " + num(*stable_lr(f)) + " (sharpness " +
                      num(*f.sharpness_at_init) + "): over the " + std::to_string(f.budget_steps) +
                      " steps of the run the sharpest direction "
                      "relaxes steps·lr·λ0/2" +
                      (f.momentum > 0 ? "/(1 − μ)" : "") + " = " + num(*tau) +
                      " times and the flatter ones that carry the fit hardly move "
                      "(below " +
                      num(th::kMinRelaxations) + " the target is out of reach).",
                  too_small_steps(f)};
}

std::optional<Evidence> unit_evidence(const RunFacts& f, const EpochRecord& r, const char* when) {
  for (std::size_t l = 0; l + 1 < r.layers.size(); ++l) {
    const LayerStats& s = r.layers[l];
    if (s.dead_fraction && *s.dead_fraction >= th::kDeadUnits)
      return Evidence{
          Cause::dead_units,
          fmt("%.0f%%", 100 * *s.dead_fraction) + " of layer-" + std::to_string(l + 1) +
              " relu units are dead " + when +
              " (0 on every probe sample): they pass no gradient and never recover." +
              theory_sentence(f, r),
          {init_to(f, "he_normal"), "--activation leaky_relu:0.01", "--lr " + num(f.lr / 10)}};
    if (s.saturated_fraction && *s.saturated_fraction >= th::kSaturatedUnits)
      return Evidence{Cause::saturated_units,
                      fmt("%.0f%%", 100 * *s.saturated_fraction) + " of layer-" +
                          std::to_string(l + 1) + " " + f.arch.activation.name() +
                          " units are saturated " + when + " (derivative below 1% of its peak)." +
                          theory_sentence(f, r),
                      {init_to(f, "xavier_normal") + " (variance-preserving for " +
                           f.arch.activation.name() + ")",
                       "--init-scale 0.1", "--standardize"}};
  }
  return std::nullopt;
}

std::optional<Evidence> gradient_evidence(const RunFacts& f, const EpochRecord& r) {
  if (r.layers.size() < 2) return std::nullopt;
  const double first = r.layers.front().grad_norm, last = r.layers.back().grad_norm;
  double total = 0.0;
  for (const auto& s : r.layers) total += s.grad_norm * s.grad_norm;
  total = std::sqrt(total);
  if (total >= th::kTinyGradient && first >= th::kVanishingRatio * last) return std::nullopt;
  return Evidence{Cause::vanishing_gradient,
                  "the gradient reaching layer 1 has norm " + num(first) + " against " + num(last) +
                      " at the last layer (total " + num(total) +
                      "): the early layers cannot learn." + theory_sentence(f, r),
                  // Adam first: it divides each parameter's step by its own gradient's size,
                  // so the early layers take full steps however little gradient reaches them.
                  // On the seed-1 labelled corpus it rescued all 6 runs stalled this way, a
                  // variance-preserving init 1 (docs/verdicts.md).
                  {adam_step(f,
                             "scales each parameter's step by its own gradient's size, so the "
                             "early layers move as fast as the last"),
                   init_to(f, "he_normal"), "--activation relu", "--loss cross_entropy"}};
}

// Relu units alive at initialization and dead at the end: with lr above the bound measured
// at initialization, the step killed them (the first steps overshoot along the sharpest
// direction and leave every sample's pre-activation below 0), so the cause is the lr and
// the first remedy a smaller one. Below the bound they stay dead_units.
Evidence killed_by_a_large_step(const RunFacts& f, Evidence dead) {
  const auto bound = stable_lr(f);
  if (!lr_beyond_bound(f, bound)) return dead;
  dead.cause = Cause::lr_too_high;
  dead.explanation += " They died during training: lr " + num(f.lr) + " is " + num(f.lr / *bound) +
                      "x the stability bound 2/λmax = " + num(*bound) +
                      " measured at initialization (sharpness " + num(*f.sharpness_at_init) +
                      "), so the first steps overshoot and push every sample below 0.";
  dead.suggestions = {"--lr " + num(*bound / 2), "--activation leaky_relu:0.01",
                      adam_step(f, kFixedSizeSteps)};
  return dead;
}

// The story's "error stays the same": the softmax outputs one-hot at the end. Each sample's
// MSE is then 0 when right and 2/K when wrong, so the loss is (2/K)(1 − accuracy), and MSE's
// gradient through the softmax, p ⊙ (g − ⟨p, g⟩), vanishes for every sample (exactly 0 at
// one-hot): no step of any size leaves the state. Recognised by that identity holding to
// kAbsorbingLossShare and, where the output was probed, by at least kSaturatedSampleShare
// of the samples above 0.99.
constexpr double kAbsorbingLossShare = 1e-3;

std::optional<Evidence> absorbing_evidence(const RunFacts& f, const TrainSummary& s) {
  if (f.arch.head.output != OutputKind::softmax || f.arch.head.loss != LossKind::mse)
    return std::nullopt;
  const double K = static_cast<double>(f.arch.sizes.back());
  const double one_hot_loss = 2 / K * (1 - s.train_accuracy);
  const double off = std::abs(s.final_loss - one_hot_loss) / one_hot_loss;
  if (!(one_hot_loss > 0) || !(off <= kAbsorbingLossShare)) return std::nullopt;
  const EpochRecord& last = s.history.back();
  if (last.output && last.output->confident_fraction < th::kSaturatedSampleShare)
    return std::nullopt;
  Evidence e =
      saturation_evidence(f, s.history.front())
          .value_or(Evidence{
              Cause::saturated_output, "", {init_to(f, "he_normal"), "--loss cross_entropy"}});
  e.cause = Cause::saturated_output;
  e.explanation =
      "the run ended in the absorbing state of softmax + MSE: the outputs are one-hot, so the "
      "loss is (2/K)(1 − accuracy) = (2/" +
      num(K) + ")(1 − " + fmt("%.4g", s.train_accuracy) + ") = " + fmt("%.5g", one_hot_loss) +
      " (measured " + fmt("%.5g", s.final_loss) +
      "), and MSE's gradient through a one-hot softmax, p ⊙ (g − ⟨p, g⟩), is 0 for every "
      "sample: no learning rate can move it. Only another start (smaller initial weights) or "
      "cross-entropy, whose gradient p − y does not vanish, leaves it.";
  return e;
}

Evidence stall_evidence(const RunFacts& f, const TrainSummary& s,
                        const std::vector<double>& losses) {
  const EpochRecord& init = s.history.front();
  const EpochRecord& last = s.history.back();
  if (auto e = absorbing_evidence(f, s)) return *e;
  if (auto e = saturation_evidence(f, init)) return *e;
  if (auto e = unit_evidence(f, init, "at initialization")) return *e;
  if (auto e = unit_evidence(f, last, "at the end"))
    return e->cause == Cause::dead_units ? killed_by_a_large_step(f, *e) : *e;
  if (auto e = gradient_evidence(f, init)) return *e;
  // Too few steps' worth of curvature explains a network still predicting one class.
  if (auto e = short_of_relaxations(f)) return *e;
  if (last.output && last.output->majority_fraction >= th::kCollapsedShare)
    return {Cause::collapsed,
            fmt("%.0f%%", 100 * last.output->majority_fraction) +
                " of samples are predicted as one class: the network learned the class prior and "
                "nothing else.",
            {"--loss cross_entropy", init_to(f, "he_normal"), "--lr " + num(f.lr * 10)}};
  double ratio = 0.0;
  for (const auto& l : last.layers) ratio = std::max(ratio, l.update_ratio.value_or(0.0));
  if (!last.layers.empty() && ratio < th::kLowUpdateRatio)
    return {Cause::lr_too_low,
            "each step changes the weights by at most " + num(ratio) +
                " of their norm (healthy training is near 1e-3).",
            too_small_steps(f)};
  // Fell at every single epoch: the direction is right, the steps are too small.
  const bool falling = losses.size() >= 3 &&
                       std::adjacent_find(losses.begin(), losses.end(), [](double a, double b) {
                         return b >= a;
                       }) == losses.end();
  if (falling)
    return {
        Cause::lr_too_low,
        "the loss fell at every epoch, but too little to matter: the steps are too small for this "
        "init and loss.",
        too_small_steps(f)};
  return {
      Cause::plateau,
      "the loss stopped improving at " + num(s.best_loss) + " without the probes showing a cause.",
      // Adam first: per-parameter steps leave a plateau along its flat directions (on the
      // seed-1 labelled corpus 14 of 14 plateaus, a third of the lr 11).
      {adam_step(f,
                 "per-parameter steps: the flat directions of a plateau move as fast as the "
                 "steep ones"),
       "--lr " + num(f.lr / 3), "more hidden units"}};
}

// The loss of predicting 1/K for every class: the level a network reaches by learning nothing.
double chance_loss(const RunFacts& f) {
  const double K = static_cast<double>(f.arch.sizes.back());
  switch (f.arch.head.loss) {
    case LossKind::cross_entropy:
      return std::log(K);
    case LossKind::bce:
      return -(std::log(1 / K) / K + (1 - 1 / K) * std::log(1 - 1 / K));
    case LossKind::mse:
      return (K - 1) / (K * K);
  }
  return 0.0;
}

bool oscillates(const std::vector<double>& losses, double best) {
  const std::size_t n = losses.size();
  if (n < 5) return false;
  const std::size_t window = std::max<std::size_t>(4, n / 2);
  int flips = 0, pairs = 0;
  for (std::size_t i = n - window + 1; i + 1 < n; ++i, ++pairs)
    flips += (losses[i] - losses[i - 1]) * (losses[i + 1] - losses[i]) < 0;
  return pairs > 0 && flips >= th::kOscillationFlipShare * pairs &&
         losses.back() > best * (1 + th::kStillImproving);
}

void add_checks(Verdict& v, const TrainSummary& s, const RunFacts& f) {
  const double K = static_cast<double>(f.arch.sizes.back());
  if (f.arch.head.loss == LossKind::cross_entropy) {
    const double expected = std::log(K);
    v.checks.push_back(
        "initial loss " + num(s.initial_loss) + " against ln(" +
        std::to_string(static_cast<int>(K)) + ") = " + num(expected) + " for uniform predictions" +
        (s.initial_loss > 2 * expected ? ": the network is confidently wrong at initialization"
                                       : ": as expected"));
  } else if (f.arch.head.loss == LossKind::mse && f.arch.head.output == OutputKind::softmax) {
    const double uniform = (K - 1) / (K * K);
    v.checks.push_back("initial loss " + num(s.initial_loss) + " against " + num(uniform) +
                       " for uniform predictions and " + num(2 / K) + " for saturated wrong ones");
  }
  const EpochRecord& last = s.history.back();
  if (last.output && last.output->majority_fraction >= th::kCollapsedShare)
    v.checks.push_back(fmt("%.0f%%", 100 * last.output->majority_fraction) +
                       " of samples are predicted as one class (collapse)");
}

// The losses at the end of each epoch (and at initialization), which every test reads.
std::vector<double> epoch_losses(const TrainSummary& s) {
  std::vector<double> losses;
  for (const auto& r : s.history)
    if (!r.within_epoch) losses.push_back(r.loss);
  return losses;
}

// Diverged: a non-finite loss, a loss that stayed far above its start until the trainer
// stopped it, or one still there at the end. A spike that came back down is not: it is the
// catapult phase (spike_sentence), judged by where the run ended.
bool has_diverged(const TrainSummary& s, double worst) {
  return s.diverged_at_step || !std::isfinite(s.final_loss) || !std::isfinite(worst) ||
         s.final_loss > th::kDivergedLossFactor * s.initial_loss;
}

bool spiked(const TrainSummary& s) {
  return s.peak_step > 0 && s.peak_loss > th::kSpikeFactor * s.initial_loss;
}

std::string spike_words(const TrainSummary& s) {
  return "the batch loss spiked to " + num(s.peak_loss) + " (" + num(s.peak_loss / s.initial_loss) +
         "x its start) at step " + std::to_string(s.peak_step);
}

// Where lr stands against the stability bound measured at initialization, in words.
std::string against_bound(const RunFacts& f, const std::optional<double>& lr_bound) {
  if (!lr_bound || f.adaptive) return "";
  return "lr " + num(f.lr) + " is " + num(f.lr / *lr_bound) + "x the stability bound " +
         bound_formula(f) + " = " + num(*lr_bound) + " measured at initialization (sharpness " +
         num(*f.sharpness_at_init) + ")";
}

// A spike the run came back from: named, since it explains a rough start and is how a step
// above 2/λ0 can still train (the catapult: the loss rises until the sharpness has fallen
// below 2/lr, then falls; Lewkowycz et al. 2020).
std::string spike_sentence(const TrainSummary& s, const RunFacts& f,
                           const std::optional<double>& lr_bound) {
  if (!spiked(s)) return "";
  std::string text = " Early on " + spike_words(s) + " and came back down";
  if (lr_beyond_bound(f, lr_bound))
    text += ": the catapult phase of a step above the stability bound (" +
            against_bound(f, lr_bound) +
            "); the loss rises until the sharpness has fallen below "
            "2/lr, then falls";
  return text + ".";
}

// What diverged: an overflow where the trainer caught one, else the rise of the loss.
std::string divergence_sentence(const TrainSummary& s, double worst) {
  std::string text;
  if (s.diverged_at_layer) {
    text = "the loss became NaN or infinite at step ";
    text += std::to_string(*s.diverged_at_step);
    if (*s.diverged_at_layer > 0) {
      text += ", starting in layer ";
      text += std::to_string(*s.diverged_at_layer);
    }
  } else {
    text = "the training loss rose from " + num(s.initial_loss) + " to " + num(worst);
    if (s.diverged_at_step) {
      text += ", and training stopped at step ";
      text += std::to_string(*s.diverged_at_step);
    }
  }
  text += '.';
  return text;
}

void judge_divergence(Verdict& v, const TrainSummary& s, const RunFacts& f, double worst,
                      const std::optional<double>& lr_bound) {
  v.verdict = VerdictKind::diverged;
  v.explanation = divergence_sentence(s, worst);
  if (lr_beyond_bound(f, lr_bound)) {
    v.cause = Cause::lr_too_high;
    v.explanation += " At initialization the sharpness was " + num(*f.sharpness_at_init) +
                     ", so gradient descent is stable only for lr < " + num(*lr_bound) + "; --lr " +
                     num(f.lr) + " is " + num(f.lr / *lr_bound) + "x that.";
    // A smaller SGD step first, the direct remedy; then Adam, whose steps do not grow with
    // the curvature (on the seed-1 labelled corpus Adam at adam_lr rescued 42 of the 46 runs
    // whose cause was lr_too_high, the smaller step 29).
    v.suggestions = {"--lr " + num(*lr_bound / 2), adam_step(f, kFixedSizeSteps),
                     init_to(f, "he_normal")};
  } else {
    v.cause = Cause::exploding;
    v.explanation += " The weights grew until the outputs overflowed.";
    v.suggestions = {"--lr " + num(f.lr / 10), init_to(f, "he_normal"), "--loss cross_entropy"};
  }
  v.explanation += theory_sentence(f, s.history.front());
}

void judge_oscillation(Verdict& v, const TrainSummary& s, const RunFacts& f,
                       const std::optional<double>& lr_bound) {
  v.verdict = VerdictKind::oscillating;
  v.cause = Cause::lr_too_high;
  v.explanation = "the loss flips up and down and ends at " + num(s.final_loss) +
                  ", above its best " + num(s.best_loss) + ".";
  if (lr_bound)
    v.explanation += " The stability bound at initialization was lr < " + num(*lr_bound) + ".";
  v.suggestions = {
      "--lr " + num(lr_bound && !f.adaptive ? std::min(f.lr / 3, *lr_bound / 2) : f.lr / 3),
      adam_step(f, kFixedSizeSteps)};
}

// How far a run that neither diverged nor oscillated got. A good fit is judged against the
// better of the initial loss and chance level (predicting 1/K for every class), and needs
// accuracy above chance: falling from a huge initial loss to chance level is no learning.
// Progress itself is measured from the initial loss.
struct Fit {
  double baseline;  // the lower of the initial loss and chance level
  double progress;  // the share of the initial loss gone at the best epoch
  double learned;   // train accuracy above chance: 0 at chance, 1 perfect
  double recent;    // the loss's relative fall per epoch over the last `span` epochs
  int span;
  double epochs_to_target;  // at the pace of those epochs (inf when not heading there)
  bool good;
};

// How many more epochs the target is away at the pace of the last `span` epochs: a
// straight line through the accuracy (a stated accuracy), the loss (a stated loss, or the
// good fit's loss when none is stated). Learning curves bend toward their floor, so the
// line is optimistic; a run whose line does not reach the target within kForecastEpochs has
// stalled whatever its budget.
// A noisy curve read by its envelope: the best loss (and accuracy) of the last `span`
// epochs against the best before them. Steady progress reads as with the end points; a
// loss that flips up and down around a plateau makes no new lows and reads as no pace.
struct Envelope {
  double loss_then, loss_now, accuracy_then, accuracy_now;
};

Envelope envelope_of(const std::vector<const EpochRecord*>& epochs, std::size_t span) {
  Envelope e{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(), -1.0,
             -1.0};
  for (std::size_t i = 0; i < epochs.size(); ++i) {
    const bool recent = i + span >= epochs.size();
    double& loss = recent ? e.loss_now : e.loss_then;
    double& accuracy = recent ? e.accuracy_now : e.accuracy_then;
    loss = std::min(loss, epochs[i]->loss);
    accuracy = std::max(accuracy, epochs[i]->accuracy);
  }
  return e;
}

double epochs_to_target(const RunFacts& f, const Fit& fit, const Envelope& e, std::size_t span) {
  if (span == 0) return std::numeric_limits<double>::infinity();
  const double n = static_cast<double>(span);
  const auto away = [&](double now, double then, double goal, double sign) {
    const double pace = sign * (now - then) / n;  // toward the goal, per epoch
    const double gap = sign * (goal - now);
    if (gap <= 0) return 0.0;
    return pace > 0 ? gap / pace : std::numeric_limits<double>::infinity();
  };
  double epochs_left = 0.0;
  if (f.target.accuracy) epochs_left = away(e.accuracy_now, e.accuracy_then, *f.target.accuracy, 1);
  if (f.target.loss)
    epochs_left = std::max(epochs_left, away(e.loss_now, e.loss_then, *f.target.loss, -1));
  if (!f.target.stated()) {
    // The good fit: its loss, with the accuracy off chance level (kLearnedShare).
    const double K = static_cast<double>(f.arch.sizes.back());
    const double learned = 1 / K + th::kLearnedShare * (1 - 1 / K);
    epochs_left =
        std::max(away(e.loss_now, e.loss_then, th::kConvergedLossShare * fit.baseline, -1),
                 away(e.accuracy_now, e.accuracy_then, learned, 1));
  }
  return epochs_left;
}

bool meets(const Target& t, double loss, double accuracy) {
  return (!t.accuracy || accuracy >= *t.accuracy) && (!t.loss || loss <= *t.loss);
}

// A stated target met at the end, or met at an earlier epoch and held to within kTargetHeld:
// a run that converged and then wiggles around its minimum has converged.
bool target_reached(const TrainSummary& s, const Target& t) {
  if (meets(t, s.final_loss, s.train_accuracy)) return true;
  const bool met = std::any_of(s.history.begin(), s.history.end(), [&](const EpochRecord& r) {
    return r.epoch > 0 && !r.within_epoch && meets(t, r.loss, r.accuracy);
  });
  const Target held{t.accuracy ? std::optional(*t.accuracy - th::kTargetHeld) : std::nullopt,
                    t.loss ? std::optional(*t.loss * (1 + th::kTargetHeld)) : std::nullopt};
  return met && meets(held, s.final_loss, s.train_accuracy);
}

std::string target_words(const Target& t) {
  std::string text;
  if (t.accuracy) text = fmt("train accuracy %.3g", *t.accuracy);
  if (t.loss) text += (text.empty() ? "" : " and ") + fmt("loss %.3g", *t.loss);
  return text;
}

Fit fit_of(const TrainSummary& s, const RunFacts& f) {
  Fit fit{};
  const double L0 = s.initial_loss;
  fit.baseline = std::min(L0, chance_loss(f));
  fit.progress = L0 > 0 ? (L0 - s.best_loss) / L0 : 0.0;
  const double K = static_cast<double>(f.arch.sizes.back());
  fit.learned = (s.train_accuracy - 1 / K) / (1 - 1 / K);
  fit.good = f.target.stated() ? target_reached(s, f.target)
                               : (s.final_loss <= th::kConvergedLossShare * fit.baseline &&
                                  fit.learned >= th::kLearnedShare) ||
                                     s.train_accuracy >= th::kGoodAccuracy;
  // The pace of the last kRecentEpochs epochs, per epoch, whatever the budget: a run is
  // judged by where it is heading, not by how long it was given. The first epoch's fall
  // from the initial loss (the largest of nearly any run) counts only when it is the only
  // one. With --epochs 0 there is no epoch to look back to (n = 1).
  std::vector<const EpochRecord*> epochs;
  for (const auto& r : s.history)
    if (!r.within_epoch) epochs.push_back(&r);
  const std::size_t n = epochs.size();
  const std::size_t span =
      n <= 2 ? n - 1 : std::min<std::size_t>(static_cast<std::size_t>(th::kRecentEpochs), n - 2);
  fit.span = static_cast<int>(span);
  const Envelope e = envelope_of(epochs, span);
  fit.recent = span > 0 && e.loss_then > 0 && std::isfinite(e.loss_then)
                   ? (e.loss_then - e.loss_now) / e.loss_then / static_cast<double>(span)
                   : 0.0;
  fit.epochs_to_target = epochs_to_target(f, fit, e, span);
  return fit;
}

// Short of a good fit: stalled if it hardly moved, stays near chance, stopped improving or
// collapsed onto one class; else still on its way (slow).
bool has_stalled(const TrainSummary& s, const Fit& fit) {
  const EpochRecord& last = s.history.back();
  const bool collapsed = last.output && last.output->majority_fraction >= th::kCollapsedShare;
  return fit.progress < th::kStalledProgress || fit.recent <= th::kStillImproving ||
         fit.epochs_to_target > th::kForecastEpochs || collapsed;
}

void judge_stall(Verdict& v, const TrainSummary& s, const RunFacts& f,
                 const std::vector<double>& losses) {
  Evidence e = stall_evidence(f, s, losses);
  v.verdict = VerdictKind::stalled;
  v.cause = e.cause;
  v.explanation = "the loss went from " + num(s.initial_loss) + " to " + num(s.final_loss) +
                  " (best " + num(s.best_loss) + ", chance level " + num(chance_loss(f)) +
                  "): " + e.explanation;
  v.suggestions = e.suggestions;
}

void judge_slow(Verdict& v, const TrainSummary& s, const RunFacts& f, const Fit& fit) {
  v.verdict = VerdictKind::slow;
  v.cause = Cause::budget;
  v.explanation = "the loss was still falling at the end (its best fell " +
                  fmt("%.1f%%", 100 * fit.recent) + " per epoch over the last " +
                  (fit.span == 1 ? std::string("epoch") : std::to_string(fit.span) + " epochs") +
                  ") and had not yet reached " +
                  (f.target.stated() ? "the target (" + target_words(f.target) + ")."
                                     : "half of " + num(fit.baseline) +
                                           " (the initial loss or chance level, whichever is "
                                           "lower).") +
                  " At that pace it is about " + num(std::ceil(fit.epochs_to_target)) +
                  " epochs away; learning curves flatten, so allow five times that.";
  // Five times the straight line's estimate: on the labelled corpus the runs that got there
  // took 2 to 6 times longer than the line said (docs/verdicts.md).
  const int more = static_cast<int>(std::ceil(5 * fit.epochs_to_target));
  v.suggestions = {"--epochs " + std::to_string(std::max(s.epochs + std::max(more, 1), 10)),
                   "--lr " + num(f.lr * 3), adam_step(f, "per-parameter steps")};
}

void judge_convergence(Verdict& v, const TrainSummary& s, const RunFacts& f,
                       const std::optional<double>& lr_bound) {
  v.verdict = VerdictKind::converged;
  v.explanation =
      "the loss fell from " + num(s.initial_loss) + " to " + num(s.final_loss) +
      fmt(", train accuracy %.1f%%", 100 * s.train_accuracy) +
      (f.target.stated() ? ": the target (" + target_words(f.target) + ") is reached." : ".") +
      spike_sentence(s, f, lr_bound);
}

// Learned, then a step too large for the network destroyed it: the loss spiked and the run
// ended at chance (He init, lr 1, cross-entropy: the batch loss reaches 70x its start
// within five steps, the relu units die, and every sample is predicted as one class).
bool collapsed_after_spike(const TrainSummary& s, const Fit& fit) {
  return spiked(s) && fit.learned < th::kLearnedShare;
}

void judge_collapse(Verdict& v, const TrainSummary& s, const RunFacts& f,
                    const std::optional<double>& lr_bound) {
  v.verdict = VerdictKind::diverged;
  v.explanation = spike_words(s) + ", and the run never recovered: it ended at train accuracy " +
                  fmt("%.1f%%", 100 * s.train_accuracy) + " and loss " + num(s.final_loss) +
                  " (chance level " + num(chance_loss(f)) + ").";
  const EpochRecord& last = s.history.back();
  if (auto dead = unit_evidence(f, last, "at the end"); dead && dead->cause == Cause::dead_units)
    v.explanation += " " + dead->explanation.substr(0, dead->explanation.find(':')) +
                     ": the step pushed every sample below 0.";
  const bool beyond = lr_beyond_bound(f, lr_bound);
  v.cause = beyond || f.adaptive || !lr_bound ? Cause::lr_too_high : Cause::exploding;
  if (beyond) v.explanation += " " + against_bound(f, lr_bound) + ".";
  v.suggestions = {"--lr " + num(beyond ? *lr_bound / 2 : f.lr / 10),
                   "--activation leaky_relu:0.01", adam_step(f, kFixedSizeSteps)};
  if (f.adaptive) v.suggestions.pop_back();
}

Verdict judge(const TrainSummary& s, const RunFacts& f) {
  Verdict v;
  const std::vector<double> losses = epoch_losses(s);
  const double worst = *std::max_element(losses.begin(), losses.end());
  const auto lr_bound = stable_lr(f);
  add_checks(v, s, f);
  if (has_diverged(s, worst)) {
    judge_divergence(v, s, f, worst, lr_bound);
    return v;
  }
  const Fit fit = fit_of(s, f);
  if (fit.good)
    judge_convergence(v, s, f, lr_bound);
  else if (collapsed_after_spike(s, fit))
    judge_collapse(v, s, f, lr_bound);
  else if (!has_stalled(s, fit))  // heading for the target: noise on the way is not a failure
    judge_slow(v, s, f, fit);
  else if (oscillates(losses, s.best_loss))
    judge_oscillation(v, s, f, lr_bound);
  else
    judge_stall(v, s, f, losses);
  if (v.verdict != VerdictKind::converged && v.verdict != VerdictKind::diverged)
    v.explanation += spike_sentence(s, f, lr_bound);
  return v;
}

Verdict predict(const EpochRecord& init, const RunFacts& f) {
  Verdict v;
  const auto lr_bound = stable_lr(f);
  TrainSummary s;
  s.history = {init};
  s.initial_loss = s.final_loss = s.best_loss = init.loss;
  add_checks(v, s, f);
  const std::optional<LrRegimeBounds> bounds =
      lr_bound ? std::optional(predicted_regime_bounds(*lr_bound, f.arch)) : std::nullopt;
  const LrRegime regime = bounds ? regime_of(f.lr, *bounds, f.adaptive) : LrRegime::unknown;
  if (regime == LrRegime::divergent) {
    // A bounded loss (MSE through a softmax or sigmoid) cannot blow up: the steps saturate
    // the outputs instead, and the run stalls.
    v.verdict = f.arch.head.loss == LossKind::mse && f.arch.head.output != OutputKind::identity
                    ? VerdictKind::stalled
                    : VerdictKind::diverged;
    v.cause = Cause::lr_too_high;
    v.explanation = "lr " + num(f.lr) + " is " + num(f.lr / *lr_bound) +
                    "x the stability bound 2/λmax = " + num(*lr_bound) + " (sharpness " +
                    num(*f.sharpness_at_init) + ") and above the catapult limit " +
                    num(bounds->catapult_below) +
                    ": the first steps overshoot along the sharpest direction faster than the "
                    "network can move to flatter ground." +
                    theory_sentence(f, init);
    v.suggestions = {"--lr " + num(*lr_bound / 2), adam_step(f, kFixedSizeSteps),
                     init_to(f, "he_normal")};
    return v;
  }
  std::optional<Evidence> e = saturation_evidence(f, init);
  if (!e) e = unit_evidence(f, init, "at initialization");
  if (!e) e = gradient_evidence(f, init);
  if (!e) e = short_of_relaxations(f);
  if (e) {
    v.verdict = VerdictKind::stalled;
    v.cause = e->cause;
    v.explanation = e->explanation;
    v.suggestions = e->suggestions;
    return v;
  }
  v.verdict = VerdictKind::converged;
  v.explanation =
      "no sign of trouble at initialization: outputs not saturated, no dead or saturated layer, "
      "gradients reach every layer";
  if (regime == LrRegime::stable)
    v.explanation += ", and lr " + num(f.lr) + " is below the stability bound " + num(*lr_bound);
  if (regime == LrRegime::catapult)
    v.explanation += "; lr " + num(f.lr) + " is " + num(f.lr / *lr_bound) +
                     "x the stability bound " + num(*lr_bound) + " but below the catapult limit " +
                     num(bounds->catapult_below) +
                     ": expect the loss to spike in the first steps, then fall";
  v.explanation += ".";
  return v;
}

// Whether the run already has this option set to this value.
bool runs_own(const RunFacts& f, const std::string& option, const std::string& value) {
  if (option == "--init") return value == f.init_name;
  if (option == "--activation") return value == f.arch.activation.name();
  if (option == "--loss") return value == f.arch.head.loss_name();
  if (option == "--optimizer") return value == f.optimizer_name;
  if (option == "--lr") return value == num(f.lr);
  if (option == "--init-scale") return value == num(f.init_scale);
  return false;
}

// A suggestion that sets only what the run already has ("--init he_normal" to a
// He-initialized run, "--optimizer adam --lr 0.01" to that very run) says nothing: it is
// dropped, and the next one comes first.
void drop_the_runs_own_settings(Verdict& v, const RunFacts& f) {
  std::erase_if(v.suggestions, [&](const std::string& suggestion) {
    const auto options = suggestion_options(suggestion);
    return !options.empty() && std::all_of(options.begin(), options.end(), [&](const auto& o) {
      return runs_own(f, o.first, o.second);
    });
  });
}

}  // namespace

std::vector<std::pair<std::string, std::string>> suggestion_options(const std::string& suggestion) {
  std::vector<std::pair<std::string, std::string>> options;
  std::istringstream words(suggestion.substr(0, suggestion.find(" (")));
  for (std::string word; words >> word;) {
    if (word.starts_with("--"))
      options.emplace_back(word, "");
    else if (!options.empty() && options.back().second.empty())
      options.back().second = word;
    else
      return {};  // prose ("more hidden units"), not options
  }
  return options;
}

// Adam moves every weight by about lr per step whatever its gradient's size, so a unit's
// pre-activation, a sum over its fan-in of weights times inputs, moves by up to lr·fan_in·|x|
// when the updates line up with the input, as they do early in training: a step of 1/fan_in
// keeps that at the input's own scale in the widest layer (the maximal-update scaling of Adam's
// learning rate, Yang et al. 2022, arXiv:2203.03466). One fixed step cannot fit both a
// 784-input and a 2-input network: on the seed-1 labelled corpus Adam at 0.01 fixed 75 of the
// 84 Fashion-MNIST runs stalled for too small a step and 140 of the 192 on the 2-D sets, at
// 0.03 (the 2-D sets' 1/32) 39 and 187, at 0.001 (Fashion-MNIST's 1/784) 77 and 63.
double adam_lr(const Architecture& arch) {
  Index widest = 1;
  for (Index l = 0; l < arch.num_layers(); ++l) widest = std::max(widest, arch.fan_in(l));
  const double step = th::kAdamLrPerFanIn / static_cast<double>(widest);
  // One significant figure: the suggestion reads --lr 0.03, not 0.03125.
  const double decade = std::pow(10.0, std::floor(std::log10(step)));
  return std::min(th::kAdamLrMax, std::round(step / decade) * decade);
}

Verdict judge_run(const TrainSummary& s, const RunFacts& f) {
  Verdict v = judge(s, f);
  drop_the_runs_own_settings(v, f);
  return v;
}

Verdict predict_run(const EpochRecord& init, const RunFacts& f) {
  Verdict v = predict(init, f);
  drop_the_runs_own_settings(v, f);
  return v;
}

}  // namespace mlpscope
