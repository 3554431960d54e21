// Whole-file reads and atomic whole-file writes: every result mlpscope writes (models,
// weights, summaries) goes through write_file_atomically, so a reader, or the next run
// after a crash or a kill, sees either the old file or the new one, never half of one.
#pragma once

#include <string>
#include <string_view>

namespace mlpscope {

// Writes `bytes` to PATH.tmp-PID-N in the same directory (a rename is atomic only within
// one file system), flushes and fsyncs it, then renames it over `path` and fsyncs the
// directory (best effort) so the rename itself survives a power cut. On any failure the
// temporary is removed and Error("cannot write PATH: <strerror>") is thrown; `path` is
// then untouched. Safe to call from several threads at once, even for the same path.
void write_file_atomically(const std::string& path, std::string_view bytes);

// The whole content of `path`; throws Error("cannot read PATH: <strerror>").
std::string read_file(const std::string& path);

}  // namespace mlpscope
