// --data specs (data/load.h), loaded as the product loads them, with two bounds that keep
// the fuzzer on the spec's syntax rather than on the machine:
//  - the process works in an empty directory and specs naming an absolute path, a parent
//    directory or a built-in data set on disk are skipped: the files' own parsers have their
//    targets (idx, csv), and reading /dev/zero as a CSV is no parser's bug;
//  - synthetic sets with a number above kMaxNumber anywhere in the spec are skipped: a set
//    of 2^31 points is a request the command line bounds (the limits work of issue 7).
#include <unistd.h>

#include <filesystem>
#include <string>

#include "core/error.h"
#include "data/load.h"
#include "targets.h"

namespace mlpscope::fuzz {

namespace {

constexpr unsigned long long kMaxNumber = 20000;

// Whether some run of digits in `text` (leading zeros ignored) exceeds kMaxNumber.
bool holds_large_number(std::string_view text) {
  unsigned long long value = 0;
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      value = value * 10 + static_cast<unsigned long long>(c - '0');
      if (value > kMaxNumber) return true;
    } else {
      value = 0;
    }
  }
  return false;
}

bool reads_outside_the_sandbox(std::string_view spec) {
  return spec.find('/') != std::string_view::npos || spec.find("..") != std::string_view::npos ||
         spec.find("fashion-mnist") != std::string_view::npos ||
         spec.find("mnist") != std::string_view::npos || spec.find('~') != std::string_view::npos;
}

// The directory is removed when the process ends (it stays empty: nothing is written).
struct EmptyDirectory {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("mlpscope-fuzz-" + std::to_string(getpid()) + "-empty");
  EmptyDirectory() {
    std::filesystem::create_directories(path);
    std::filesystem::current_path(path);
  }
  ~EmptyDirectory() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

void enter_empty_directory() { static const EmptyDirectory directory; }

}  // namespace

bool data_spec(std::string_view bytes) {
  if (reads_outside_the_sandbox(bytes) || holds_large_number(bytes)) return false;
  enter_empty_directory();
  try {
    (void)load_data(std::string(bytes));
    return true;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace mlpscope::fuzz
