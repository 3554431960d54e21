// Errors: one exception type whose message already says what went wrong and where
// (setting, file, line, byte, shapes). The command line prints it as one line and exits 2.
#pragma once

#include <stdexcept>
#include <string>

namespace mlpscope {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// A bad value of a setting: a command-line option, a Python keyword, a field of the
// server's form. The library names the setting as the option tables do ("lr", "init-from")
// and says what is wrong with it; each front end spells the setting its own way (the
// command line: "option --lr: must be positive, got 0").
class SettingError : public Error {
 public:
  SettingError(const std::string& setting, const std::string& detail)
      : Error(setting + ": " + detail), setting_(setting), detail_(detail) {}
  const std::string& setting() const { return setting_; }
  const std::string& detail() const { return detail_; }

 private:
  std::string setting_, detail_;
};

[[noreturn]] inline void setting_error(const std::string& setting, const std::string& detail) {
  throw SettingError(setting, detail);
}

}  // namespace mlpscope
