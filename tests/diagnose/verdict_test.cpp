// Verdicts on histories built by hand (no training), each case on one side of one
// threshold of diagnose/thresholds.h, and the predicted verdict at initialization.
#include "diagnose/verdict.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <cmath>

#include "diagnose/thresholds.h"

namespace mlpscope {
namespace {

namespace th = thresholds;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// One record per epoch with the given training losses; summary fields as the trainer sets them.
TrainSummary history(const std::vector<double>& losses, double accuracy = 0.5) {
  TrainSummary s;
  for (std::size_t i = 0; i < losses.size(); ++i) {
    EpochRecord r;
    r.epoch = static_cast<int>(i);
    r.loss = losses[i];
    r.accuracy = accuracy;
    s.history.push_back(r);
  }
  s.initial_loss = s.best_loss = losses.front();
  for (double l : losses)
    if (std::isfinite(l)) s.best_loss = std::min(s.best_loss, l);
  s.final_loss = losses.back();
  s.train_accuracy = accuracy;
  s.epochs = static_cast<int>(losses.size()) - 1;
  return s;
}

RunFacts facts(const char* activation = "relu", LossKind loss = LossKind::cross_entropy,
               OutputKind output = OutputKind::softmax) {
  RunFacts f;
  f.arch = Architecture{{2, 8, 3}, Activation::parse(activation), Head::make(output, loss)};
  f.init_name = "he_normal";
  f.lr = 0.01;
  return f;
}

// A hidden and an output layer of healthy probe statistics.
std::vector<LayerStats> healthy_layers() {
  LayerStats hidden, out;
  hidden.preact_std = 1.0;
  hidden.dead_fraction = 0.1;
  hidden.grad_norm = 0.5;
  hidden.update_ratio = 1e-3;
  out.preact_std = 1.0;
  out.grad_norm = 0.5;
  out.update_ratio = 1e-3;
  return {hidden, out};
}

OutputStats healthy_output() {
  OutputStats o;
  o.mean_top_probability = 0.5;
  o.confident_fraction = 0.0;
  o.majority_fraction = 0.4;
  o.predicted_classes = 3;
  o.logit_gradient = 1.0;
  return o;
}

// A run whose loss hardly moved, probes healthy at initialization and at the end: the
// stall cases below change one probe statistic each.
TrainSummary stalled_run() {
  TrainSummary s = history({1.0, 0.999, 0.998, 0.998});
  for (EpochRecord* r : {&s.history.front(), &s.history.back()}) {
    r->layers = healthy_layers();
    r->output = healthy_output();
  }
  return s;
}

// --- diverged ---------------------------------------------------------------------------

TEST(Verdict, NonFiniteFinalLossIsDiverged) {
  const Verdict v = judge_run(history({1.0, 0.8, std::nan("")}), facts());
  EXPECT_EQ(v.verdict, VerdictKind::diverged);
  EXPECT_EQ(v.cause, Cause::exploding);  // no sharpness known
  EXPECT_FALSE(v.suggestions.empty());
}

TEST(Verdict, DivergedAtStepSaysWhere) {
  TrainSummary s = history({1.0, 0.8, 0.7});
  s.diverged_at_step = 17;
  const Verdict v = judge_run(s, facts());
  EXPECT_EQ(v.verdict, VerdictKind::diverged);
  EXPECT_TRUE(contains(v.explanation, "step 17")) << v.explanation;
}

// Still above the factor at the end is diverged; a rise past it that came back down (the
// trainer stops a run only after kDivergedSteps steps there) is judged by where it ended.
TEST(Verdict, LossAboveTheFactorAtTheEndIsDiverged) {
  ASSERT_DOUBLE_EQ(th::kDivergedLossFactor, 10.0);
  const Verdict above = judge_run(history({1.0, 3.0, 10.1}), facts());
  EXPECT_EQ(above.verdict, VerdictKind::diverged);
  EXPECT_TRUE(contains(above.explanation, "10.1")) << above.explanation;
  EXPECT_NE(judge_run(history({1.0, 3.0, 9.9}), facts()).verdict, VerdictKind::diverged);
  EXPECT_EQ(judge_run(history({1.0, 3.0, 10.1, 0.4}), facts()).verdict, VerdictKind::converged);
  EXPECT_EQ(judge_run(history({1.0, 3.0, 9.9, 0.4}), facts()).verdict, VerdictKind::converged);
}

// lr against the stability bound 2(1+μ)/λmax: sharpness 123 gives 2/123 = 0.0163.
TEST(Verdict, DivergedCauseIsLrTooHighOnlyAboveTheBound) {
  const TrainSummary s = history({1.0, 50.0, std::nan("")});
  RunFacts f = facts();
  f.sharpness_at_init = 123.0;
  f.lr = 0.06;
  Verdict v = judge_run(s, f);
  EXPECT_EQ(v.verdict, VerdictKind::diverged);
  EXPECT_EQ(v.cause, Cause::lr_too_high);
  EXPECT_TRUE(contains(v.explanation, "123")) << v.explanation;
  EXPECT_TRUE(contains(v.explanation, "0.0163")) << v.explanation;
  EXPECT_TRUE(contains(v.explanation, "3.69x")) << v.explanation;
  EXPECT_FALSE(v.suggestions.empty());
  ASSERT_EQ(v.suggestions.size(), 2u);  // He's init is the run's own
  EXPECT_TRUE(contains(v.suggestions.front(), "0.00813"))
      << v.suggestions.front();  // half the bound
  // Then Adam, whose steps do not grow with the curvature (2-8-3: 1/8 to one figure).
  EXPECT_TRUE(v.suggestions[1].starts_with("--optimizer adam --lr 0.1 (")) << v.suggestions[1];

  f.lr = 0.016;  // just below 2/123
  v = judge_run(s, f);
  EXPECT_EQ(v.cause, Cause::exploding);
  EXPECT_FALSE(v.suggestions.empty());

  f.lr = 0.0165;  // just above
  EXPECT_EQ(judge_run(s, f).cause, Cause::lr_too_high);

  f.momentum = 0.9;  // the bound widens to 2·1.9/123 = 0.0309
  f.lr = 0.03;
  EXPECT_EQ(judge_run(s, f).cause, Cause::exploding);
  f.lr = 0.032;
  EXPECT_EQ(judge_run(s, f).cause, Cause::lr_too_high);

  f.adaptive = true;  // adam: the bound does not apply
  EXPECT_EQ(judge_run(s, f).cause, Cause::exploding);
}

// --- stalled, slow, converged --------------------------------------------------------------

TEST(Verdict, StalledBelowTheProgressShare) {
  ASSERT_DOUBLE_EQ(th::kStalledProgress, 0.01);
  // One epoch, a stated loss target within reach: only the progress from L0 differs (with
  // one epoch it is also the pace, read against kStillImproving).
  RunFacts f = facts();
  f.target.loss = 0.95;
  const Verdict below = judge_run(history({1.0, 0.995}), f);  // best 0.5% below
  EXPECT_EQ(below.verdict, VerdictKind::stalled);
  EXPECT_FALSE(below.suggestions.empty());
  const Verdict above = judge_run(history({1.0, 0.985}), f);  // best 1.5% below
  EXPECT_EQ(above.verdict, VerdictKind::slow);
  EXPECT_EQ(above.cause, Cause::budget);
  EXPECT_FALSE(above.suggestions.empty());
}

TEST(Verdict, SlowWhileStillImprovingElseStalled) {
  ASSERT_DOUBLE_EQ(th::kStillImproving, 0.01);
  ASSERT_EQ(th::kRecentEpochs, 3);
  // The last three epochs fall 1.1% (then 0.9%) a step, 1.088% (0.892%) per epoch on
  // average; the good fit's loss 0.5 is within kForecastEpochs at either pace.
  auto pace = [](double step) {
    return history({1.0, 0.7, 0.6, 0.6 * (1 - step), 0.6 * std::pow(1 - step, 2),
                    0.6 * std::pow(1 - step, 3)});
  };
  const Verdict improving = judge_run(pace(0.011), facts());
  EXPECT_EQ(improving.verdict, VerdictKind::slow);
  EXPECT_TRUE(contains(improving.explanation, "1.1%")) << improving.explanation;
  const Verdict flat = judge_run(pace(0.009), facts());
  EXPECT_EQ(flat.verdict, VerdictKind::stalled);
  EXPECT_FALSE(flat.cause == Cause::none);
}

TEST(Verdict, ConvergedNeedsAGoodFit) {
  ASSERT_DOUBLE_EQ(th::kConvergedLossShare, 0.5);
  ASSERT_DOUBLE_EQ(th::kGoodAccuracy, 0.9);
  // By the loss: down to half of the initial loss, or just not.
  Verdict v = judge_run(history({1.0, 0.7, 0.5}, 0.6), facts());
  EXPECT_EQ(v.verdict, VerdictKind::converged);
  EXPECT_TRUE(v.cause == Cause::none);
  EXPECT_TRUE(contains(v.explanation, "0.5")) << v.explanation;
  EXPECT_EQ(judge_run(history({1.0, 0.7, 0.51}, 0.6), facts()).verdict, VerdictKind::slow);
  // By the accuracy, the loss well above half.
  EXPECT_EQ(judge_run(history({1.0, 0.8, 0.7}, 0.9), facts()).verdict, VerdictKind::converged);
  EXPECT_EQ(judge_run(history({1.0, 0.8, 0.7}, 0.89), facts()).verdict, VerdictKind::slow);
  // A good fit that stopped improving is converged, not stalled.
  EXPECT_EQ(judge_run(history({1.0, 0.4, 0.4, 0.4, 0.4}), facts()).verdict, VerdictKind::converged);
  // Without one, the same flat end is a stall.
  EXPECT_EQ(judge_run(history({1.0, 0.6, 0.6, 0.6, 0.6}), facts()).verdict, VerdictKind::stalled);
}

// --- oscillating ----------------------------------------------------------------------------

TEST(Verdict, AlternatingLossIsOscillating) {
  RunFacts f = facts();
  f.sharpness_at_init = 123.0;
  const Verdict v = judge_run(history({1.0, 0.5, 0.7, 0.5, 0.7, 0.5, 0.7, 0.5, 0.7, 0.6}), f);
  EXPECT_EQ(v.verdict, VerdictKind::oscillating);
  EXPECT_EQ(v.cause, Cause::lr_too_high);
  EXPECT_TRUE(contains(v.explanation, "0.0163")) << v.explanation;
  // A smaller SGD step (a third of lr 0.01, below half the bound 0.00813), then Adam's.
  ASSERT_EQ(v.suggestions.size(), 2u);
  EXPECT_EQ(v.suggestions[0], "--lr 0.00333");
  EXPECT_TRUE(v.suggestions[1].starts_with("--optimizer adam --lr 0.1 (")) << v.suggestions[1];
}

// 14 epochs + init: the window is the last 7 losses, 6 changes, 5 consecutive pairs of
// changes. 3 flips of 5 is the share 0.6 (inclusive); 2 of 5 is below it.
TEST(Verdict, OscillationNeedsTheFlipShare) {
  ASSERT_DOUBLE_EQ(th::kOscillationFlipShare, 0.6);
  const std::vector<double> start{1.0, 0.9, 0.8, 0.7, 0.65, 0.6, 0.55, 0.52};
  auto with_window = [&](std::vector<double> window) {
    std::vector<double> losses = start;
    losses.insert(losses.end(), window.begin(), window.end());
    return losses;
  };
  // changes + + + − + −: flips at the last three pairs
  const auto three = with_window({0.5, 0.55, 0.6, 0.65, 0.55, 0.65, 0.6});
  EXPECT_EQ(judge_run(history(three), facts()).verdict, VerdictKind::oscillating);
  // changes + + + + − +: flips at the last two pairs
  const auto two = with_window({0.5, 0.55, 0.6, 0.65, 0.7, 0.6, 0.65});
  EXPECT_NE(judge_run(history(two), facts()).verdict, VerdictKind::oscillating);
}

TEST(Verdict, OscillationEndingNearItsBestIsNot) {
  // Flipping all the way, but the last loss within kStillImproving of the best.
  const double best = 0.5;
  EXPECT_EQ(
      judge_run(history({1.0, best, 0.7, best, 0.7, best, 0.7, best, 0.7, best * 1.011}), facts())
          .verdict,
      VerdictKind::oscillating);
  EXPECT_NE(
      judge_run(history({1.0, best, 0.7, best, 0.7, best, 0.7, best, 0.7, best * 1.009}), facts())
          .verdict,
      VerdictKind::oscillating);
}

// --- causes of a stall -----------------------------------------------------------------------

TEST(StallCause, SaturatedOutputWithMseThroughSoftmax) {
  ASSERT_DOUBLE_EQ(th::kSaturatedOutput, 0.95);
  const RunFacts mse = facts("relu", LossKind::mse);
  TrainSummary s = stalled_run();
  s.history.front().output->mean_top_probability = 0.96;
  s.history.front().output->confident_fraction = 0.8;
  s.history.front().output->logit_gradient = 0.00123;
  Verdict v = judge_run(s, mse);
  EXPECT_EQ(v.verdict, VerdictKind::stalled);
  EXPECT_EQ(v.cause, Cause::saturated_output);
  EXPECT_TRUE(contains(v.explanation, "0.9600")) << v.explanation;
  EXPECT_TRUE(contains(v.explanation, "80%")) << v.explanation;
  EXPECT_TRUE(contains(v.explanation, "0.00123")) << v.explanation;
  EXPECT_FALSE(v.suggestions.empty());

  s.history.front().output->mean_top_probability = 0.94;
  EXPECT_NE(judge_run(s, mse).cause, Cause::saturated_output);
  // Cross-entropy's gradient p − y does not vanish: not the cause there.
  s.history.front().output->mean_top_probability = 0.99;
  EXPECT_NE(judge_run(s, facts("relu", LossKind::cross_entropy)).cause, Cause::saturated_output);
  // An identity output has nothing to saturate.
  EXPECT_NE(judge_run(s, facts("relu", LossKind::mse, OutputKind::identity)).cause,
            Cause::saturated_output);
}

TEST(StallCause, DeadUnitsAtTheShare) {
  ASSERT_DOUBLE_EQ(th::kDeadUnits, 0.5);
  TrainSummary s = stalled_run();
  s.history.front().layers[0].dead_fraction = 0.5;
  Verdict v = judge_run(s, facts());
  EXPECT_EQ(v.cause, Cause::dead_units);
  EXPECT_TRUE(contains(v.explanation, "50%")) << v.explanation;
  EXPECT_TRUE(contains(v.explanation, "layer-1")) << v.explanation;
  EXPECT_TRUE(contains(v.explanation, "at initialization")) << v.explanation;
  EXPECT_FALSE(v.suggestions.empty());

  s.history.front().layers[0].dead_fraction = 0.49;
  EXPECT_NE(judge_run(s, facts()).cause, Cause::dead_units);
  // Units that died during training count too.
  s.history.back().layers[0].dead_fraction = 0.75;
  v = judge_run(s, facts());
  EXPECT_EQ(v.cause, Cause::dead_units);
  EXPECT_TRUE(contains(v.explanation, "at the end")) << v.explanation;
}

TEST(StallCause, UnitsKilledByAStepAboveTheBoundAreLrTooHigh) {
  // Alive at initialization, dead at the end: with lr above 2/λmax the step killed them.
  TrainSummary s = stalled_run();
  s.history.back().layers[0].dead_fraction = 1.0;
  RunFacts f = facts();
  f.sharpness_at_init = 100.0;  // stable below lr 0.02
  f.lr = 1.0;
  Verdict v = judge_run(s, f);
  EXPECT_EQ(v.verdict, VerdictKind::stalled);
  EXPECT_EQ(v.cause, Cause::lr_too_high);
  EXPECT_TRUE(contains(v.explanation, "100% of layer-1 relu units are dead at the end"))
      << v.explanation;
  EXPECT_TRUE(contains(v.explanation, "50x the stability bound 2/λmax = 0.02")) << v.explanation;
  ASSERT_FALSE(v.suggestions.empty());
  EXPECT_EQ(v.suggestions.front(), "--lr 0.01");
  // Just below the bound, the same deaths are dead_units.
  f.lr = 0.0199;
  EXPECT_EQ(judge_run(s, f).cause, Cause::dead_units);
  // Dead from the start, the init is to blame whatever the lr.
  f.lr = 1.0;
  s.history.front().layers[0].dead_fraction = 0.9;
  EXPECT_EQ(judge_run(s, f).cause, Cause::dead_units);
}

TEST(StallCause, TheAbsorbingStateIsNamedByItsIdentity) {
  // Softmax + MSE over 10 classes, every output one-hot at the end: the loss is
  // (2/K)(1 − accuracy). The measured case: 0.2 · (1 − 0.1027) = 0.17946.
  RunFacts f = facts("relu", LossKind::mse);
  f.arch.sizes = {4, 8, 10};
  f.init_name = "uniform:-1,1";
  TrainSummary s = history({0.18, 0.17946, 0.17946, 0.17946}, 0.1027);
  for (EpochRecord* r : {&s.history.front(), &s.history.back()}) {
    r->layers = healthy_layers();
    r->output = healthy_output();
    r->output->confident_fraction = 1.0;
  }
  Verdict v = judge_run(s, f);
  EXPECT_EQ(v.verdict, VerdictKind::stalled);
  EXPECT_EQ(v.cause, Cause::saturated_output);
  EXPECT_TRUE(contains(v.explanation, "absorbing state")) << v.explanation;
  EXPECT_TRUE(contains(v.explanation, "(2/10)(1 − 0.1027) = 0.17946")) << v.explanation;
  EXPECT_TRUE(contains(v.explanation, "no learning rate can move it")) << v.explanation;
  // Within 1e-3 of the identity it is that state (float32 outputs are not all exactly
  // one-hot); further off, or with fewer than 99% of the samples confident, it is not.
  s.final_loss = 0.17946 * (1 - 0.9e-3);
  EXPECT_TRUE(contains(judge_run(s, f).explanation, "absorbing state"));
  s.final_loss = 0.17946 * (1 - 1.1e-3);
  EXPECT_FALSE(contains(judge_run(s, f).explanation, "absorbing state"));
  s.final_loss = 0.17946;
  s.history.back().output->confident_fraction = 0.98;
  EXPECT_FALSE(contains(judge_run(s, f).explanation, "absorbing state"));
  // Cross-entropy has no such state.
  s.history.back().output->confident_fraction = 1.0;
  EXPECT_FALSE(contains(judge_run(s, facts("relu", LossKind::cross_entropy)).explanation,
                        "absorbing state"));
}

TEST(Suggestions, NeverRepeatTheRunsOwnSetting) {
  TrainSummary s = stalled_run();
  s.history.front().layers[0].dead_fraction = 0.9;
  RunFacts f = facts();  // he_normal
  const Verdict he = judge_run(s, f);
  ASSERT_EQ(he.cause, Cause::dead_units);
  for (const std::string& suggestion : he.suggestions)
    EXPECT_FALSE(suggestion.starts_with("--init he_normal")) << suggestion;
  EXPECT_FALSE(he.suggestions.empty());
  f.init_name = "uniform:-1,1";
  const Verdict uniform = judge_run(s, f);
  ASSERT_FALSE(uniform.suggestions.empty());
  EXPECT_EQ(uniform.suggestions.front(), "--init he_normal");
  // A scaled run is told the init at its own scale: --init-scale multiplies any init, and He
  // at a quarter of its scale is not He. The run's own init at another scale is a change.
  f.init_scale = 0.25;
  EXPECT_EQ(judge_run(s, f).suggestions.front(), "--init he_normal --init-scale 1");
  f.init_name = "he_normal";
  EXPECT_EQ(judge_run(s, f).suggestions.front(), "--init he_normal --init-scale 1");
  f.init_scale = 1.0;
  // The same in the prediction before training.
  for (const std::string& suggestion : predict_run(s.history.front(), f).suggestions)
    EXPECT_FALSE(suggestion.starts_with("--init he_normal")) << suggestion;
}

TEST(StallCause, SaturatedUnitsAtTheShare) {
  ASSERT_DOUBLE_EQ(th::kSaturatedUnits, 0.5);
  TrainSummary s = stalled_run();
  for (EpochRecord* r : {&s.history.front(), &s.history.back()}) {
    r->layers[0].dead_fraction.reset();
    r->layers[0].saturated_fraction = 0.1;
  }
  s.history.front().layers[0].saturated_fraction = 0.5;
  const Verdict v = judge_run(s, facts("tanh"));
  EXPECT_EQ(v.cause, Cause::saturated_units);
  EXPECT_TRUE(contains(v.explanation, "50%")) << v.explanation;
  EXPECT_TRUE(contains(v.explanation, "tanh")) << v.explanation;
  EXPECT_FALSE(v.suggestions.empty());
  s.history.front().layers[0].saturated_fraction = 0.49;
  EXPECT_NE(judge_run(s, facts("tanh")).cause, Cause::saturated_units);
}

TEST(StallCause, VanishingGradientByRatioOrTotal) {
  ASSERT_DOUBLE_EQ(th::kVanishingRatio, 1e-3);
  ASSERT_DOUBLE_EQ(th::kTinyGradient, 1e-7);
  TrainSummary s = stalled_run();
  auto& layers = s.history.front().layers;
  layers[1].grad_norm = 2.0;
  layers[0].grad_norm = 0.9e-3 * 2.0;
  Verdict v = judge_run(s, facts());
  EXPECT_EQ(v.cause, Cause::vanishing_gradient);
  EXPECT_TRUE(contains(v.explanation, "0.0018")) << v.explanation;
  // A relu network from He's init with cross-entropy has all but the last suggestion already.
  ASSERT_EQ(v.suggestions.size(), 1u);
  EXPECT_TRUE(v.suggestions.front().starts_with("--optimizer adam")) << v.suggestions.front();
  // Adam first for any run: it scales each parameter's step by its own gradient, so the early
  // layers take full steps; the init comes second.
  const Verdict sigmoid = judge_run(s, facts("sigmoid", LossKind::mse));
  ASSERT_EQ(sigmoid.cause, Cause::vanishing_gradient);
  ASSERT_GE(sigmoid.suggestions.size(), 2u);
  EXPECT_TRUE(sigmoid.suggestions[0].starts_with("--optimizer adam --lr 0.1 ("))
      << sigmoid.suggestions[0];
  EXPECT_EQ(sigmoid.suggestions[1], "--activation relu");
  layers[0].grad_norm = 1.1e-3 * 2.0;
  EXPECT_NE(judge_run(s, facts()).cause, Cause::vanishing_gradient);
  // Both layers alike, the total ‖g‖ = sqrt(2)·g on each side of kTinyGradient.
  layers[0].grad_norm = layers[1].grad_norm = 0.6e-7;
  EXPECT_EQ(judge_run(s, facts()).cause, Cause::vanishing_gradient);
  layers[0].grad_norm = layers[1].grad_norm = 0.8e-7;
  EXPECT_NE(judge_run(s, facts()).cause, Cause::vanishing_gradient);
}

TEST(StallCause, CollapsedAtTheShare) {
  ASSERT_DOUBLE_EQ(th::kCollapsedShare, 0.95);
  TrainSummary s = stalled_run();
  s.history.back().output->majority_fraction = 0.95;
  const Verdict v = judge_run(s, facts());
  EXPECT_EQ(v.cause, Cause::collapsed);
  EXPECT_TRUE(contains(v.explanation, "95%")) << v.explanation;
  EXPECT_FALSE(v.suggestions.empty());
  bool checked = false;
  for (const auto& c : v.checks) checked = checked || contains(c, "collapse");
  EXPECT_TRUE(checked);
  s.history.back().output->majority_fraction = 0.94;
  const Verdict not_collapsed = judge_run(s, facts());
  EXPECT_NE(not_collapsed.cause, Cause::collapsed);
  for (const auto& c : not_collapsed.checks) EXPECT_FALSE(contains(c, "collapse")) << c;
}

TEST(StallCause, LrTooLowWhenStepsAreTinyElsePlateau) {
  TrainSummary s = stalled_run();
  for (auto& l : s.history.back().layers) l.update_ratio = 0.9e-5;
  Verdict v = judge_run(s, facts());
  EXPECT_EQ(v.cause, Cause::lr_too_low);
  EXPECT_TRUE(contains(v.explanation, "9e-06")) << v.explanation;
  EXPECT_FALSE(v.suggestions.empty());
  s.history.back().layers[1].update_ratio = 2e-5;
  v = judge_run(s, facts());
  EXPECT_EQ(v.cause, Cause::plateau);
  EXPECT_TRUE(contains(v.explanation, "0.998")) << v.explanation;
  // A plateau's first suggestion is Adam's per-parameter steps, then a smaller SGD step.
  ASSERT_EQ(v.suggestions.size(), 3u);
  EXPECT_TRUE(v.suggestions[0].starts_with("--optimizer adam --lr 0.1 (")) << v.suggestions[0];
  EXPECT_EQ(v.suggestions[1], "--lr 0.00333");
  // Without probes there is no evidence: a plateau.
  EXPECT_EQ(judge_run(history({1.0, 0.999, 0.998, 0.998}), facts()).cause, Cause::plateau);
}

// The evidence at initialization comes first: saturated output over dead units over
// vanishing gradients over collapse.
TEST(StallCause, OrderOfEvidence) {
  TrainSummary s = stalled_run();
  s.history.front().output->mean_top_probability = 0.99;
  s.history.front().layers[0].dead_fraction = 0.9;
  s.history.front().layers[0].grad_norm = 0.0;
  s.history.back().output->majority_fraction = 1.0;
  EXPECT_EQ(judge_run(s, facts("relu", LossKind::mse)).cause, Cause::saturated_output);
  EXPECT_EQ(judge_run(s, facts("relu", LossKind::cross_entropy)).cause, Cause::dead_units);
  s.history.front().layers[0].dead_fraction = 0.0;
  EXPECT_EQ(judge_run(s, facts()).cause, Cause::vanishing_gradient);
  s.history.front().layers[0].grad_norm = 0.5;
  EXPECT_EQ(judge_run(s, facts()).cause, Cause::collapsed);
}

// The theory's sentence joins the explanation where the init is far from He's scale.
TEST(StallCause, TheoryQuotedWhenFarFromHe) {
  TrainSummary s = stalled_run();
  s.history.front().layers[0].dead_fraction = 0.8;
  s.history.front().layers[0].preact_std = 12.5;
  RunFacts f = facts();
  LayerPrediction far{0.0, 13.4, 2.18, 13.4 / 2.18}, near{0.0, 2.0, 2.18, 2.0 / 2.18};
  f.theory = {far, near};
  Verdict v = judge_run(s, f);
  EXPECT_TRUE(contains(v.explanation, "Layer-1 pre-activations have std 12.5 (theory 13.4)"))
      << v.explanation;
  EXPECT_TRUE(contains(v.explanation, "2.18")) << v.explanation;
  f.theory = {near, near};
  v = judge_run(s, f);
  EXPECT_FALSE(contains(v.explanation, "theory")) << v.explanation;
}

// --- checks ----------------------------------------------------------------------------

TEST(Verdict, CrossEntropyInitialLossAgainstLnK) {
  // ln 3 = 1.0986
  Verdict v = judge_run(history({1.1, 0.5, 0.3}), facts());
  ASSERT_FALSE(v.checks.empty());
  EXPECT_TRUE(contains(v.checks.front(), "ln(3) = 1.1")) << v.checks.front();
  EXPECT_TRUE(contains(v.checks.front(), "as expected")) << v.checks.front();
  v = judge_run(history({5.0, 1.0, 0.3}), facts());  // above 2 ln 3
  EXPECT_TRUE(contains(v.checks.front(), "confidently wrong")) << v.checks.front();
  // MSE through softmax: (K − 1)/K² for uniform predictions, 2/K for saturated wrong ones.
  v = judge_run(history({0.3, 0.1, 0.05}), facts("relu", LossKind::mse));
  ASSERT_FALSE(v.checks.empty());
  EXPECT_TRUE(contains(v.checks.front(), "0.222")) << v.checks.front();
  EXPECT_TRUE(contains(v.checks.front(), "0.667")) << v.checks.front();
}

TEST(Verdict, ZeroEpochsDoesNotCrash) {
  // --epochs 0: the history holds the record at initialization alone.
  const Verdict v = judge_run(history({1.0}), facts());
  EXPECT_FALSE(v.explanation.empty());
  EXPECT_NE(v.verdict, VerdictKind::diverged);
}

TEST(Verdict, WithinEpochRecordsAreNotEpochs) {
  // A within-epoch spike above 10× does not count; only the epoch-end losses do.
  TrainSummary s = history({1.0, 0.7, 0.4});
  EpochRecord spike;
  spike.loss = 50.0;
  spike.within_epoch = true;
  s.history.insert(s.history.begin() + 1, spike);
  EXPECT_EQ(judge_run(s, facts()).verdict, VerdictKind::converged);
}

// --- predict_run -------------------------------------------------------------------------

EpochRecord healthy_init() {
  EpochRecord r;
  r.loss = 1.1;
  r.layers = healthy_layers();
  r.layers[0].update_ratio.reset();
  r.layers[1].update_ratio.reset();
  r.output = healthy_output();
  return r;
}

// Above the stable bound and the catapult limit (kCatapultLimitCrossEntropy × 0.0163).
TEST(Predict, LrAboveTheCatapultLimitDiverges) {
  RunFacts f = facts();
  f.sharpness_at_init = 123.0;
  f.lr = 0.5;
  Verdict v = predict_run(healthy_init(), f);
  EXPECT_EQ(v.verdict, VerdictKind::diverged);
  EXPECT_EQ(v.cause, Cause::lr_too_high);
  EXPECT_TRUE(contains(v.explanation, "0.0163")) << v.explanation;
  EXPECT_TRUE(contains(v.explanation, "123")) << v.explanation;
  EXPECT_FALSE(v.suggestions.empty());
  f.adaptive = true;
  EXPECT_EQ(predict_run(healthy_init(), f).verdict, VerdictKind::converged);
}

TEST(Predict, SaturatedOutputStalls) {
  EpochRecord init = healthy_init();
  init.output->mean_top_probability = 0.99;
  const Verdict v = predict_run(init, facts("relu", LossKind::mse));
  EXPECT_EQ(v.verdict, VerdictKind::stalled);
  EXPECT_EQ(v.cause, Cause::saturated_output);
  EXPECT_FALSE(v.suggestions.empty());
  EXPECT_EQ(predict_run(init, facts("relu", LossKind::cross_entropy)).verdict,
            VerdictKind::converged);
}

TEST(Predict, DeadUnitsAndVanishingGradientsStall) {
  EpochRecord init = healthy_init();
  init.layers[0].dead_fraction = 0.6;
  EXPECT_EQ(predict_run(init, facts()).cause, Cause::dead_units);
  init = healthy_init();
  init.layers[0].grad_norm = 1e-6;
  EXPECT_EQ(predict_run(init, facts()).cause, Cause::vanishing_gradient);
}

TEST(Predict, HealthyConverges) {
  RunFacts f = facts();
  f.sharpness_at_init = 123.0;
  f.lr = 0.01;
  const Verdict v = predict_run(healthy_init(), f);
  EXPECT_EQ(v.verdict, VerdictKind::converged);
  EXPECT_TRUE(v.cause == Cause::none);
  EXPECT_TRUE(contains(v.explanation, "0.0163")) << v.explanation;
  ASSERT_FALSE(v.checks.empty());
  EXPECT_TRUE(contains(v.checks.front(), "as expected")) << v.checks.front();
}

}  // namespace
}  // namespace mlpscope

