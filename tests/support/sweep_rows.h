// The rows of a sweep directory, keyed by run, and the comparison every sweep test makes:
// two sweeps of one grid (resumed, interrupted, sharded, over MPI, with other --jobs) must
// store the same runs, every column alike but the wall time, which no two runs share.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>

#include "sweep/store.h"

namespace mlpscope::testing {

inline std::map<std::string, RunRow> rows_of(const std::string& dir) {
  std::map<std::string, RunRow> rows;
  for (auto& r : ResultStore(dir).rows()) rows[r.key] = std::move(r);
  return rows;
}

inline void expect_same_runs(const std::map<std::string, RunRow>& a,
                             const std::map<std::string, RunRow>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [key, x] : a) {
    ASSERT_TRUE(b.contains(key)) << key;
    const RunRow& y = b.at(key);
    EXPECT_EQ(x.grid_index, y.grid_index) << key;
    EXPECT_EQ(x.options, y.options) << key;
    EXPECT_EQ(x.verdict, y.verdict) << key;
    EXPECT_EQ(x.cause, y.cause) << key;
    EXPECT_EQ(x.initial_loss, y.initial_loss) << key;
    EXPECT_EQ(x.final_loss, y.final_loss) << key;
    EXPECT_EQ(x.best_loss, y.best_loss) << key;
    EXPECT_EQ(x.train_accuracy, y.train_accuracy) << key;
    EXPECT_EQ(x.test_accuracy, y.test_accuracy) << key;
    EXPECT_EQ(x.epochs_to_target, y.epochs_to_target) << key;
    EXPECT_EQ(x.sharpness_init, y.sharpness_init) << key;
  }
}

}  // namespace mlpscope::testing
