// --vary specs (sweep/grid.h): one NAME=VALUES per line, each parsed (ranges expanded),
// then the grid over the default options expanded, which checks every point with
// parse_run_config. Grids of more than kMaxPoints points are parsed but not expanded: a
// sweep of 10 million runs is allowed (the limit is expand_grid's) and takes its time
// building, which is not a bug for a fuzzer to report.
#include <string>

#include "core/error.h"
#include "core/strings.h"
#include "sweep/grid.h"
#include "targets.h"

namespace mlpscope::fuzz {

namespace {

constexpr std::size_t kMaxPoints = 2000;

}  // namespace

bool vary(std::string_view bytes) {
  try {
    GridSpec spec;
    spec.base = default_run_options();
    spec.base["data"] = "xor";  // never read: expanding a grid only parses its options
    std::size_t points = 1;
    for (const std::string& line : split(bytes, '\n')) {
      if (trim(line).empty()) continue;
      spec.axes.push_back(parse_vary(line));
      const std::size_t n = spec.axes.back().values.size();
      points = n == 0 || points > kMaxPoints / n ? kMaxPoints + 1 : points * n;
    }
    if (points <= kMaxPoints) (void)expand_grid(spec);
    return true;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace mlpscope::fuzz
