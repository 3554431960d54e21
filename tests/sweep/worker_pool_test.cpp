// The worker pool behind sweeps, and the one scheduler over it, without training: fake runs
// that answer at once. A thread pool of 1, 2 or 4 threads runs every point exactly once and
// hands every outcome to the calling thread exactly once; 2 threads run 2 points at once.
// The scheduler counts rows, failures and runs stopped in flight, stops handing out after
// a failed write or a stop request, and rethrows the write's error.
#include "sweep/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sweep/runner.h"

namespace {

using mlpscope::GridPoint;
using mlpscope::NextPoint;
using mlpscope::PointOutcome;
using mlpscope::RunRow;
using mlpscope::SweepProgress;
using mlpscope::TakeOutcome;
using mlpscope::ThreadPool;

std::vector<GridPoint> make_points(std::size_t n) {
  std::vector<GridPoint> points(n);
  for (std::size_t i = 0; i < n; ++i) {
    points[i].index = i;
    points[i].key = "point " + std::to_string(i);
  }
  return points;
}

std::vector<const GridPoint*> pointers(const std::vector<GridPoint>& points) {
  std::vector<const GridPoint*> p;
  for (const auto& point : points) p.push_back(&point);
  return p;
}

// A finished run whose row names its point.
PointOutcome row_of(const GridPoint& p) {
  RunRow row;
  row.key = p.key;
  row.grid_index = static_cast<long long>(p.index);
  return {&p, row, {}};
}

// Draws from `points` in order, thread-safe, as the scheduler does.
NextPoint drawing(const std::vector<const GridPoint*>& points, std::atomic<std::size_t>& next) {
  return [&points, &next]() -> const GridPoint* {
    const std::size_t i = next++;
    return i < points.size() ? points[i] : nullptr;
  };
}

class ThreadPoolOf : public ::testing::TestWithParam<int> {};

TEST_P(ThreadPoolOf, RunsEveryPointOnceAndHandsEachOutcomeToTheCallerOnce) {
  const auto points = make_points(200);
  const auto todo = pointers(points);
  std::mutex mutex;
  std::map<std::size_t, int> runs;  // point index → times run
  ThreadPool pool(GetParam(), [&](const GridPoint& p) {
    std::lock_guard lock(mutex);
    ++runs[p.index];
    return row_of(p);
  });
  std::atomic<std::size_t> next{0};
  std::map<std::size_t, int> taken;
  std::vector<std::size_t> order;
  const auto caller = std::this_thread::get_id();
  bool always_on_caller = true;
  pool.run(drawing(todo, next), [&](PointOutcome&& o) {
    always_on_caller = always_on_caller && std::this_thread::get_id() == caller;
    ASSERT_TRUE(o.row);
    EXPECT_EQ(o.row->grid_index, static_cast<long long>(o.point->index));
    ++taken[o.point->index];
    order.push_back(o.point->index);
  });
  EXPECT_TRUE(always_on_caller);
  ASSERT_EQ(runs.size(), points.size());
  ASSERT_EQ(taken.size(), points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    EXPECT_EQ(runs[i], 1) << "point " << i;
    EXPECT_EQ(taken[i], 1) << "point " << i;
  }
  // One thread runs the queue in order, and the caller takes it in that order.
  if (GetParam() == 1) {
    for (std::size_t i = 0; i < order.size(); ++i) EXPECT_EQ(order[i], i);
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, ThreadPoolOf, ::testing::Values(1, 2, 4));

TEST(ThreadPool, TwoThreadsRunTwoPointsAtOnce) {
  const auto points = make_points(2);
  const auto todo = pointers(points);
  // The first run waits (10 s at most) for the second to start: it can only start on the
  // other thread while the first is still running.
  std::atomic<int> started{0};
  std::atomic<bool> overlapped{false};
  ThreadPool pool(2, [&](const GridPoint& p) {
    ++started;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (started < 2 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (started == 2) overlapped = true;
    return row_of(p);
  });
  std::atomic<std::size_t> next{0};
  int taken = 0;
  pool.run(drawing(todo, next), [&](PointOutcome&&) { ++taken; });
  EXPECT_TRUE(overlapped);
  EXPECT_EQ(taken, 2);
}

// A pool that runs every point on the calling thread, in order: the scheduler's behaviour
// made deterministic (which point is drawn when), and proof that a third kind of pool needs
// nothing else.
class SerialPool final : public mlpscope::WorkerPool {
 public:
  explicit SerialPool(mlpscope::RunOne run_one) : run_one_(std::move(run_one)) {}
  void run(const NextPoint& next, const TakeOutcome& take) override {
    while (const GridPoint* p = next()) {
      ++drawn;
      take(run_one_(*p));
    }
  }
  int drawn = 0;

 private:
  mlpscope::RunOne run_one_;
};

// Point 1 fails, point 2 is stopped in flight (no row, no error), the others finish.
PointOutcome mixed_outcome(const GridPoint& p) {
  if (p.index == 1) return {&p, std::nullopt, "diverged into the sun"};
  if (p.index == 2) return {&p, std::nullopt, {}};
  return row_of(p);
}

TEST(RunPointsOn, CountsRowsFailuresAndRunsStoppedInFlight) {
  const auto points = make_points(5);
  SerialPool pool(mixed_outcome);
  std::vector<long long> written;
  std::vector<std::size_t> finished_counts;
  const SweepProgress p = mlpscope::run_points_on(
      pool, pointers(points), {}, [&](const RunRow& r) { written.push_back(r.grid_index); },
      [&](const SweepProgress& s) { finished_counts.push_back(s.done + s.failed); });
  EXPECT_EQ(written, (std::vector<long long>{0, 3, 4}));
  EXPECT_EQ(p.done, 3u);
  EXPECT_EQ(p.failed, 1u);
  EXPECT_EQ(p.total, 5u);
  ASSERT_EQ(p.failures.size(), 1u);
  EXPECT_EQ(p.failures[0], "run 1: diverged into the sun");
  // Progress after each counted run; none for the run stopped in flight.
  EXPECT_EQ(finished_counts, (std::vector<std::size_t>{1, 2, 3, 4}));
  // One run neither done nor failed: the sweep did not finish.
  EXPECT_TRUE(p.stopped);
}

TEST(RunPointsOn, AStopRequestEndsTheHandingOut) {
  const auto points = make_points(6);
  SerialPool pool(row_of);
  std::atomic<bool> stop{false};
  mlpscope::RunnerConfig config;
  config.stop = &stop;
  int written = 0;
  const SweepProgress p = mlpscope::run_points_on(
      pool, pointers(points), config,
      [&](const RunRow&) {
        if (++written == 2) stop = true;
      },
      [](const SweepProgress&) {});
  EXPECT_EQ(pool.drawn, 2);
  EXPECT_EQ(p.done, 2u);
  EXPECT_TRUE(p.stopped);
}

TEST(RunPointsOn, AFailedWriteStopsTheHandingOutAndIsRethrown) {
  const auto points = make_points(6);
  SerialPool pool(row_of);
  int writes = 0;
  EXPECT_THROW(mlpscope::run_points_on(
                   pool, pointers(points), {},
                   [&](const RunRow&) {
                     if (++writes == 3) throw std::runtime_error("disk full");
                   },
                   [](const SweepProgress&) {}),
               std::runtime_error);
  EXPECT_EQ(writes, 3);
  EXPECT_EQ(pool.drawn, 3);
}

TEST(RunPointsOn, AThreadPoolGivesTheSameCountsAsOneThread) {
  const auto points = make_points(40);
  for (int threads : {1, 2, 4}) {
    ThreadPool pool(threads, mixed_outcome);
    std::map<long long, int> written;
    const SweepProgress p = mlpscope::run_points_on(
        pool, pointers(points), {}, [&](const RunRow& r) { ++written[r.grid_index]; },
        [](const SweepProgress&) {});
    EXPECT_EQ(p.done, 38u) << threads << " threads";
    EXPECT_EQ(p.failed, 1u) << threads << " threads";
    EXPECT_EQ(written.size(), 38u) << threads << " threads";
    for (const auto& [index, times] : written) EXPECT_EQ(times, 1) << "run " << index;
  }
}

}  // namespace