namespace mlpscope {
namespace {

// Falling from a huge initial loss to chance level (ln K for cross-entropy) is no learning:
// progress is measured from min(initial loss, chance level).
TEST(VerdictBaseline, FallingToChanceLevelIsAStallNotConvergence) {
  const double chance = std::log(3.0);  // facts() has 3 outputs
  TrainSummary s = history({6e4, 2.0 * chance, chance * 1.0001, chance * 1.0001}, 1.0 / 3.0);
  s.history.back().output = healthy_output();
  s.history.back().output->majority_fraction = 1.0;
  const Verdict v = judge_run(s, facts());
  EXPECT_EQ(v.verdict, VerdictKind::stalled);
  EXPECT_EQ(v.cause, Cause::collapsed);
  EXPECT_TRUE(contains(v.explanation, "chance level")) << v.explanation;
  // The same drop ending well below chance level is convergence.
  EXPECT_EQ(judge_run(history({6e4, 2.0, 0.4 * chance, 0.4 * chance}, 0.8), facts()).verdict,
            VerdictKind::converged);
}

// A good fit is convergence whatever the progress, e.g. a run started from trained weights.
TEST(VerdictBaseline, GoodFitWinsOverSmallProgress) {
  EXPECT_EQ(judge_run(history({0.2, 0.2, 0.2, 0.2}, 0.95), facts()).verdict,
            VerdictKind::converged);
}

// Adam's step is 1/(largest fan-in) to one significant figure, at most kAdamLrMax: the
// per-step move of a pre-activation, lr·fan_in·|x| when the updates line up with the input,
// stays at the input's scale in the widest layer.
TEST(Suggestions, AdamsStepIsOneOverTheLargestFanIn) {
  ASSERT_DOUBLE_EQ(th::kAdamLrPerFanIn, 1.0);
  ASSERT_DOUBLE_EQ(th::kAdamLrMax, 0.1);
  const auto lr = [](std::vector<Index> sizes) {
    return adam_lr(Architecture{std::move(sizes), Activation::parse("relu"),
                                Head::make(OutputKind::softmax, LossKind::cross_entropy)});
  };
  EXPECT_DOUBLE_EQ(lr({784, 64, 64, 10}), 0.001);  // 1/784 = 0.00128
  EXPECT_DOUBLE_EQ(lr({2, 32, 32, 2}), 0.03);      // 1/32 = 0.03125: the hidden layer's
  EXPECT_DOUBLE_EQ(lr({2, 64, 2}), 0.02);          // 1/64 = 0.0156 rounds up
  EXPECT_DOUBLE_EQ(lr({3072, 512, 10}), 0.0003);   // 1/3072 = 0.000326
  EXPECT_DOUBLE_EQ(lr({2, 16, 2}), 0.06);          // 1/16 = 0.0625
  EXPECT_DOUBLE_EQ(lr({2, 8, 3}), 0.1);            // 1/8 = 0.125: the cap
  EXPECT_DOUBLE_EQ(lr({1, 1}), 0.1);               // 1/1: the cap
}

// The options of a suggestion stop at its reason; prose is none.
TEST(Suggestions, OptionsOfASuggestion) {
  using Options = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(suggestion_options("--optimizer adam --lr 0.03 (per-parameter steps)"),
            (Options{{"--optimizer", "adam"}, {"--lr", "0.03"}}));
  EXPECT_EQ(suggestion_options("--standardize"), (Options{{"--standardize", ""}}));
  EXPECT_TRUE(suggestion_options("more hidden units").empty());
}

// A loss that falls at every epoch but too little has small steps, not a plateau.
TEST(StallCause, StrictlyFallingButTooLittleIsLrTooLow) {
  const double chance = std::log(3.0);
  TrainSummary s =
      history({chance, 0.999 * chance, 0.998 * chance, 0.9975 * chance, 0.997 * chance});
  const Verdict v = judge_run(s, facts());
  EXPECT_EQ(v.verdict, VerdictKind::stalled);
  EXPECT_EQ(v.cause, Cause::lr_too_low);
  s.history[3].loss = 0.999 * chance;  // rose once: no longer strictly falling
  EXPECT_EQ(judge_run(s, facts()).cause, Cause::plateau);
}

}  // namespace
}  // namespace mlpscope

