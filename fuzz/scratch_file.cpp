#include "scratch_file.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>

namespace mlpscope::fuzz {

namespace {

// Removes every scratch file when the process ends.
struct ScratchFiles {
  std::map<std::string, std::string> paths;  // tag → path
  ~ScratchFiles() {
    for (const auto& [tag, path] : paths) std::remove(path.c_str());
  }
};

}  // namespace

const std::string& write_scratch_file(const std::string& tag, std::string_view bytes) {
  static ScratchFiles files;
  auto [it, fresh] = files.paths.try_emplace(tag);
  if (fresh)
    it->second = (std::filesystem::temp_directory_path() /
                  ("mlpscope-fuzz-" + std::to_string(getpid()) + "-" + tag))
                     .string();
  std::FILE* file = std::fopen(it->second.c_str(), "wb");
  // Not an mlpscope::Error: a harness that cannot write its file must not pass as a refusal.
  if (file == nullptr) throw std::runtime_error("cannot write " + it->second);
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
  if (std::fclose(file) != 0 || !written) throw std::runtime_error("cannot write " + it->second);
  return it->second;
}

}  // namespace mlpscope::fuzz
