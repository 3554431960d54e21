// --data-dir: the one folder whose files a served run may read. A page can name data sets
// by path (csv:, npz:, idx:, mnist:) and weights (init-from); the server is reachable by
// any page the user opens, so each such path is resolved (symlinks and `..` included) and
// must land inside the folder. An escape is Forbidden, which the server answers with 403.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/error.h"
#include "run/run_config.h"

namespace mlpscope::serve {

// A request for a file outside --data-dir (or for any file without one).
class Forbidden : public Error {
 public:
  using Error::Error;
};

// Rewrites the paths in data, test and init-from to absolute paths inside data_dir, or
// throws Forbidden. Data specs without a path (fashion-mnist, the synthetic sets) pass.
void confine_paths(OptionValues& values, const std::optional<std::filesystem::path>& data_dir);

}  // namespace mlpscope::serve
