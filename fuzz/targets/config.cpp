// --config files (io/config_file.h): TOML text to option name → value strings.
#include "core/error.h"
#include "io/config_file.h"
#include "targets.h"

namespace mlpscope::fuzz {

bool config(std::string_view bytes) {
  try {
    (void)parse_config(bytes, "fuzz.toml");
    return true;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace mlpscope::fuzz