namespace mlpscope {
namespace {

// kLearnedShare: a loss that halves while accuracy stays near chance (1/K) is no learning.
TEST(VerdictBaseline, AccuracyMustLeaveChanceLevel) {
  const double chance_accuracy = 1.0 / 3.0;  // facts() has 3 classes
  auto accuracy_at = [&](double share) { return chance_accuracy + share * (1 - chance_accuracy); };
  const std::vector<double> losses{1.0, 0.5, 0.45, 0.44};
  EXPECT_EQ(
      judge_run(history(losses, accuracy_at(0.9 * thresholds::kLearnedShare)), facts()).verdict,
      VerdictKind::stalled);
  EXPECT_EQ(
      judge_run(history(losses, accuracy_at(1.1 * thresholds::kLearnedShare)), facts()).verdict,
      VerdictKind::converged);
}

}  // namespace
}  // namespace mlpscope

namespace mlpscope {
namespace {

// A saturated softmax with MSE: the first suggestion leaves the saturation (He's init at
// scale 1, cross-entropy, and Adam's step, since the run's lr was chosen for MSE's vanishing
// gradients); the suggested --init-scale brings the logits of a relu network (which grow as
// c^d) back to He's scale; a smaller lr alone is never suggested.
TEST(StallCause, SaturatedOutputSuggestsTheInitScaleFromTheory) {
  TrainSummary s = stalled_run();
  s.history.front().output->mean_top_probability = 0.99;
  RunFacts f = facts("relu", LossKind::mse);  // 2 layers
  LayerPrediction hidden, out;
  hidden.preact_std = 10.0, hidden.he_std = 1.0;
  out.preact_std = 100.0, out.he_std = 1.0;
  f.theory = {hidden, out};
  const Verdict v = judge_run(s, f);
  ASSERT_EQ(v.cause, Cause::saturated_output);
  const auto has = [&](const std::string& part) {
    return std::any_of(v.suggestions.begin(), v.suggestions.end(),
                       [&](const std::string& x) { return contains(x, part); });
  };
  EXPECT_TRUE(has("--init-scale 0.1 ")) << "(1/100)^(1/2) = 0.1";
  EXPECT_TRUE(v.suggestions.front().starts_with(
      "--init he_normal --loss cross_entropy --optimizer adam --lr 0.1 ("))
      << v.suggestions.front();
  EXPECT_FALSE(std::any_of(v.suggestions.begin(), v.suggestions.end(),
                           [](const std::string& x) { return x.starts_with("--lr"); }));
  f.init_scale = 4.0;  // a scaled init is reset with it
  EXPECT_TRUE(judge_run(s, f).suggestions.front().starts_with(
      "--init he_normal --init-scale 1 --loss cross_entropy"))
      << judge_run(s, f).suggestions.front();
  f.init_scale = 1.0;
  f.theory.back().preact_std = 0.5;  // already below He's scale: no init-scale suggestion
  const Verdict unscaled = judge_run(s, f);
  EXPECT_FALSE(std::any_of(unscaled.suggestions.begin(), unscaled.suggestions.end(),
                           [](const std::string& x) { return contains(x, "--init-scale"); }));
}

}  // namespace
}  // namespace mlpscope

