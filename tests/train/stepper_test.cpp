// The training loop driven from outside, as the server and Python will drive it: step by
// step, epoch by epoch, stopped halfway. However it is advanced, the run is the same run,
// to the bit, as one run to the end.
#include "train/stepper.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "run/run.h"

namespace mlpscope {
namespace {

RunConfig config_of(OptionValues options) {
  OptionValues all = default_run_options();
  for (auto& [k, v] : options) all[k] = v;
  return parse_run_config(all);
}

const OptionValues kOnline = {{"data", "moons:n=60"}, {"test", "none"}, {"hidden", "8"},
                              {"batch", "1"},         {"epochs", "3"},  {"lr", "0.05"}};
const OptionValues kMinibatchAdam = {{"data", "spiral:n=90"}, {"test", "none"},
                                     {"hidden", "8,8"},       {"batch", "16"},
                                     {"epochs", "4"},         {"optimizer", "adam"}};

void expect_same_run(const TrainSummary& a, const TrainSummary& b) {
  ASSERT_EQ(a.history.size(), b.history.size());
  for (std::size_t i = 0; i < a.history.size(); ++i) {
    EXPECT_EQ(a.history[i].loss, b.history[i].loss) << "record " << i;
    EXPECT_EQ(a.history[i].step, b.history[i].step) << "record " << i;
    ASSERT_EQ(a.history[i].layers.size(), b.history[i].layers.size());
    for (std::size_t l = 0; l < a.history[i].layers.size(); ++l)
      EXPECT_EQ(a.history[i].layers[l].grad_norm, b.history[i].layers[l].grad_norm);
  }
  EXPECT_EQ(a.final_loss, b.final_loss);
  EXPECT_EQ(a.epochs, b.epochs);
}

TEST(Stepper, StepByStepIsTheSameRunAsRunToTheEnd) {
  for (const OptionValues& options : {kOnline, kMinibatchAdam}) {
    const RunConfig config = config_of(options);
    const PreparedData data = prepare_data(config);
    TrainingRun whole(config, data);
    whole.run();
    TrainingRun stepped(config, data);
    long long steps = 0;
    while (stepped.step()) ++steps;
    EXPECT_TRUE(stepped.finished());
    EXPECT_FALSE(stepped.step()) << "a finished run takes no more steps";
    EXPECT_EQ(steps, stepped.summary().history.back().step);
    expect_same_run(whole.summary(), stepped.summary());
    EXPECT_EQ(whole.result().verdict.verdict, stepped.result().verdict.verdict);
  }
}

TEST(Stepper, EpochAdvancesOneEpochAndItsRecord) {
  const RunConfig config = config_of(kMinibatchAdam);
  const PreparedData data = prepare_data(config);
  TrainingRun run(config, data);
  ASSERT_EQ(run.summary().history.size(), 1u);  // the record at initialization
  EXPECT_TRUE(run.epoch());
  ASSERT_EQ(run.summary().history.size(), 2u);
  EXPECT_EQ(run.summary().history.back().epoch, 1);
  EXPECT_EQ(run.summary().history.back().step, 6);  // ⌈90 / 16⌉ steps
  EXPECT_TRUE(run.epoch());
  EXPECT_TRUE(run.epoch());
  EXPECT_FALSE(run.epoch()) << "the fourth and last epoch ends the run";
  EXPECT_TRUE(run.finished());
  EXPECT_EQ(run.summary().epochs, 4);
  EXPECT_EQ(run.summary().final_loss, run.summary().history.back().loss);
}

TEST(Stepper, StopWithinAnEpochRecordsTheStepsTaken) {
  const RunConfig config = config_of(kMinibatchAdam);
  const PreparedData data = prepare_data(config);
  TrainingRun run(config, data);
  ASSERT_TRUE(run.epoch());
  for (int s = 0; s < 3; ++s) ASSERT_TRUE(run.step());
  EXPECT_THROW((void)run.result(), Error) << "no verdict before the run has ended";
  run.stop();
  EXPECT_TRUE(run.finished());
  const TrainSummary& s = run.summary();
  EXPECT_TRUE(s.interrupted);
  EXPECT_EQ(s.epochs, 1) << "the second epoch did not end";
  ASSERT_EQ(s.history.size(), 3u);
  EXPECT_TRUE(s.history.back().within_epoch);
  EXPECT_EQ(s.history.back().step, 9);
  EXPECT_FALSE(run.step());
  // The model a stopped run returns is the network after its last step.
  const RunResult r = run.result();
  EXPECT_EQ(r.summary.final_loss, s.history.back().loss);
}

TEST(Stepper, ListenersSeeEveryRecordInOrder) {
  struct Count : TrainObserver {
    std::vector<int> epochs;
    long long progress = 0;
    void on_epoch(const EpochRecord& r) override { epochs.push_back(r.epoch); }
    void on_progress(int, Index, Index) override { ++progress; }
  } first, second;
  const RunConfig config = config_of(kOnline);
  const PreparedData data = prepare_data(config);
  TrainingRun run(config, data, {&first, &second});
  run.run();
  EXPECT_EQ(first.epochs, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(second.epochs, first.epochs);
  EXPECT_EQ(first.progress, 3 * 60);
}

}  // namespace
}  // namespace mlpscope
