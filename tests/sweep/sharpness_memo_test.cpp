// The λ0 memo (diagnose/sharpness_memo.h): one measurement per key, the same number for
// every run that starts from the same network, a bounded memory; and a sweep over learning
// rates that measures each network once yet stores in every row the λ0 its run alone gives.
#include "diagnose/sharpness_memo.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "run/run.h"
#include "sweep/grid.h"
#include "sweep/runner.h"

namespace mlpscope {
namespace {

TEST(SharpnessMemo, MeasuresEachKeyOnceAndHandsBackTheSameNumber) {
  SharpnessMemo memo;
  int calls = 0;
  const auto measure = [&](double value) {
    return [&calls, value] {
      ++calls;
      return value;
    };
  };
  EXPECT_EQ(memo.lambda0("a", measure(1.5)), 1.5);
  EXPECT_EQ(memo.lambda0("a", measure(9.0)), 1.5);  // not measured again
  EXPECT_EQ(memo.lambda0("b", measure(2.5)), 2.5);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(memo.measured(), 2u);
  EXPECT_EQ(memo.size(), 2u);
}

TEST(SharpnessMemo, ForgetsTheOldestKeysBeyondItsBudget) {
  SharpnessMemo memo(10);
  const auto value = [](double v) { return [v] { return v; }; };
  memo.lambda0("aaaa", value(1));
  memo.lambda0("bbbb", value(2));
  EXPECT_EQ(memo.size(), 2u);
  memo.lambda0("cccc", value(3));  // 12 bytes: "aaaa" goes
  EXPECT_EQ(memo.size(), 2u);
  EXPECT_EQ(memo.lambda0("bbbb", value(20)), 2);
  EXPECT_EQ(memo.lambda0("aaaa", value(10)), 10);  // measured anew
  EXPECT_EQ(memo.lambda0("a key longer than the budget", value(4)), 4);
  EXPECT_EQ(memo.lambda0("a key longer than the budget", value(5)), 5);  // never kept
  EXPECT_EQ(memo.measured(), 6u);  // a, b, c, a again, the long key twice
}

TEST(SharpnessMemo, WorkersSharingItGetOneValuePerKey) {
  SharpnessMemo memo;
  std::vector<std::thread> workers;
  std::vector<double> seen(8);
  for (std::size_t i = 0; i < seen.size(); ++i)
    workers.emplace_back([&, i] {
      seen[i] = memo.lambda0(i % 2 ? "odd" : "even", [i] { return i % 2 ? 1.0 : 2.0; });
    });
  for (auto& w : workers) w.join();
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i % 2 ? 1.0 : 2.0);
  EXPECT_EQ(memo.size(), 2u);
}

// Three learning rates × two seeds × two inits: four networks at initialization, so four
// measurements; every row's λ0 is, to the bit, the one of its run trained alone, and runs
// that start from the same network share it.
TEST(SharpnessMemo, ASweepOverLearningRatesMeasuresEachNetworkOnce) {
  GridSpec spec;
  spec.base = default_run_options();
  spec.base["data"] = "spiral:n=100";
  spec.base["hidden"] = "12";
  spec.base["epochs"] = "2";
  spec.axes = {parse_vary("lr=0.3,0.03,0.003"), parse_vary("init=he_normal;uniform:-1,1")};
  spec.seeds = 2;
  const std::vector<GridPoint> grid = expand_grid(spec);
  std::vector<const GridPoint*> points;
  for (const GridPoint& p : grid) points.push_back(&p);
  DataCache data;
  data.load(points);
  RunnerConfig config;
  config.jobs = 2;
  std::vector<RunRow> rows;
  run_points(
      points, data, config, [&](const RunRow& r) { rows.push_back(r); },
      [](const SweepProgress&) {});
  ASSERT_EQ(rows.size(), grid.size());
  EXPECT_EQ(data.sharpness_memo().size(), 4u);
  EXPECT_GE(data.sharpness_memo().measured(), 4u);
  EXPECT_LT(data.sharpness_memo().measured(), grid.size());
  std::set<double> distinct;
  for (const RunRow& row : rows) {
    const GridPoint& p = grid.at(static_cast<std::size_t>(row.grid_index));
    const RunResult alone = run_training(p.config, data.get(p.config));
    ASSERT_TRUE(row.sharpness_init.has_value());
    EXPECT_EQ(*row.sharpness_init, *alone.summary.history.front().sharpness) << p.key;
    distinct.insert(*row.sharpness_init);
  }
  EXPECT_EQ(distinct.size(), 4u);
}

}  // namespace
}  // namespace mlpscope
