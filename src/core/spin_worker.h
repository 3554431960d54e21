// A helper thread for work split in two parts of a few microseconds each: the first
// layer of an online SGD step (nn/network.h), whose two halves fit the two cores' L2
// caches where the whole does not fit one.
//
// Handing a task over through a mutex and a condition variable costs a wake-up of tens
// of microseconds, as long as the task itself. Here each side spins on an atomic counter
// for a while (a fraction of a millisecond) before it sleeps on it (std::atomic::wait, a
// futex): back-to-back steps hand over in about 0.1 µs (measured here, an empty task),
// and an idle helper (while the trainer evaluates or probes) sleeps instead of burning
// its core.
//
// On a busy machine (more runnable threads than cores: a second training, a build) the
// helper may not be running when a task is handed over. Waiting for it would make the
// caller as slow as the scheduler's turns, and a helper spinning for work would take a
// core's share from the other processes. So the task is claimed, not assigned: the caller,
// once its own part is done, runs the task itself if the helper has not begun it (the
// same function on the same data: the same bits, whichever thread runs it), and a helper
// that keeps finding its task taken spins less before it sleeps, down to not at all; one
// that wins a task again spins fully again. And when the caller's own thread spends a
// tenth of its time waiting for a core (more runnable threads than cores), or the helper
// runs fewer than half the tasks offered to it, the caller stops waking the helper for a
// while, longer each time the machine is still busy, and runs every task itself: one
// thread that keeps its core does more than two that take turns on it.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

namespace mlpscope {

// What the caller saw over one window of tasks (every 1024 starts), and whether it runs
// the next ones alone (see above; the thresholds in spin_worker.cpp).
struct HelperWindow {
  std::uint64_t offered = 0;        // tasks offered to the helper
  std::uint64_t run_by_helper = 0;  // tasks the helper ran
  long long run_queue_wait_ns = 0;  // the caller's time runnable but off a core; < 0: unknown
  long long elapsed_ns = 0;
};
bool machine_busy(const HelperWindow& window);

class SpinWorker {
 public:
  using Task = void (*)(void* context);

  SpinWorker();
  ~SpinWorker();  // waits for a running task, then ends the thread
  SpinWorker(const SpinWorker&) = delete;
  SpinWorker& operator=(const SpinWorker&) = delete;

  // Offers task(context) to the helper thread and returns at once; one task at a time
  // (wait before the next start). The task must not throw. What the caller wrote before
  // start is visible to the task.
  void start(Task task, void* context);
  // Returns when the task started last has run: on the helper if it had claimed it, else
  // on the calling thread, here. What the task wrote is then visible.
  void wait();

  // Tasks run by the helper and by the caller since construction (for tests and tuning).
  std::uint64_t run_by_helper() const { return by_helper_.load(std::memory_order_relaxed); }
  std::uint64_t run_by_caller() const { return by_caller_; }
  // Whether the next start wakes the helper, not kept for a busy machine (for tests).
  bool offers() const { return solo_windows_ == 0; }

 private:
  void loop();
  bool claim(std::uint32_t task);  // true when this thread is the one to run `task`
  bool offering();                 // whether start wakes the helper (see above)

  std::atomic<std::uint32_t> started_{0};   // the number of the task offered last
  std::atomic<std::uint32_t> claimed_{0};   // the number of the task claimed last
  std::atomic<std::uint32_t> finished_{0};  // the number of the task the helper ran last
  std::atomic<std::uint64_t> by_helper_{0};
  std::uint64_t by_caller_ = 0;
  std::uint32_t waited_ = 0;  // the number of the task waited for last (the caller's)
  // The caller's view of the machine: tasks since its last look and how many of them it
  // offered, the helper's count, its run-queue wait and the time then, how many more
  // windows it runs alone, and for how many the next time alone lasts.
  int since_check_ = 0;
  std::uint64_t offered_ = 0, helper_at_check_ = 0;
  long long waited_ns_ = -1, checked_at_ns_ = 0;
  int solo_windows_ = 0, solo_length_;
  bool kept_ = false;  // the task started last was not offered: wait() runs it
  Task task_ = nullptr;
  void* context_ = nullptr;
  bool stopping_ = false;
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace mlpscope
