// A run as the server receives it: a JSON object whose keys are the command line's option
// names (`{"data": "spiral", "hidden": "32,32", "lr": 0.1}`), checked by the same parse
// layer as `mlpscope train` (run/run_config.h, run/watch_config.h), so a bad value is the
// CLI's SettingError, which the server answers with 400 and the same line.
//
// Values may be strings, numbers or booleans (written as the command line would spell
// them); a list joins with commas (`"hidden": [32, 32]`). Anything else is an Error.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

#include "run/run_config.h"
#include "run/watch_config.h"

namespace mlpscope::serve {

struct RunRequest {
  OptionValues run_values;  // as given, for the summary's options
  RunConfig config;
  WatchConfig watch;
};

// The body of POST /api/runs. Files named by data, test and init-from must lie under
// data_dir (serve/data_dir.h): without one, no file may be read.
RunRequest parse_run_request(std::string_view body,
                             const std::optional<std::filesystem::path>& data_dir);

}  // namespace mlpscope::serve
