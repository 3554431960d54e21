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
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

namespace mlpscope {

class SpinWorker {
 public:
  using Task = void (*)(void* context);

  SpinWorker();
  ~SpinWorker();  // waits for a running task, then ends the thread
  SpinWorker(const SpinWorker&) = delete;
  SpinWorker& operator=(const SpinWorker&) = delete;

  // Runs task(context) on the helper thread and returns at once; one task at a time
  // (wait before the next start). The task must not throw. What the caller wrote before
  // start is visible to the task.
  void start(Task task, void* context);
  // Returns when the task started last has finished; what it wrote is then visible.
  void wait();

 private:
  void loop();

  std::atomic<std::uint32_t> started_{0};
  std::atomic<std::uint32_t> finished_{0};
  Task task_ = nullptr;
  void* context_ = nullptr;
  bool stopping_ = false;
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace mlpscope
