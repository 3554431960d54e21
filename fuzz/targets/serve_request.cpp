// The body of `mlpscope serve`'s POST /api/runs (serve/run_request.h): any bytes a page
// sends, as JSON, through the parse layer and --data-dir's confinement of paths. The data
// dir is a folder that need not exist: paths are only resolved, never read.
#include <filesystem>

#include "core/error.h"
#include "serve/run_request.h"
#include "targets.h"

namespace mlpscope::fuzz {

bool serve_request(std::string_view bytes) {
  static const std::filesystem::path kDataDir =
      std::filesystem::temp_directory_path() / "mlpscope-fuzz-no-such-dir";
  try {
    const serve::RunRequest request = serve::parse_run_request(bytes, kDataDir);
    (void)request.config.to_json().dump();
    return true;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace mlpscope::fuzz
