// The option strings of a run (run/run_config.h): NAME=VALUE lines, as --config or the
// command line give them, through parse_run_config. That covers every spec string:
// --init (uniform:A,B, orthogonal:gain…), --bias-init, --optimizer (adam:b1,b2…),
// --activation (leaky_relu:slope), --output, --loss, --hidden and the numbers.
#include <string>

#include "core/error.h"
#include "core/strings.h"
#include "run/run_config.h"
#include "targets.h"

namespace mlpscope::fuzz {

bool run_options(std::string_view bytes) {
  OptionValues values;
  for (const std::string& line : split(bytes, '\n')) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  try {
    const RunConfig config = parse_run_config(values);
    (void)config.to_json().dump();  // the summary's "options": names of every parsed spec
    return true;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace mlpscope::fuzz
