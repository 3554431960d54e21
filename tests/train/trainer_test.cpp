#include "train/trainer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "data/load.h"
#include "run/run.h"
#include "train/evaluate.h"

namespace mlpscope {
namespace {

RunResult train_with(OptionValues options) {
  const RunConfig config = parse_run_config(options);
  return run_training(config, prepare_data(config));
}

// FANN's first test: XOR, learned to every point.
TEST(Trainer, LearnsXor) {
  const RunResult r = train_with({{"data", "xor:n=200,noise=0"},
                                  {"test", "none"},
                                  {"hidden", "8"},
                                  {"activation", "tanh"},
                                  {"optimizer", "adam"},
                                  {"lr", "0.05"},
                                  {"batch", "full"},
                                  {"epochs", "300"},
                                  {"seed", "1"}});
  EXPECT_GE(r.summary.train_accuracy, 0.99);
  EXPECT_LT(r.summary.final_loss, 0.1 * r.summary.initial_loss);
}

TEST(Trainer, LearnsTwoSpirals) {
  const RunResult r = train_with({{"data", "spiral:n=400,noise=0.05"},
                                  {"test", "none"},
                                  {"hidden", "64,64"},
                                  {"optimizer", "adam"},
                                  {"lr", "0.01"},
                                  {"batch", "32"},
                                  {"epochs", "200"},
                                  {"seed", "3"},
                                  {"dtype", "f64"}});
  EXPECT_GE(r.summary.train_accuracy, 0.99);
}

TEST(Trainer, SameOptionsSameNumbers) {
  const OptionValues options{{"data", "moons:n=300"},
                             {"hidden", "16"},
                             {"optimizer", "momentum"},
                             {"lr", "0.1"},
                             {"batch", "16"},
                             {"epochs", "5"},
                             {"seed", "7"}};
  const RunResult a = train_with(options), b = train_with(options);
  ASSERT_EQ(a.summary.history.size(), b.summary.history.size());
  for (std::size_t i = 0; i < a.summary.history.size(); ++i) {
    EXPECT_EQ(a.summary.history[i].loss, b.summary.history[i].loss);
    EXPECT_EQ(a.summary.history[i].test_loss, b.summary.history[i].test_loss);
  }
  EXPECT_EQ(a.model.params, b.model.params);
  OptionValues other = options;
  other["seed"] = "8";
  EXPECT_NE(train_with(other).model.params, a.model.params);
}

TEST(Trainer, OnlineSgdOnTwoThreadsIsRepeatableAndMatchesOneThread) {
  // --threads 2 at batch 1 splits the first layer's walk with a helper thread: the same
  // numbers run to run, and the numbers of one thread up to rounding (a short run, so
  // that rounding differences cannot grow into different trajectories).
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed (make setup installs it)";
  OptionValues options{{"data", "fashion-mnist"},
                       {"limit", "300"},
                       {"test", "none"},
                       {"hidden", "32"},
                       {"optimizer", "sgd"},
                       {"lr", "0.01"},
                       {"batch", "1"},
                       {"epochs", "2"},
                       {"seed", "5"},
                       {"dtype", "f64"},
                       {"threads", "2"}};
  const RunResult a = train_with(options), b = train_with(options);
  options["threads"] = "1";
  const RunResult one = train_with(options);
  ASSERT_EQ(a.summary.history.size(), one.summary.history.size());
  for (std::size_t i = 0; i < a.summary.history.size(); ++i) {
    EXPECT_EQ(a.summary.history[i].loss, b.summary.history[i].loss) << "record " << i;
    EXPECT_NEAR(a.summary.history[i].loss, one.summary.history[i].loss,
                1e-9 * one.summary.history[i].loss)
        << "record " << i;
  }
  EXPECT_LT(one.summary.final_loss, 0.5 * one.summary.initial_loss) << "the run learned nothing";
}

TEST(Trainer, RecordsEpochZeroAndEveryEpoch) {
  const RunResult r = train_with({{"data", "circles:n=100"}, {"hidden", "8"}, {"epochs", "3"}});
  ASSERT_EQ(r.summary.history.size(), 4u);
  EXPECT_EQ(r.summary.history[0].epoch, 0);
  EXPECT_EQ(r.summary.history[0].step, 0);
  EXPECT_EQ(r.summary.history[3].step, 3 * ((100 + 31) / 32));  // default batch 32
  EXPECT_TRUE(r.summary.history[3].test_accuracy.has_value());
  EXPECT_EQ(r.summary.epochs, 3);
  EXPECT_DOUBLE_EQ(r.summary.initial_loss, r.summary.history[0].loss);
}

TEST(Trainer, NonFiniteLossStopsTheRunAndSaysWhere) {
  const RunResult r = train_with({{"data", "gaussians:n=200"},
                                  {"hidden", "32,32"},
                                  {"activation", "identity"},
                                  {"output", "identity"},
                                  {"loss", "mse"},
                                  {"init", "normal:0,3"},
                                  {"lr", "1e6"},
                                  {"batch", "1"},
                                  {"epochs", "100"}});
  ASSERT_TRUE(r.summary.diverged_at_step.has_value());
  EXPECT_LT(r.summary.epochs, 100);
  EXPECT_GE(*r.summary.diverged_at_step, 1);
  ASSERT_TRUE(r.summary.diverged_at_layer.has_value());  // NaN/Inf: the layer is named
  EXPECT_GE(*r.summary.diverged_at_layer, 0);
  EXPECT_LE(*r.summary.diverged_at_layer, 3);
  EXPECT_EQ(r.verdict.verdict, VerdictKind::diverged);
}

// The loss bound stops a run at the end of the first epoch past it (here a bound of half
// the initial loss, which a run at a negligible learning rate passes at once).
TEST(Trainer, LossPastTheBoundStopsTheRun) {
  const RunConfig config = parse_run_config({{"data", "moons:n=200"},
                                             {"hidden", "8"},
                                             {"lr", "1e-9"},
                                             {"epochs", "5"},
                                             {"batch", "full"}});
  const PreparedData data = prepare_data(config);
  Network<double> net = initial_network<double>(config, make_architecture(config, data.train));
  TrainConfig tc{config.optimizer, config.lr, 0, 5, 0, 0, 0.5};
  const TrainSummary s = train(net, data.train, nullptr, tc);
  EXPECT_EQ(s.epochs, 1);
  ASSERT_TRUE(s.diverged_at_step.has_value());
  EXPECT_EQ(*s.diverged_at_step, 1);
  EXPECT_FALSE(s.diverged_at_layer.has_value());
  tc.diverged_loss_factor = 0.0;  // off
  Network<double> again = initial_network<double>(config, make_architecture(config, data.train));
  EXPECT_EQ(train(again, data.train, nullptr, tc).epochs, 5);
}

// A loss past the bound for fewer than diverged_steps steps in a row may still come back
// (the catapult phase): the run goes on. Full batch: one step per epoch.
TEST(Trainer, TheBoundStopsOnlyALossThatStaysPastIt) {
  const RunConfig config = parse_run_config({{"data", "moons:n=200"},
                                             {"hidden", "8"},
                                             {"lr", "1e-9"},
                                             {"epochs", "6"},
                                             {"batch", "full"}});
  const PreparedData data = prepare_data(config);
  const Architecture arch = make_architecture(config, data.train);
  TrainConfig tc{config.optimizer, config.lr, 0, 6, 0, 0, 0.5, 3};
  Network<double> net = initial_network<double>(config, arch);
  TrainSummary s = train(net, data.train, nullptr, tc);
  ASSERT_TRUE(s.diverged_at_step.has_value());
  EXPECT_EQ(*s.diverged_at_step, 4);  // past it from step 1; 3 steps later it stops
  EXPECT_EQ(s.epochs, 4);
  tc.diverged_steps = 6;
  Network<double> again = initial_network<double>(config, arch);
  s = train(again, data.train, nullptr, tc);
  EXPECT_FALSE(s.diverged_at_step.has_value());
  EXPECT_EQ(s.epochs, 6);
}

// The summary keeps the highest batch loss and its step. A full batch of 200 samples is
// its own average (weight min(1, 200/64)), so the peak is the largest loss a step saw: the
// record before it, whose forward pass the step reuses.
TEST(Trainer, TheSummaryKeepsThePeakBatchLoss) {
  const RunConfig config = parse_run_config({{"data", "gaussians:n=200,classes=3"},
                                             {"hidden", "none"},
                                             {"lr", "300"},
                                             {"epochs", "4"},
                                             {"batch", "full"}});
  const PreparedData data = prepare_data(config);
  Network<double> net = initial_network<double>(config, make_architecture(config, data.train));
  TrainConfig tc{config.optimizer, config.lr, 0, 4, 0, 0};
  const TrainSummary s = train(net, data.train, nullptr, tc);
  ASSERT_EQ(s.history.size(), 5u);
  std::size_t worst = 0;
  for (std::size_t i = 0; i + 1 < s.history.size(); ++i)
    if (s.history[i].loss > s.history[worst].loss) worst = i;
  ASSERT_GT(worst, 0u) << "the test needs a loss that rises after the first step";
  EXPECT_EQ(s.peak_loss, s.history[worst].loss);
  EXPECT_EQ(s.peak_step, static_cast<long long>(worst) + 1);
}

TEST(Trainer, OnlineSgdAndLinearModelRun) {
  const RunResult r = train_with({{"data", "gaussians:n=200,classes=3"},
                                  {"hidden", "none"},
                                  {"batch", "1"},
                                  {"epochs", "3"},
                                  {"lr", "0.05"}});
  EXPECT_GE(r.summary.train_accuracy, 0.9);
  EXPECT_EQ(r.model.arch.num_layers(), 1);
}

// Full-batch training takes each record's training loss from the forward pass its next step
// reuses: the record after k epochs must be what a fresh evaluation of the network trained
// for k epochs gives.
TEST(Trainer, FullBatchRecordsAreFreshEvaluationsOfTheNetwork) {
  OptionValues options{{"data", "spiral:n=300"},
                       {"test", "none"},
                       {"hidden", "16,16"},
                       {"optimizer", "sgd"},
                       {"lr", "0.1"},
                       {"batch", "full"},
                       {"seed", "4"},
                       {"dtype", "f64"}};
  options["epochs"] = "4";
  const RunResult whole = train_with(options);
  ASSERT_EQ(whole.summary.history.size(), 5u);
  for (int k = 0; k <= 4; ++k) {
    options["epochs"] = std::to_string(k);
    const RunConfig config = parse_run_config(options);
    const PreparedData data = prepare_data(config);
    const RunResult part = run_training(config, data);
    Network<double> net(part.model.arch);
    part.model.copy_to(net);
    Workspace<double> ws;
    const Evaluation e = evaluate(net, data.train, ws);
    const EpochRecord& r = whole.summary.history[static_cast<std::size_t>(k)];
    EXPECT_DOUBLE_EQ(r.loss, e.loss) << "epoch " << k;
    EXPECT_EQ(r.accuracy, e.accuracy) << "epoch " << k;
  }
}

// The same run watched at every record and, as a sweep watches it, at its ends only.
struct EveryAndEnds {
  RunResult every, ends;
};
EveryAndEnds watched_both_ways(const RunConfig& config, const PreparedData& data) {
  WatchConfig ends;
  ends.history = false;
  return {run_training(config, data), run_training(config, data, nullptr, ends)};
}

// A sweep probes only the first and the last record; its verdict and the probes it reads
// must be those of a run that probes every record.
TEST(Trainer, ProbingTheEndsOnlyKeepsTheVerdictAndTheEndProbes) {
  for (const char* batch : {"full", "16"}) {
    const RunConfig config = parse_run_config({{"data", "moons:n=200"},
                                               {"test", "none"},
                                               {"hidden", "16,16"},
                                               {"optimizer", "sgd"},
                                               {"lr", "0.2"},
                                               {"batch", batch},
                                               {"epochs", "6"},
                                               {"seed", "2"}});
    const PreparedData data = prepare_data(config);
    const auto [all, some] = watched_both_ways(config, data);
    const auto& a = all.summary.history;
    const auto& b = some.summary.history;
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(all.model.params, some.model.params) << "batch " << batch;
    EXPECT_EQ(all.verdict.verdict, some.verdict.verdict);
    EXPECT_EQ(all.verdict.cause, some.verdict.cause);
    EXPECT_EQ(all.verdict.explanation, some.verdict.explanation);
    for (std::size_t i = 1; i + 1 < b.size(); ++i)
      EXPECT_TRUE(b[i].layers.empty()) << "record " << i;
    for (std::size_t i : {std::size_t{0}, b.size() - 1}) {
      ASSERT_EQ(a[i].layers.size(), b[i].layers.size());
      ASSERT_FALSE(b[i].layers.empty());
      for (std::size_t l = 0; l < a[i].layers.size(); ++l) {
        EXPECT_EQ(a[i].layers[l].dead_fraction, b[i].layers[l].dead_fraction);
        EXPECT_EQ(a[i].layers[l].grad_norm, b[i].layers[l].grad_norm);
        EXPECT_EQ(a[i].layers[l].update_ratio, b[i].layers[l].update_ratio);
      }
      EXPECT_EQ(a[i].sharpness, b[i].sharpness);
    }
  }
}

// A sweep evaluates the test set at the same two records: the same figures there, to the
// bit, and none between (moons has a test split of its own).
TEST(Trainer, TestingTheEndsOnlyKeepsTheEndFigures) {
  for (const char* epochs : {"0", "1", "5"}) {
    const RunConfig config = parse_run_config({{"data", "moons:n=200"},
                                               {"hidden", "16"},
                                               {"lr", "0.2"},
                                               {"batch", "16"},
                                               {"epochs", epochs},
                                               {"seed", "3"}});
    const PreparedData data = prepare_data(config);
    ASSERT_TRUE(data.test.has_value());
    const auto [all, some] = watched_both_ways(config, data);
    const auto& a = all.summary.history;
    const auto& b = some.summary.history;
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 1; i + 1 < b.size(); ++i) {
      EXPECT_FALSE(b[i].test_loss.has_value()) << "record " << i;
      EXPECT_TRUE(a[i].test_loss.has_value()) << "record " << i;
    }
    for (std::size_t i : {std::size_t{0}, b.size() - 1}) {
      ASSERT_TRUE(b[i].test_loss.has_value()) << "epochs " << epochs << ", record " << i;
      EXPECT_EQ(*a[i].test_loss, *b[i].test_loss);
      EXPECT_EQ(*a[i].test_accuracy, *b[i].test_accuracy);
    }
    EXPECT_EQ(all.summary.test_accuracy, some.summary.test_accuracy);
    EXPECT_TRUE(some.summary.test_accuracy.has_value());
  }
}

}  // namespace
}  // namespace mlpscope
