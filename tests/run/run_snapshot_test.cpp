// TrainingRun::snapshot: the verdict on the records so far, readable while the run trains
// (the server shows it forming), and the same as result() once the run has ended.
#include <gtest/gtest.h>

#include "core/error.h"
#include "run/run.h"

namespace mlpscope {
namespace {

RunConfig spiral_run() {
  return parse_run_config({{"data", "spiral:n=200"},
                           {"hidden", "16"},
                           {"lr", "0.1"},
                           {"batch", "full"},
                           {"epochs", "30"}});
}

TEST(RunSnapshot, JudgesTheRecordsSoFar) {
  const RunConfig config = spiral_run();
  const PreparedData data = prepare_data(config);
  TrainingRun run(config, data);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(run.epoch());
  ASSERT_FALSE(run.finished());
  EXPECT_THROW((void)run.result(), Error);
  const RunResult now = run.snapshot();
  ASSERT_EQ(now.summary.history.size(), 6u);  // initialization and five epochs
  EXPECT_EQ(now.summary.final_loss, now.summary.history.back().loss);
  EXPECT_EQ(now.summary.train_accuracy, now.summary.history.back().accuracy);
  EXPECT_FALSE(now.verdict.explanation.empty());
  EXPECT_EQ(now.model.arch.describe(), "2-16-2");
}

TEST(RunSnapshot, IsTheResultOnceFinished) {
  const RunConfig config = spiral_run();
  const PreparedData data = prepare_data(config);
  TrainingRun run(config, data);
  run.run();
  const RunResult result = run.result(), snapshot = run.snapshot();
  EXPECT_EQ(snapshot.verdict.verdict, result.verdict.verdict);
  EXPECT_EQ(snapshot.verdict.explanation, result.verdict.explanation);
  EXPECT_EQ(snapshot.summary.final_loss, result.summary.final_loss);
  EXPECT_EQ(snapshot.model.params, result.model.params);
}

}  // namespace
}  // namespace mlpscope
