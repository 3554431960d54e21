// Where a sweep's runs execute, behind one small interface, so that one scheduler
// (run_points_on, sweep/runner.h) serves threads on this machine and the ranks of an MPI job
// alike (sweep/mpi_runner.cpp). The scheduler owns the queue of points, the stop flag and
// the single writer; a pool only runs the points it draws and hands back their outcomes.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "sweep/runner.h"

namespace mlpscope {

// The next point to run, or nullptr: none is left, or the sweep is stopping. Workers call it
// from their own threads at once, so it must be thread-safe.
using NextPoint = std::function<const GridPoint*()>;
// Takes one finished run. Called on the thread that called WorkerPool::run alone, one run
// at a time (so it may write to a database without a lock); it must not throw.
using TakeOutcome = std::function<void(PointOutcome&&)>;
// Runs one point on this machine.
using RunOne = std::function<PointOutcome(const GridPoint&)>;

class WorkerPool {
 public:
  virtual ~WorkerPool() = default;
  // Runs points drawn from `next` until it gives nullptr, hands each outcome to `take`, and
  // returns once every run in flight has been handed over.
  virtual void run(const NextPoint& next, const TakeOutcome& take) = 0;
};

// `threads` threads of this process, each running one point at a time: a worker takes the
// next point when it finishes one (dynamic scheduling), so slow runs hold back no one.
class ThreadPool final : public WorkerPool {
 public:
  ThreadPool(int threads, RunOne run_one);
  ~ThreadPool() override;  // stop()
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void run(const NextPoint& next, const TakeOutcome& take) override;

  // run() in three steps, for a pool that keeps these threads busy while it serves others
  // (the MPI pool's remote ranks) on the calling thread.
  void start(const NextPoint& next);
  // Waits for a finished run, then hands every finished run to `take`. Without a timeout it
  // also stops waiting once every thread has returned; with one it waits for a run alone, at
  // most `timeout`, so that a caller polling something else sleeps even when no thread is
  // left. Returns whether a thread is still running.
  bool collect(const TakeOutcome& take,
               std::optional<std::chrono::microseconds> timeout = std::nullopt);
  void join();
  // Ends the threads without draining the queue: each returns after its run in flight and
  // draws no more. For a caller giving up after an error, so that no thread outlives `next`.
  void stop();

 private:
  void work();

  int threads_;
  RunOne run_one_;
  NextPoint next_;
  std::atomic<bool> quit_{false};
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<PointOutcome> finished_;  // under mutex_
  int working_ = 0;                    // threads not yet returned, under mutex_
  std::vector<std::thread> workers_;
};

}  // namespace mlpscope
