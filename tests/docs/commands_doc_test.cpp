// docs/commands.md is the --help of every command: this test fails when an option is added
// to a command without being documented there.
#include <gtest/gtest.h>

#include <cstdio>
#include <regex>
#include <string>
#include <vector>

#include "support/read_text.h"

namespace {

using mlpscope::testing::read_text;

std::string help_of(const std::string& command) {
  const std::string line = std::string(MLPSCOPE_BINARY) + " " + command + " --help";
  FILE* pipe = popen(line.c_str(), "r");
  std::string out;
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  EXPECT_EQ(pclose(pipe), 0) << line;
  return out;
}

// The commands `mlpscope --help` lists, so that a new command cannot go undocumented.
std::vector<std::string> commands() {
  const std::string help = help_of("");
  const auto start = help.find("Subcommands:");
  EXPECT_NE(start, std::string::npos) << help;
  std::vector<std::string> names;
  const std::regex entry("\n  ([a-z][a-z-]*) ");
  for (auto it = std::sregex_iterator(help.begin() + static_cast<std::ptrdiff_t>(start), help.end(),
                                      entry);
       it != std::sregex_iterator(); ++it)
    names.push_back((*it)[1]);
  return names;
}

TEST(CommandsDoc, ListsEveryOptionOfEveryCommand) {
  const std::string doc = read_text(MLPSCOPE_SOURCE_DIR "/docs/commands.md");
  const std::vector<std::string> listed = commands();
  EXPECT_GE(listed.size(), 10u);  // train … serve, lr-find: the list was read
  for (const std::string& command : listed) {
    const std::string help = help_of(command);
    EXPECT_NE(doc.find("## mlpscope " + command), std::string::npos) << command;
    const std::regex option("--[a-z][a-z0-9-]*");
    for (auto it = std::sregex_iterator(help.begin(), help.end(), option);
         it != std::sregex_iterator(); ++it)
      EXPECT_NE(doc.find(it->str()), std::string::npos)
          << command << " " << it->str() << " is not in docs/commands.md";
  }
}

}  // namespace
