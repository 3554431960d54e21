// `mlpscope serve --port 0` started as a process, for the tests that need the real command:
// its printed URL, and Ctrl-C (SIGINT) to end it.
#pragma once

#include <signal.h>

#include <chrono>
#include <string>
#include <thread>

#include "support/run_command.h"

namespace mlpscope::testing {

class ServeProcess {
 public:
  explicit ServeProcess(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {MLPSCOPE_BINARY, "serve", "--port", "0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    pid_ = start_command(argv, out_.path(), err_.path());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string out = detail::read_whole_file(out_.path());
      if (out.find('\n') != std::string::npos) {
        line_ = out.substr(0, out.find('\n'));
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~ServeProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      wait_for(pid_);
    }
  }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  const std::string& line() const { return line_; }  // the first line printed
  std::string url() const { return line_.substr(line_.find("http://")); }
  // Ctrl-C: the exit status.
  int interrupt() {
    ::kill(pid_, SIGINT);
    const int status = wait_for(pid_);
    pid_ = -1;
    return status;
  }
  std::string out() const { return detail::read_whole_file(out_.path()); }
  std::string err() const { return detail::read_whole_file(err_.path()); }

 private:
  detail::TempFile out_, err_;
  pid_t pid_ = -1;
  std::string line_;
};

}  // namespace mlpscope::testing
