#include "cli/terminal.h"

#include <unistd.h>

#include <cmath>

namespace mlpscope::cli {

std::string format_count(double value) {
  const long long n = std::llround(value);
  const std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out = n < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string format_percent(double fraction) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f%%", 100.0 * fraction);
  return buffer;
}

std::string wrap(const std::string& text, int indent) {
  constexpr std::size_t kColumns = 88;
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  std::string out, line = pad;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (line.size() > pad.size() && line.size() + 1 + word.size() > kColumns) {
      out += line + "\n";
      line = pad;
    }
    line += (line.size() > pad.size() ? " " : "") + word;
    start = end + 1;
  }
  return out + line;
}

TerminalObserver::TerminalObserver(std::FILE* out, int epochs, long long samples_per_epoch,
                                   bool quiet)
    : out_(out),
      epochs_(epochs),
      samples_per_epoch_(samples_per_epoch),
      quiet_(quiet),
      bar_enabled_(!quiet && ::isatty(STDERR_FILENO)) {
  epoch_start_ = last_draw_ = std::chrono::steady_clock::now();
}

void TerminalObserver::clear_bar() {
  if (!bar_shown_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  bar_shown_ = false;
}

void TerminalObserver::on_progress(int epoch, Index done, Index total) {
  if (!bar_enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (done == 1) epoch_start_ = now;
  // Redraw at most 10 times a second: drawing must not cost training time.
  if (now - last_draw_ < std::chrono::milliseconds(100) && done != total) return;
  last_draw_ = now;
  constexpr int kWidth = 30;
  const double fraction = static_cast<double>(done) / static_cast<double>(total);
  const int filled = static_cast<int>(fraction * kWidth);
  const double elapsed = std::chrono::duration<double>(now - epoch_start_).count();
  const double eta = fraction > 0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
  std::fprintf(stderr, "\repoch %d/%d [%s%s] %3.0f%%  %.1fs left", epoch, epochs_,
               std::string(static_cast<std::size_t>(filled), '#').c_str(),
               std::string(static_cast<std::size_t>(kWidth - filled), '.').c_str(),
               100.0 * fraction, eta);
  std::fflush(stderr);
  bar_shown_ = true;
}

void TerminalObserver::on_epoch(const EpochRecord& r) {
  clear_bar();
  if (quiet_) return;
  const int width = static_cast<int>(std::to_string(epochs_).size());
  std::string line;
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, "epoch %*d/%d  loss %.6g  acc %s", width, r.epoch, epochs_,
                r.loss, format_percent(r.accuracy).c_str());
  line += buffer;
  if (r.test_loss) {
    std::snprintf(buffer, sizeof buffer, "  test_loss %.6g  test_acc %s", *r.test_loss,
                  format_percent(*r.test_accuracy).c_str());
    line += buffer;
  }
  if (r.epoch > 0 && r.seconds > 0) {
    std::snprintf(buffer, sizeof buffer, "  %.2fs  %s samples/s", r.seconds,
                  format_count(static_cast<double>(samples_per_epoch_) / r.seconds).c_str());
    line += buffer;
  }
  std::fprintf(out_, "%s\n", line.c_str());
  std::fflush(out_);
}

}  // namespace mlpscope::cli
