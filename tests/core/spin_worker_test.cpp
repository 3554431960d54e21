// SpinWorker: tasks run on another thread, or on the caller's when the helper has not
// begun them; what each side wrote before a hand-over is seen by the other after it, every
// task runs once, and the destructor waits for a running task.
#include "core/spin_worker.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <atomic>
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

// The caller's own part of a step: long enough for the helper to claim the task first.
void busy_for(std::chrono::microseconds span) {
  const auto end = std::chrono::steady_clock::now() + span;
  while (std::chrono::steady_clock::now() < end) {}
}

TEST(SpinWorker, RunsTasksOnItsThreadAndHandsTheirWritesBack) {
  SpinWorker worker;
  Counter c;
  c.values.assign(1000, 0);
  // Many short hand-overs, each reading what the caller wrote just before (plain memory,
  // no atomics): a lost wake-up hangs, a missing fence shows as a wrong sum.
  bool helper_ran = false;
  for (int round = 1; round <= 20000; ++round) {
    for (auto& v : c.values) v = round;
    worker.start(&Counter::twice, &c);
    busy_for(std::chrono::microseconds(round % 2 == 0 ? 20 : 0));
    worker.wait();
    helper_ran = helper_ran || c.ran_on != std::this_thread::get_id();
    long long sum = 0;
    for (long long v : c.values) sum += v;
    ASSERT_EQ(sum, 2000LL * round) << "round " << round;
  }
  EXPECT_EQ(worker.run_by_helper() + worker.run_by_caller(), 20000u);
  EXPECT_TRUE(helper_ran);
  EXPECT_GT(worker.run_by_helper(), 0u);
}

// A task the helper has not begun when the caller waits is run by the caller: every task
// runs exactly once, whoever runs it, and the caller never waits on a helper that is not
// running (a busy machine).
TEST(SpinWorker, TheCallerRunsATaskTheHelperHasNotBegun) {
  SpinWorker worker;
  std::atomic<int> runs{0};
  struct Count {
    static void run(void* context) {
      static_cast<std::atomic<int>*>(context)->fetch_add(1, std::memory_order_relaxed);
    }
  };
  for (int round = 0; round < 50000; ++round) {
    worker.start(&Count::run, &runs);
    worker.wait();
    worker.wait();  // a second wait for the same task returns at once
  }
  EXPECT_EQ(runs.load(), 50000);
  EXPECT_EQ(worker.run_by_helper() + worker.run_by_caller(), 50000u);
  EXPECT_GT(worker.run_by_caller(), 0u);  // waiting at once leaves the helper no time
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

// The caller's look at the machine after a window of tasks, on each side of each
// threshold: waiting for a core more than a tenth of the time, or a helper that ran fewer
// than half of at least 512 offers (alone on two cores it runs 99% of them).
TEST(SpinWorker, AWindowIsBusyWhenTheCallerWaitsForACoreOrTheHelperLoses) {
  const long long ms10 = 10'000'000;
  EXPECT_FALSE(machine_busy({1024, 1014, 0, ms10}));
  EXPECT_FALSE(machine_busy({1024, 512, 0, ms10}));
  EXPECT_TRUE(machine_busy({1024, 511, 0, ms10}));
  EXPECT_TRUE(machine_busy({1024, 3, 0, ms10}));
  EXPECT_FALSE(machine_busy({511, 0, 0, ms10}));  // mostly alone: the wins say nothing
  EXPECT_TRUE(machine_busy({512, 0, 0, ms10}));
  EXPECT_FALSE(machine_busy({1024, 1024, ms10 / 10, ms10}));
  EXPECT_TRUE(machine_busy({1024, 1024, ms10 / 10 + 1000, ms10}));
  EXPECT_TRUE(machine_busy({0, 0, ms10 / 2, ms10}));
  EXPECT_FALSE(machine_busy({1024, 1024, -1, ms10}));  // the kernel did not say
  EXPECT_FALSE(machine_busy({1024, 1024, 5, 0}));
}

// A helper that shares its caller's one core can only take turns with it: within a few
// windows the caller stops waking it and runs every task itself, and the tasks all run.
TEST(SpinWorker, OnOneCoreTheCallerSoonRunsAlone) {
  cpu_set_t before, one;
  ASSERT_EQ(sched_getaffinity(0, sizeof before, &before), 0);
  CPU_ZERO(&one);
  int cpu = 0;
  while (!CPU_ISSET(cpu, &before)) ++cpu;
  CPU_SET(cpu, &one);
  ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
  std::atomic<int> runs{0};
  bool alone = false;
  {
    SpinWorker worker;  // its thread inherits the one core
    struct Count {
      static void run(void* context) {
        static_cast<std::atomic<int>*>(context)->fetch_add(1, std::memory_order_relaxed);
      }
    };
    for (int task = 0; task < 4 * 1024; ++task) {
      worker.start(&Count::run, &runs);
      worker.wait();
    }
    alone = !worker.offers();
    // Alone, the helper is never woken: it runs none of the tasks that follow.
    const std::uint64_t helper_before = worker.run_by_helper();
    for (int task = 0; task < 1024; ++task) {
      worker.start(&Count::run, &runs);
      worker.wait();
    }
    if (alone) {
      EXPECT_EQ(worker.run_by_helper(), helper_before);
    }
  }
  ASSERT_EQ(sched_setaffinity(0, sizeof before, &before), 0);
  EXPECT_TRUE(alone);
  EXPECT_EQ(runs.load(), 5 * 1024);
}

}  // namespace
}  // namespace mlpscope
