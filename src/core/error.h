// Errors: one exception type whose message already says what went wrong and where
// (option, file, line, byte, shapes). The command line prints it as one line and exits 2.
#pragma once

#include <stdexcept>
#include <string>

namespace mlpscope {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Throws Error("option --NAME: MESSAGE"): the form every option check uses.
[[noreturn]] inline void option_error(const std::string& name, const std::string& message) {
  throw Error("option --" + name + ": " + message);
}

}  // namespace mlpscope
