#include "core/spin_worker.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace mlpscope {

namespace {

// About a fifth of a millisecond of polling (a pause is tens of cycles): longer than any
// hand-over between two steps, short against an evaluation or a probe.
constexpr int kSpins = 1 << 13;

// The caller looks at its scheduling every kCheckEvery tasks (about 20 ms of online SGD
// steps). If it spent more than kBusyShare of that time runnable but waiting for a core
// (the kernel's schedstat; on an idle machine well under 1%, with twice as many busy
// threads as cores about half), or if the helper ran fewer than half the tasks offered
// (alone on two cores it runs 99% of them; beside a second training at two threads,
// under 1%: each offer then only wakes a thread that finds its task taken, two system
// calls and a context switch on a core the other process needs), it runs alone for
// kSoloWindows windows (a third of a second), then offers tasks again and looks anew. Each
// look in a row that finds the machine still busy doubles the time alone, up to
// kMaxSoloWindows (about 5 s of online SGD): a busy machine costs one window of offers in
// 256, not one in 17, and a machine that became free again is used within seconds.
constexpr int kCheckEvery = 1024;
constexpr double kBusyShare = 0.1;
constexpr int kSoloWindows = 16;
constexpr int kMaxSoloWindows = 256;

// Nanoseconds the calling thread has waited on a run queue so far (the second field of
// /proc/thread-self/schedstat); -1 where the kernel does not say.
long long run_queue_wait_ns() {
  std::FILE* f = std::fopen("/proc/thread-self/schedstat", "r");
  if (!f) return -1;
  long long on_cpu = 0, waiting = -1;
  if (std::fscanf(f, "%lld %lld", &on_cpu, &waiting) != 2) waiting = -1;
  std::fclose(f);
  return waiting;
}

long long now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline void pause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Waits until `counter` differs from `old` and returns its value (acquire): spins up to
// `spins` times first, then sleeps on it.
std::uint32_t wait_for_change(const std::atomic<std::uint32_t>& counter, std::uint32_t old,
                              int spins = kSpins) {
  for (int i = 0; i < spins; ++i) {
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

// Constructed on the caller's thread: its waiting so far is the baseline.
SpinWorker::SpinWorker()
    : waited_ns_(run_queue_wait_ns()),
      checked_at_ns_(now_ns()),
      solo_length_(kSoloWindows),
      thread_([this] { loop(); }) {}

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
  // Not offered, the helper never hears of the task (it polls a while, then sleeps) and
  // wait() runs it here.
  kept_ = !offering();
  if (kept_) return;
  started_.fetch_add(1, std::memory_order_release);
  started_.notify_one();
}

bool machine_busy(const HelperWindow& window) {
  const bool waiting_for_a_core = window.run_queue_wait_ns >= 0 && window.elapsed_ns > 0 &&
                                  static_cast<double>(window.run_queue_wait_ns) >
                                      kBusyShare * static_cast<double>(window.elapsed_ns);
  // Judged on at least half a window of offers: the first window after a time alone is
  // whole, one that began alone is not.
  const bool helper_losing =
      window.offered >= kCheckEvery / 2 && 2 * window.run_by_helper < window.offered;
  return waiting_for_a_core || helper_losing;
}

bool SpinWorker::offering() {
  if (solo_windows_ == 0) ++offered_;
  if (++since_check_ < kCheckEvery) return solo_windows_ == 0;
  since_check_ = 0;
  const long long waited = run_queue_wait_ns(), now = now_ns();
  const std::uint64_t by_helper = by_helper_.load(std::memory_order_relaxed);
  if (solo_windows_ > 0) {
    --solo_windows_;
  } else {
    const HelperWindow window{offered_, by_helper - helper_at_check_,
                              waited >= 0 && waited_ns_ >= 0 ? waited - waited_ns_ : -1,
                              now - checked_at_ns_};
    if (machine_busy(window)) {
      solo_windows_ = solo_length_;
      solo_length_ = std::min(2 * solo_length_, kMaxSoloWindows);
    } else {
      solo_length_ = kSoloWindows;
    }
  }
  offered_ = 0;
  helper_at_check_ = by_helper;
  waited_ns_ = waited;
  checked_at_ns_ = now;
  return solo_windows_ == 0;
}

// Task n may be claimed once, and only while task n − 1 is the last one claimed: a helper
// that woke late, after the caller took task n and offered n + 1, fails here and reads
// nothing of task n + 1 until it has claimed it.
bool SpinWorker::claim(std::uint32_t task) {
  std::uint32_t previous = task - 1;
  return claimed_.compare_exchange_strong(previous, task, std::memory_order_acq_rel,
                                          std::memory_order_acquire);
}

void SpinWorker::wait() {
  if (kept_) {
    kept_ = false;
    task_(context_);
    ++by_caller_;
    return;
  }
  const std::uint32_t task = started_.load(std::memory_order_relaxed);
  if (task == waited_) return;  // nothing started since the last wait
  waited_ = task;
  if (claim(task)) {
    task_(context_);
    ++by_caller_;
    return;
  }
  std::uint32_t done = finished_.load(std::memory_order_acquire);
  while (done != task) done = wait_for_change(finished_, done);
}

void SpinWorker::loop() {
  std::uint32_t seen = 0;
  int spins = kSpins;
  for (;;) {
    seen = wait_for_change(started_, seen, spins);
    if (stopping_) return;
    if (!claim(seen)) {
      // Taken by the caller before this thread got to it: the machine is busy, or the
      // caller's own part was shorter. Poll less, so as not to take a core from others.
      spins /= 2;
      continue;
    }
    spins = kSpins;
    task_(context_);
    by_helper_.fetch_add(1, std::memory_order_relaxed);
    finished_.store(seen, std::memory_order_release);
    finished_.notify_one();
  }
}

}  // namespace mlpscope
