// The folders of src/ import one way (docs/architecture.md, "Import order"): a folder
// includes only folders before it in that line, so there is no import cycle and nothing
// outside cli includes cli. The order is read from the docs, so the page and the code
// cannot drift apart.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/read_text.h"

namespace {

namespace fs = std::filesystem;

const fs::path kSource = MLPSCOPE_SOURCE_DIR;

std::vector<std::string> documented_order() {
  const std::string doc = mlpscope::testing::read_text((kSource / "docs/architecture.md").string());
  const std::string marker = "Import order: ";
  const auto at = doc.find(marker);
  if (at == std::string::npos) return {};
  std::istringstream line(doc.substr(at + marker.size(), doc.find('\n', at) - at - marker.size()));
  std::vector<std::string> order;
  std::string word;
  while (line >> word)
    if (word != "→") order.push_back(word);
  return order;
}

// Every quoted #include of a file under src/FOLDER that names another folder of src/.
std::map<std::string, std::set<std::string>> includes_by_file() {
  std::map<std::string, std::set<std::string>> found;
  const std::regex include(R"re(^\s*#\s*include\s+"([a-z_]+)/)re");
  for (const auto& entry : fs::recursive_directory_iterator(kSource / "src")) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".h" && ext != ".cpp") continue;
    std::ifstream in(entry.path());
    std::string text;
    std::smatch m;
    while (std::getline(in, text))
      if (std::regex_search(text, m, include))
        found[fs::relative(entry.path(), kSource / "src").string()].insert(m[1]);
  }
  return found;
}

TEST(FolderImports, FollowTheDocumentedOrder) {
  const std::vector<std::string> order = documented_order();
  ASSERT_GE(order.size(), 5u) << "docs/architecture.md has no 'Import order: a → b → …' line";
  std::map<std::string, std::size_t> rank;
  for (std::size_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
  const auto files = includes_by_file();
  ASSERT_GT(files.size(), 50u) << "no sources found under " << kSource / "src";
  for (const auto& [file, folders] : files) {
    const std::string own = file.substr(0, file.find('/'));
    ASSERT_TRUE(rank.contains(own)) << "src/" << own << " is not in the documented order";
    for (const std::string& folder : folders) {
      if (folder == own) continue;
      ASSERT_TRUE(rank.contains(folder)) << "src/" << file << " includes " << folder << "/";
      EXPECT_LT(rank[folder], rank[own])
          << "src/" << file << " includes " << folder << "/, which comes after " << own
          << " in docs/architecture.md's import order";
    }
  }
}

TEST(FolderImports, EveryFolderIsInTheOrder) {
  const std::vector<std::string> order = documented_order();
  const std::set<std::string> documented(order.begin(), order.end());
  for (const auto& entry : fs::directory_iterator(kSource / "src")) {
    if (!entry.is_directory()) continue;
    EXPECT_TRUE(documented.contains(entry.path().filename().string()))
        << "src/" << entry.path().filename().string() << " is missing from the import order";
  }
}

}  // namespace
