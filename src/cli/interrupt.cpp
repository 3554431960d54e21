#include "cli/interrupt.h"

#include <signal.h>

namespace mlpscope::cli {

namespace {

// A lock-free atomic is safe to store to from a signal handler (C++20 [support.signal]).
static_assert(std::atomic<bool>::is_always_lock_free);
std::atomic<bool> interrupted{false};

void on_interrupt(int) { interrupted.store(true, std::memory_order_relaxed); }

}  // namespace

const std::atomic<bool>* stop_on_interrupt() {
  static const bool installed = [] {
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    // SA_RESETHAND: the second Ctrl-C finds the default action and ends the process.
    // SA_RESTART: reads and writes in progress resume instead of failing with EINTR.
    action.sa_flags = SA_RESETHAND | SA_RESTART;
    return ::sigaction(SIGINT, &action, nullptr) == 0;
  }();
  (void)installed;
  return &interrupted;
}

}  // namespace mlpscope::cli
