// The parsers of data files take a path, as the product calls them, so a fuzz input is
// written to a file first: one per process and tag, in $TMPDIR, overwritten on each input
// and removed at exit.
#pragma once

#include <string>
#include <string_view>

namespace mlpscope::fuzz {

// Writes `bytes` to this process's scratch file for `tag` and returns its path.
const std::string& write_scratch_file(const std::string& tag, std::string_view bytes);

}  // namespace mlpscope::fuzz
