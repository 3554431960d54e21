#include "serve/data_dir.h"

#include <algorithm>
#include <vector>

namespace mlpscope::serve {

namespace fs = std::filesystem;

namespace {

// `path` (relative to data_dir, or absolute) resolved, or Forbidden when it leaves data_dir.
std::string confined(const std::string& setting, const std::string& path,
                     const std::optional<fs::path>& data_dir) {
  if (!data_dir) {
    std::string message = setting;
    message += ": reading files needs `mlpscope serve --data-dir DIR` (asked for ";
    message += path + ")";
    throw Forbidden(message);
  }
  std::error_code ec;
  const fs::path root = fs::weakly_canonical(*data_dir, ec);
  const fs::path resolved = fs::weakly_canonical(root / fs::path(path), ec);
  if (ec) throw Forbidden(setting + ": cannot resolve " + path);
  const auto [root_end, unused] =
      std::mismatch(root.begin(), root.end(), resolved.begin(), resolved.end());
  (void)unused;
  if (root_end != root.end()) {
    std::string message = setting;
    message += ": ";
    message += path + " is outside --data-dir";
    throw Forbidden(message);
  }
  return resolved.string();
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t comma; (comma = text.find(',', start)) != std::string::npos; start = comma + 1)
    parts.push_back(text.substr(start, comma - start));
  parts.push_back(text.substr(start));
  return parts;
}

// A data spec with its paths confined (data/load.h lists the kinds). Arguments after the
// paths (label=, x=, …) are kept as they were.
std::string confined_spec(const std::string& setting, const std::string& spec,
                          const std::optional<fs::path>& data_dir) {
  const std::size_t colon = spec.find(':');
  if (colon == std::string::npos) return spec;  // fashion-mnist, spiral, … read no file
  const std::string kind = spec.substr(0, colon);
  std::vector<std::string> parts = split_commas(spec.substr(colon + 1));
  if (kind == "mnist") return kind + ":" + confined(setting, spec.substr(colon + 1), data_dir);
  if (kind != "idx" && kind != "csv" && kind != "npz") return spec;  // synthetic options
  parts[0] = confined(setting, parts[0], data_dir);
  // idx:IMAGES,LABELS: the second part is a path too.
  if (kind == "idx" && parts.size() > 1 && parts[1].find('=') == std::string::npos)
    parts[1] = confined(setting, parts[1], data_dir);
  std::string out = kind + ":";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += ',';
    out += parts[i];
  }
  return out;
}

}  // namespace

void confine_paths(OptionValues& values, const std::optional<fs::path>& data_dir) {
  for (const char* setting : {"data", "test"}) {
    auto it = values.find(setting);
    if (it != values.end() && it->second != "none")
      it->second = confined_spec(setting, it->second, data_dir);
  }
  auto init_from = values.find("init-from");
  if (init_from != values.end() && !init_from->second.empty())
    init_from->second = confined("init-from", init_from->second, data_dir);
}

}  // namespace mlpscope::serve