namespace mlpscope {
namespace {

// Steps too small for the run (the loss fell at every epoch, but too little): an SGD run is
// told to switch to Adam with its step first, then a larger SGD step; an Adam run, which
// has that already, is told a larger step only.
TEST(StallCause, StepsTooSmallSuggestAdamFirstUnlessTheRunHasIt) {
  const TrainSummary s = history({1.0, 0.999, 0.998, 0.997});
  RunFacts f = facts();
  f.lr = 0.001;
  f.optimizer_name = "sgd";
  Verdict v = judge_run(s, f);
  ASSERT_EQ(v.cause, Cause::lr_too_low) << v.explanation;
  ASSERT_EQ(v.suggestions.size(), 2u);
  // 2-8-3: Adam's step is 1/8 to one figure.
  EXPECT_TRUE(v.suggestions[0].starts_with("--optimizer adam --lr 0.1 (")) << v.suggestions[0];
  EXPECT_EQ(v.suggestions[1], "--lr 0.01");
  f.optimizer_name = "adam";
  f.adaptive = true;
  v = judge_run(s, f);
  ASSERT_EQ(v.cause, Cause::lr_too_low);
  ASSERT_EQ(v.suggestions.size(), 1u);
  EXPECT_EQ(v.suggestions[0], "--lr 0.01");
}

// A suggestion is dropped only when every option it sets is the run's own: "--optimizer
// adam --lr 0.1" to an Adam run at 0.1 says nothing, to one at 0.001 it says the step.
TEST(Suggestions, ASuggestionOfTheRunsOwnSettingsIsDroppedOnlyWhenAllOfItIs) {
  // Slow: the loss and the accuracy still rising toward a good fit, 9 epochs away.
  TrainSummary s = history({1.0, 0.9, 0.8, 0.7});
  const double accuracies[] = {0.34, 0.345, 0.35, 0.355};
  for (std::size_t i = 0; i < s.history.size(); ++i) s.history[i].accuracy = accuracies[i];
  s.train_accuracy = accuracies[3];
  RunFacts f = facts();
  f.optimizer_name = "adam";
  f.adaptive = true;
  f.lr = adam_lr(f.arch);
  ASSERT_EQ(f.lr, 0.1);
  const auto has_adam = [](const Verdict& v) {
    return std::any_of(v.suggestions.begin(), v.suggestions.end(),
                       [](const std::string& x) { return x.starts_with("--optimizer adam"); });
  };
  Verdict v = judge_run(s, f);
  ASSERT_EQ(v.verdict, VerdictKind::slow) << v.explanation;
  EXPECT_FALSE(has_adam(v));
  f.lr = 0.001;
  EXPECT_TRUE(has_adam(judge_run(s, f)));
  f.optimizer_name = "sgd";
  f.adaptive = false;
  EXPECT_TRUE(has_adam(judge_run(s, f)));
}

}  // namespace
}  // namespace mlpscope
