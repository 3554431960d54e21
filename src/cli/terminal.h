// What a person sees while a run trains: a progress bar within long epochs (only on a
// terminal), one line per epoch, and helpers for numbers people read.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include "train/trainer.h"

namespace mlpscope::cli {

std::string format_count(double value);       // 18700 → "18,700"
std::string format_percent(double fraction);  // 0.8761 → "87.61%"
// Wraps text at 88 columns, every line indented by `indent` spaces.
std::string wrap(const std::string& text, int indent);

class TerminalObserver : public TrainObserver {
 public:
  // Lines go to `out`; the progress bar to stderr when it is a terminal.
  TerminalObserver(std::FILE* out, int epochs, long long samples_per_epoch, bool quiet);
  void on_epoch(const EpochRecord& record) override;
  void on_progress(int epoch, Index done, Index total) override;

 private:
  void clear_bar();

  std::FILE* out_;
  int epochs_;
  long long samples_per_epoch_;
  bool quiet_;
  bool bar_enabled_;
  bool bar_shown_ = false;
  std::chrono::steady_clock::time_point epoch_start_, last_draw_;
};

}  // namespace mlpscope::cli
