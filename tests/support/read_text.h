// The whole of a text file as a string ("" when it cannot be read: tests then fail on
// its content, naming the file).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace mlpscope::testing {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace mlpscope::testing
