// Ctrl-C as a request to stop cleanly. The first SIGINT sets a flag that the library polls
// between training steps (TrainConfig::stop, RunnerConfig::stop): train then writes what it
// has, sweep stops taking runs and stores the finished ones, and both exit with 130 (the
// shell's 128 + SIGINT). The handler then gives SIGINT back its default action, so a second
// Ctrl-C ends the process at once, as a user who insists expects.
#pragma once

#include <atomic>

namespace mlpscope::cli {

// The exit status of a command stopped by SIGINT.
constexpr int kInterruptedStatus = 130;

// Installs the SIGINT handler (once) and returns the flag it sets.
const std::atomic<bool>* stop_on_interrupt();

}  // namespace mlpscope::cli
