#include "sweep/worker_pool.h"

#include <utility>

namespace mlpscope {

ThreadPool::ThreadPool(int threads, RunOne run_one)
    : threads_(threads), run_one_(std::move(run_one)) {}

ThreadPool::~ThreadPool() { stop(); }

void ThreadPool::run(const NextPoint& next, const TakeOutcome& take) {
  try {
    start(next);
    while (collect(take)) {}
  } catch (...) {
    stop();  // a thread failed to start: the others must not outlive `next`
    throw;
  }
  join();
}

void ThreadPool::start(const NextPoint& next) {
  next_ = next;
  {
    std::lock_guard lock(mutex_);
    working_ = threads_;
  }
  for (int t = 0; t < threads_; ++t) workers_.emplace_back([this] { work(); });
}

void ThreadPool::work() {
  for (;;) {
    const GridPoint* point = quit_ ? nullptr : next_();
    if (!point) break;
    PointOutcome outcome = run_one_(*point);
    std::lock_guard lock(mutex_);
    finished_.push_back(std::move(outcome));
    ready_.notify_one();
  }
  std::lock_guard lock(mutex_);
  --working_;
  ready_.notify_one();
}

bool ThreadPool::collect(const TakeOutcome& take,
                         std::optional<std::chrono::microseconds> timeout) {
  std::deque<PointOutcome> batch;
  bool running = false;
  {
    std::unique_lock lock(mutex_);
    if (timeout)
      ready_.wait_for(lock, *timeout, [&] { return !finished_.empty(); });
    else
      ready_.wait(lock, [&] { return !finished_.empty() || working_ == 0; });
    batch.swap(finished_);
    running = working_ > 0;
  }
  // Outside the lock: a slow write (one SQLite transaction) holds back no worker.
  for (auto& outcome : batch) take(std::move(outcome));
  return running;
}

void ThreadPool::join() {
  for (auto& worker : workers_)
    if (worker.joinable()) worker.join();
  workers_.clear();
}

void ThreadPool::stop() {
  quit_ = true;
  join();
}

}  // namespace mlpscope
