// SpinWorker: tasks run on another thread, what each side wrote before a hand-over is seen
// by the other after it, and the destructor waits for a running task.
#include "core/spin_worker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

namespace mlpscope {
namespace {

struct Counter {
  std::vector<long long> values;  // written by the caller, read and changed by the task
  std::thread::id ran_on;
  static void twice(void* context) {
    auto& c = *static_cast<Counter*>(context);
    for (auto& v : c.values) v *= 2;
    c.ran_on = std::this_thread::get_id();
  }
};

TEST(SpinWorker, RunsTasksOnItsThreadAndHandsTheirWritesBack) {
  SpinWorker worker;
  Counter c;
  c.values.assign(1000, 0);
  // Many short hand-overs, each reading what the caller wrote just before (plain memory,
  // no atomics): a lost wake-up hangs, a missing fence shows as a wrong sum.
  for (int round = 1; round <= 20000; ++round) {
    for (auto& v : c.values) v = round;
    worker.start(&Counter::twice, &c);
    worker.wait();
    long long sum = 0;
    for (long long v : c.values) sum += v;
    ASSERT_EQ(sum, 2000LL * round) << "round " << round;
  }
  EXPECT_NE(c.ran_on, std::this_thread::get_id());
}

TEST(SpinWorker, WakesFromSleepAfterAnIdlePause) {
  SpinWorker worker;
  Counter c;
  c.values.assign(4, 3);
  // Longer than the spin: the helper has gone to sleep on its counter and must wake.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  worker.start(&Counter::twice, &c);
  worker.wait();
  EXPECT_EQ(c.values[0], 6);
}

TEST(SpinWorker, DestructorWaitsForTheRunningTask) {
  struct Slow {
    bool done = false;
    static void run(void* context) {
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
      static_cast<Slow*>(context)->done = true;
    }
  } slow;
  {
    SpinWorker worker;
    worker.start(&Slow::run, &slow);
  }
  EXPECT_TRUE(slow.done);
}

}  // namespace
}  // namespace mlpscope
