// The verdict against a stated target, its independence from the epoch budget, spikes that
// recover (the catapult) and those that end a run, and the lr regime predicted before
// training: each case on either side of the threshold it touches (diagnose/thresholds.h).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "diagnose/lr_regime.h"
#include "diagnose/thresholds.h"
#include "diagnose/verdict.h"

namespace mlpscope::verdict_target {
namespace {

namespace th = thresholds;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct Epoch {
  double loss, accuracy;
};

// One record per epoch (the first at initialization), healthy probes at both ends, and
// the summary as the trainer fills it.
TrainSummary run_of(const std::vector<Epoch>& epochs) {
  TrainSummary s;
  for (std::size_t i = 0; i < epochs.size(); ++i) {
    EpochRecord r;
    r.epoch = static_cast<int>(i);
    r.loss = epochs[i].loss;
    r.accuracy = epochs[i].accuracy;
    s.history.push_back(r);
  }
  for (EpochRecord* r : {&s.history.front(), &s.history.back()}) {
    LayerStats hidden, out;
    hidden.preact_std = out.preact_std = 1.0;
    hidden.dead_fraction = 0.0;
    hidden.grad_norm = out.grad_norm = 0.5;
    hidden.update_ratio = out.update_ratio = 1e-3;
    r->layers = {hidden, out};
    OutputStats o;
    o.mean_top_probability = 0.5;
    o.majority_fraction = 0.3;
    o.predicted_classes = 10;
    o.logit_gradient = 1.0;
    r->output = o;
  }
  s.initial_loss = s.best_loss = s.peak_loss = epochs.front().loss;
  for (const Epoch& e : epochs) s.best_loss = std::min(s.best_loss, e.loss);
  s.final_loss = epochs.back().loss;
  s.train_accuracy = epochs.back().accuracy;
  s.epochs = static_cast<int>(epochs.size()) - 1;
  return s;
}

RunFacts facts(double lr = 0.01, LossKind loss = LossKind::cross_entropy,
               const char* activation = "relu") {
  RunFacts f;
  f.arch = Architecture{
      {784, 64, 10}, Activation::parse(activation), Head::make(OutputKind::softmax, loss)};
  f.init_name = "he_normal";
  f.lr = lr;
  return f;
}

// A loss that falls by `share` of itself per epoch, with the accuracy rising by `pace`.
std::vector<Epoch> steady(int epochs, double share, double pace, double accuracy0 = 0.1) {
  std::vector<Epoch> out{{2.3, accuracy0}};
  for (int e = 1; e <= epochs; ++e)
    out.push_back({out.back().loss * (1 - share), std::min(1.0, out.back().accuracy + pace)});
  return out;
}

// --- converged means reaching the stated target --------------------------------------------

TEST(VerdictTarget, ConvergedExactlyWhenTheStatedAccuracyIsReached) {
  RunFacts f = facts();
  f.target.accuracy = 0.8;
  TrainSummary s = run_of({{2.3, 0.1}, {1.0, 0.6}, {0.7, 0.75}, {0.6, 0.8}});
  EXPECT_EQ(judge_run(s, f).verdict, VerdictKind::converged);
  EXPECT_TRUE(contains(judge_run(s, f).explanation, "the target (train accuracy 0.8) is reached"));
  s = run_of({{2.3, 0.1}, {1.0, 0.6}, {0.7, 0.75}, {0.6, 0.799}});
  EXPECT_NE(judge_run(s, f).verdict, VerdictKind::converged);
  // Without a target, the same 79.9% run is a good fit (loss 0.6 below half of ln 10).
  f.target = {};
  EXPECT_EQ(judge_run(s, f).verdict, VerdictKind::converged);
}

TEST(VerdictTarget, ALossTargetAndBothTogether) {
  RunFacts f = facts();
  f.target.loss = 0.5;
  const TrainSummary s = run_of({{2.3, 0.1}, {1.0, 0.6}, {0.7, 0.75}, {0.49, 0.85}});
  EXPECT_EQ(judge_run(s, f).verdict, VerdictKind::converged);
  f.target.accuracy = 0.9;  // both must hold
  EXPECT_NE(judge_run(s, f).verdict, VerdictKind::converged);
}

// A run that reached its target and then wiggles around it has converged; one that fell
// back further than kTargetHeld has not.
TEST(VerdictTarget, ConvergedThenWiggleIsConverged) {
  RunFacts f = facts(0.1);
  f.target.accuracy = 0.8;
  std::vector<Epoch> e{{2.3, 0.1},  {0.9, 0.7},   {0.5, 0.83}, {0.6, 0.81}, {0.45, 0.84},
                       {0.58, 0.8}, {0.47, 0.84}, {0.6, 0.8},  {0.46, 0.83}};
  e.push_back({0.6, 0.8 - th::kTargetHeld + 0.001});
  Verdict v = judge_run(run_of(e), f);
  EXPECT_EQ(v.verdict, VerdictKind::converged) << v.explanation;
  e.back() = {0.65, 0.8 - th::kTargetHeld - 0.01};
  v = judge_run(run_of(e), f);
  EXPECT_EQ(v.verdict, VerdictKind::oscillating) << v.explanation;
  EXPECT_EQ(v.cause, Cause::lr_too_high);
}

// --- stalled or slow, whatever the budget -----------------------------------------------------

// The same steady run judged after 3, 5, 10 and 20 epochs gets one verdict: the pace of
// the last epochs and the distance to the target decide, not the share of the budget.
TEST(VerdictBudget, StalledAndSlowDoNotDependOnTheEpochBudget) {
  RunFacts f = facts();
  f.target.accuracy = 0.95;
  for (int epochs : {3, 5, 10, 20}) {
    // Far from the target and barely moving: stalled at every budget.
    Verdict v = judge_run(run_of(steady(epochs, th::kStillImproving / 2, 0.001, 0.3)), f);
    EXPECT_EQ(v.verdict, VerdictKind::stalled) << epochs;
    // Moving, and the straight line reaches 95% within kForecastEpochs: slow at every budget.
    v = judge_run(run_of(steady(epochs, 3 * th::kStillImproving, 0.02, 0.5)), f);
    EXPECT_EQ(v.verdict, VerdictKind::slow) << epochs << ": " << v.explanation;
    EXPECT_EQ(v.cause, Cause::budget);
  }
}

TEST(VerdictBudget, SlowNeedsTheTargetInSight) {
  RunFacts f = facts();
  f.target.accuracy = 0.95;
  // 10 epochs at +1 point per epoch from 0.5: 35 more to go at the end, beyond 20.
  std::vector<Epoch> far = steady(10, 3 * th::kStillImproving, 0.01, 0.5);
  EXPECT_EQ(judge_run(run_of(far), f).verdict, VerdictKind::stalled);
  // +1/32 per epoch from 1/4 ends at 0.5625, (0.9375 − 0.5625)·32 = 12 epochs from 15/16
  // (binary fractions: the line's arithmetic is exact).
  f.target.accuracy = 0.9375;
  const Verdict v = judge_run(run_of(steady(10, 3 * th::kStillImproving, 0.03125, 0.25)), f);
  EXPECT_EQ(v.verdict, VerdictKind::slow);
  EXPECT_TRUE(contains(v.explanation, "about 12 epochs away")) << v.explanation;
  EXPECT_EQ(v.suggestions.front(), "--epochs 70");  // 10 + 5 × 12
}

TEST(VerdictBudget, TheFirstEpochsFallDoesNotMakeARunSlow) {
  RunFacts f = facts();
  f.target.accuracy = 0.9;
  // A big first epoch, then flat: judged by the flat part.
  const TrainSummary s = run_of({{2.3, 0.1}, {1.2, 0.5}, {1.199, 0.5}, {1.198, 0.5}, {1.197, 0.5}});
  EXPECT_EQ(judge_run(s, f).verdict, VerdictKind::stalled);
}

// --- spikes: the catapult recovers, a step that destroys the network does not ------------------

TEST(VerdictSpike, ASpikeThatRecoversIsNamedAndNotADivergence) {
  RunFacts f = facts(0.1);
  f.sharpness_at_init = 100.0;  // 2/λ0 = 0.02: lr 0.1 is 5x the bound
  f.target.accuracy = 0.8;
  TrainSummary s = run_of({{2.3, 0.1}, {0.9, 0.7}, {0.6, 0.8}, {0.5, 0.85}});
  s.peak_loss = 30.0;  // far above kDivergedLossFactor × 2.3 for a while, then back down
  s.peak_step = 7;
  const Verdict v = judge_run(s, f);
  EXPECT_EQ(v.verdict, VerdictKind::converged);
  EXPECT_TRUE(contains(v.explanation, "spiked to 30")) << v.explanation;
  EXPECT_TRUE(contains(v.explanation, "catapult")) << v.explanation;
  // Just below kSpikeFactor it is not called a spike.
  s.peak_loss = th::kSpikeFactor * 2.3 * 0.99;
  EXPECT_FALSE(contains(judge_run(s, f).explanation, "spiked"));
}

// He init, lr 1, cross-entropy: the batch loss spikes within a few steps and the run ends at
// chance with its relu units dead. A divergence caused by the lr, whose first remedy is a
// smaller lr (never the init the run already has).
TEST(VerdictSpike, ASpikeThatEndsAtChanceIsADivergenceOfTheLr) {
  RunFacts f = facts(1.0);
  f.sharpness_at_init = 118.0;
  TrainSummary s = run_of({{2.57, 0.11}, {2.31, 0.098}, {2.31, 0.1}, {2.31, 0.107}});
  s.history.back().layers.front().dead_fraction = 0.91;
  s.peak_loss = 115.0;
  s.peak_step = 4;
  Verdict v = judge_run(s, f);
  EXPECT_EQ(v.verdict, VerdictKind::diverged);
  EXPECT_EQ(v.cause, Cause::lr_too_high);
  EXPECT_TRUE(v.suggestions.front().starts_with("--lr 0.00847")) << v.suggestions.front();
  EXPECT_TRUE(contains(v.explanation, "91% of layer-1 relu units are dead")) << v.explanation;
  // Without the spike the same end is a stall whose cause is still the lr (units alive at
  // initialization, dead at the end, lr above the bound).
  s.peak_loss = 2.57;
  s.peak_step = 0;
  v = judge_run(s, f);
  EXPECT_EQ(v.verdict, VerdictKind::stalled);
  EXPECT_EQ(v.cause, Cause::lr_too_high);
}

TEST(VerdictSpike, StillFarAboveItsStartAtTheEndIsDiverged) {
  RunFacts f = facts(0.1);
  TrainSummary s = run_of({{2.3, 0.1}, {30.0, 0.1}, {24.0, 0.1}});
  EXPECT_EQ(judge_run(s, f).verdict, VerdictKind::diverged);
  s = run_of({{2.3, 0.1}, {30.0, 0.1}, {2.0, 0.3}});  // came back within the budget
  s.peak_loss = 30.0;
  s.peak_step = 3;
  EXPECT_NE(judge_run(s, f).verdict, VerdictKind::diverged);
}

// --- the lr regime before training -------------------------------------------------------------

TEST(LrRegime, BoundsPerHead) {
  const Architecture relu_mse{
      {2, 8, 3}, Activation::parse("relu"), Head::make(OutputKind::softmax, LossKind::mse)};
  const Architecture tanh_mse{
      {2, 8, 3}, Activation::parse("tanh"), Head::make(OutputKind::identity, LossKind::mse)};
  const Architecture ce{{2, 8, 3},
                        Activation::parse("relu"),
                        Head::make(OutputKind::softmax, LossKind::cross_entropy)};
  EXPECT_DOUBLE_EQ(predicted_regime_bounds(0.02, tanh_mse).catapult_below,
                   0.02 * th::kCatapultLimitMse);
  EXPECT_DOUBLE_EQ(predicted_regime_bounds(0.02, relu_mse).catapult_below,
                   0.02 * th::kCatapultLimitRelu);
  EXPECT_DOUBLE_EQ(predicted_regime_bounds(0.02, ce).catapult_below,
                   0.02 * th::kCatapultLimitCrossEntropy);
  const LrRegimeBounds b{0.02, 0.1};
  EXPECT_EQ(regime_of(0.0199, b), LrRegime::stable);
  EXPECT_EQ(regime_of(0.02, b), LrRegime::catapult);
  EXPECT_EQ(regime_of(0.0999, b), LrRegime::catapult);
  EXPECT_EQ(regime_of(0.1, b), LrRegime::divergent);
  EXPECT_EQ(regime_of(0.01, b, /*adaptive=*/true), LrRegime::unknown);
  EXPECT_EQ(name(LrRegime::catapult), "catapult");
}

EpochRecord healthy_init() { return run_of({{2.3, 0.1}}).history.front(); }

TEST(PredictRegime, CatapultTrainsAndAboveTheLimitDiverges) {
  RunFacts f = facts();
  f.sharpness_at_init = 100.0;  // stable below 0.02, catapult below 0.02 × kCatapultLimit…
  f.budget_steps = 1000;
  const double limit = 0.02 * th::kCatapultLimitCrossEntropy;
  f.lr = 0.019;
  EXPECT_EQ(predict_run(healthy_init(), f).verdict, VerdictKind::converged);
  f.lr = 0.05;
  Verdict v = predict_run(healthy_init(), f);
  EXPECT_EQ(v.verdict, VerdictKind::converged);
  EXPECT_TRUE(contains(v.explanation, "expect the loss to spike")) << v.explanation;
  f.lr = limit * 0.99;
  EXPECT_EQ(predict_run(healthy_init(), f).verdict, VerdictKind::converged);
  f.lr = limit;
  v = predict_run(healthy_init(), f);
  EXPECT_EQ(v.verdict, VerdictKind::diverged);
  EXPECT_EQ(v.cause, Cause::lr_too_high);
  // MSE through a softmax is bounded: above the limit it stalls rather than blows up.
  f = facts(0.02 * th::kCatapultLimitRelu, LossKind::mse);
  f.sharpness_at_init = 100.0;
  f.budget_steps = 1000;
  EXPECT_EQ(predict_run(healthy_init(), f).verdict, VerdictKind::stalled);
  f.lr *= 0.99;
  EXPECT_EQ(predict_run(healthy_init(), f).verdict, VerdictKind::converged);
}

// steps × lr/(2/λ0) below kMinRelaxations: too little of the budget's curvature is used.
TEST(PredictRegime, TooFewRelaxationsPredictAStallOfTheLr) {
  RunFacts f = facts();
  f.sharpness_at_init = 100.0;  // 2/λ0 = 0.02
  f.budget_steps = 600;
  f.lr = 0.02 * th::kMinRelaxations / 600 * 0.99;
  Verdict v = predict_run(healthy_init(), f);
  EXPECT_EQ(v.verdict, VerdictKind::stalled);
  EXPECT_EQ(v.cause, Cause::lr_too_low);
  // Adam first: plain SGD's step is capped by the sharpest direction; then that cap's half.
  ASSERT_EQ(v.suggestions.size(), 2u);
  // 784-64-10: Adam's step is 1/784 to one figure.
  EXPECT_TRUE(v.suggestions[0].starts_with("--optimizer adam --lr 0.001 (")) << v.suggestions[0];
  EXPECT_TRUE(v.suggestions[1].starts_with("--lr 0.01 (half the stability bound"))
      << v.suggestions[1];
  f.lr = 0.02 * th::kMinRelaxations / 600 * 1.01;
  EXPECT_EQ(predict_run(healthy_init(), f).verdict, VerdictKind::converged);
  // Adam's steps are not described by the bound: no such prediction.
  f.lr = 1e-6;
  f.adaptive = true;
  EXPECT_EQ(predict_run(healthy_init(), f).verdict, VerdictKind::converged);
}

}  // namespace
}  // namespace mlpscope::verdict_target
