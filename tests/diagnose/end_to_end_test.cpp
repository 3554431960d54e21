// The story of DESIGN.md in miniature, with real training on synthetic data: a relu
// network with softmax + MSE and uniform[−1,1] weights (scaled up) stalls on a saturated
// output; He init with cross-entropy converges; an lr far above 2/λmax diverges for that
// reason; and scaling every weight of a bias-free relu network by c scales its logits by c^d.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "diagnose/verdict.h"
#include "run/diagnosis.h"
#include "run/run.h"

namespace mlpscope {
namespace {

OptionValues story(OptionValues changes) {
  OptionValues o{{"data", "gaussians:n=400,classes=4,noise=0.5"},
                 {"test", "none"},
                 {"hidden", "64,64"},
                 {"activation", "relu"},
                 {"lr", "0.01"},
                 {"batch", "32"},
                 {"epochs", "20"},
                 {"seed", "1"}};
  for (const auto& [k, v] : changes) o[k] = v;
  return o;
}

RunResult train_with(const OptionValues& options) {
  const RunConfig config = parse_run_config(options);
  return run_training(config, prepare_data(config));
}

TEST(Story, SaturatedSoftmaxWithMseStalls) {
  const RunResult r =
      train_with(story({{"loss", "mse"}, {"init", "uniform:-1,1"}, {"init-scale", "2"}}));
  EXPECT_EQ(r.verdict.verdict, VerdictKind::stalled) << r.verdict.explanation;
  EXPECT_EQ(r.verdict.cause, Cause::saturated_output) << r.verdict.explanation;
  ASSERT_TRUE(r.summary.history.front().output.has_value());
  EXPECT_GT(r.summary.history.front().output->mean_top_probability, 0.95);
  // The theory sees the init far from He's scale and says so.
  ASSERT_EQ(r.facts.theory.size(), 3u);
  EXPECT_GT(r.facts.theory.back().he_ratio, 3.0);
  EXPECT_NE(r.verdict.explanation.find("He init would give"), std::string::npos)
      << r.verdict.explanation;
}

TEST(Story, HeInitWithCrossEntropyConverges) {
  const RunResult r = train_with(story({{"loss", "cross_entropy"}, {"init", "he_normal"}}));
  // Four well-separated gaussians at 90%+ accuracy within the budget: nothing is left for a
  // verdict of slow (that needs the budget to be the limit) or for a cause.
  EXPECT_EQ(r.verdict.verdict, VerdictKind::converged)
      << name(r.verdict.verdict) << ": " << r.verdict.explanation;
  EXPECT_GE(r.summary.train_accuracy, 0.9);
  EXPECT_EQ(r.verdict.cause, Cause::none) << name(r.verdict.cause);
}

TEST(Story, LrFarAboveTheStabilityBoundDiverges) {
  OptionValues options =
      story({{"loss", "cross_entropy"}, {"init", "he_normal"}, {"batch", "full"}});
  const RunConfig config = parse_run_config(options);
  const PreparedData data = prepare_data(config);
  const Diagnosis d = diagnose(config, data, DiagnoseConfig{});
  ASSERT_TRUE(d.max_stable_lr.has_value());
  // lr 0.01 is safe: stable, far below the bound. (Its 20 full-batch steps relax the
  // sharpest direction only 5.6 times, below kMinRelaxations, so the prediction is a stall
  // of the lr; these four well-separated blobs fit anyway, at 99%: the corpus's harder
  // targets are what the threshold was measured on, docs/verdicts.md.)
  EXPECT_EQ(d.regime, LrRegime::stable);
  EXPECT_NE(d.prediction.verdict, VerdictKind::diverged) << d.prediction.explanation;

  options["lr"] = std::to_string(50 * *d.max_stable_lr);
  const RunResult r = train_with(options);
  EXPECT_EQ(r.verdict.verdict, VerdictKind::diverged) << r.verdict.explanation;
  EXPECT_EQ(r.verdict.cause, Cause::lr_too_high) << r.verdict.explanation;
  // diagnose at that lr foresees it.
  const Diagnosis at_huge_lr = diagnose(parse_run_config(options), data, DiagnoseConfig{});
  EXPECT_EQ(at_huge_lr.prediction.verdict, VerdictKind::diverged);
  EXPECT_EQ(at_huge_lr.prediction.cause, Cause::lr_too_high);
}

// Positive homogeneity: with zero biases, scaling every weight of a d-layer relu network by
// c scales its logits by exactly c^d. The scan's five scales from 1/4 to 4 are the powers of
// two 1/4 … 4, and multiplying by a power of two rounds nothing: every logit, hence their
// standard deviation, scales exactly, and the fitted exponent is d to the last digits.
Homogeneity scan_scales(const RunConfig& config) {
  DiagnoseConfig options;
  options.probe_samples = 200;
  options.homogeneity = true;
  options.scale_points = 5;
  const Diagnosis d = diagnose(config, prepare_data(config), options);
  if (!d.homogeneity) throw std::logic_error("no homogeneity scan");
  return *d.homogeneity;
}

// The options a suggestion sets, as option values: "--optimizer adam --lr 0.03 (why…)" →
// {optimizer: adam, lr: 0.03}.
OptionValues options_of(const std::string& suggestion) {
  OptionValues o;
  for (const auto& [name, value] : suggestion_options(suggestion)) o[name.substr(2)] = value;
  return o;
}

// A sigmoid net on two spirals, stalled for too small an SGD step: its first suggestion,
// Adam at 1/fan-in (0.03 for 2-32-32-2), reaches the target accuracy within ten times the
// budget. One step for every network did not: Adam at 0.01 leaves this run at 74% after 100
// epochs (docs/verdicts.md: 215 of the 276 runs stalled this way on seed 1, 264 at 1/fan-in).
TEST(Story, TheFirstSuggestionOfAStepTooSmallReachesTheTarget) {
  OptionValues options{
      {"data", "spiral:n=400"},  {"test", "none"}, {"hidden", "32,32"}, {"activation", "sigmoid"},
      {"init", "xavier_normal"}, {"loss", "mse"},  {"lr", "0.01"},      {"batch", "32"},
      {"epochs", "10"},          {"seed", "0"}};
  // The corpus's target for two spirals: converged means reaching it.
  const WatchConfig watch = parse_watch_config({{"target-accuracy", "0.9"}}, false);
  const auto train_to_target = [&](const OptionValues& o) {
    const RunConfig config = parse_run_config(o);
    return run_training(config, prepare_data(config), nullptr, watch);
  };
  const RunResult stalled = train_to_target(options);
  ASSERT_EQ(stalled.verdict.verdict, VerdictKind::stalled) << stalled.verdict.explanation;
  ASSERT_EQ(stalled.verdict.cause, Cause::lr_too_low) << stalled.verdict.explanation;
  ASSERT_FALSE(stalled.verdict.suggestions.empty());
  const OptionValues first = options_of(stalled.verdict.suggestions.front());
  ASSERT_EQ(first, (OptionValues{{"optimizer", "adam"}, {"lr", "0.03"}}))
      << stalled.verdict.suggestions.front();
  for (const auto& [k, v] : first) options[k] = v;
  options["epochs"] = "100";
  const RunResult rerun = train_to_target(options);
  EXPECT_EQ(rerun.verdict.verdict, VerdictKind::converged) << rerun.verdict.explanation;
  EXPECT_GE(rerun.summary.train_accuracy, 0.9);
}

TEST(Story, LogitsOfABiasFreeReluNetworkScaleAsCToTheDepth) {
  for (const char* hidden : {"64,64", "32,32,32"}) {
    const RunConfig config = parse_run_config(story({{"hidden", hidden}, {"bias-init", "zeros"}}));
    const Homogeneity h = scan_scales(config);
    EXPECT_EQ(h.depth, static_cast<int>(config.hidden.size()) + 1);
    EXPECT_NEAR(h.output_exponent, h.depth, 1e-9) << hidden;
    ASSERT_EQ(h.points.size(), 5u);
    const HomogeneityPoint& unit = h.points[2];
    ASSERT_EQ(unit.scale, 1.0);
    for (const auto& p : h.points) {
      EXPECT_EQ(p.scale, std::exp2(std::round(std::log2(p.scale)))) << "not a power of two";
      EXPECT_NEAR(p.output_std, unit.output_std * std::pow(p.scale, h.depth), 1e-12 * p.output_std)
          << hidden << " at scale " << p.scale;
    }
  }
}

// With the story's biases (not zero) scaling the weights alone breaks the law: the
// exponent falls below the depth, since the biases do not scale with them. The test above
// holds because of the zero biases, not by construction of the measure.
TEST(Story, BiasesThatDoNotScaleBreakTheHomogeneityLaw) {
  const Homogeneity h =
      scan_scales(parse_run_config(story({{"hidden", "64,64"}, {"bias-init", "uniform:-1,1"}})));
  EXPECT_LT(h.output_exponent, h.depth - 0.05);
}

TEST(Story, LogLogSlope) {
  EXPECT_NEAR(log_log_slope({1, 2, 4, 8}, {3, 24, 192, 1536}), 3.0, 1e-12);
  // Non-positive and non-finite points are skipped.
  EXPECT_NEAR(log_log_slope({1, 2, -1, 4}, {1, 4, 5, 16}), 2.0, 1e-12);
  EXPECT_NEAR(log_log_slope({1, 2, 3, 4}, {1, 4, INFINITY, 16}), 2.0, 1e-12);
  EXPECT_TRUE(std::isnan(log_log_slope({1}, {1})));
}

}  // namespace
}  // namespace mlpscope
