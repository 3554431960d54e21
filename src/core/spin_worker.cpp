#include "core/spin_worker.h"

namespace mlpscope {

namespace {

// About a fifth of a millisecond of polling (a pause is tens of cycles): longer than any
// hand-over between two steps, short against an evaluation or a probe.
constexpr int kSpins = 1 << 13;

inline void pause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Waits until `counter` differs from `old` and returns its value (acquire): spins first,
// then sleeps on it.
std::uint32_t wait_for_change(const std::atomic<std::uint32_t>& counter, std::uint32_t old) {
  for (int i = 0; i < kSpins; ++i) {
    const std::uint32_t now = counter.load(std::memory_order_acquire);
    if (now != old) return now;
    pause();
  }
  for (;;) {
    counter.wait(old, std::memory_order_acquire);
    const std::uint32_t now = counter.load(std::memory_order_acquire);
    if (now != old) return now;
  }
}

}  // namespace

SpinWorker::SpinWorker() : thread_([this] { loop(); }) {}

SpinWorker::~SpinWorker() {
  wait();
  stopping_ = true;
  started_.fetch_add(1, std::memory_order_release);
  started_.notify_one();
  thread_.join();
}

void SpinWorker::start(Task task, void* context) {
  task_ = task;
  context_ = context;
  started_.fetch_add(1, std::memory_order_release);
  started_.notify_one();
}

void SpinWorker::wait() {
  const std::uint32_t target = started_.load(std::memory_order_relaxed);
  std::uint32_t done = finished_.load(std::memory_order_acquire);
  while (done != target) done = wait_for_change(finished_, done);
}

void SpinWorker::loop() {
  std::uint32_t seen = 0;
  for (;;) {
    seen = wait_for_change(started_, seen);
    if (stopping_) return;
    task_(context_);
    finished_.store(seen, std::memory_order_release);
    finished_.notify_one();
  }
}

}  // namespace mlpscope
