// docs/check.md's worked example, run: the backward pass it shows is the one in
// examples/check_story.py, the script runs, and the command the page shows prints every
// line the page quotes (a line "..." stands for lines left out, "text ..." for a line cut).
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "support/fixtures.h"
#include "support/numpy.h"
#include "support/read_text.h"
#include "support/run_command.h"

namespace {

using mlpscope::testing::read_text;

const std::string kDoc = MLPSCOPE_SOURCE_DIR "/docs/check.md";

// The fenced block (```lang) that follows the first occurrence of `after` in `text`.
std::string block_after(const std::string& text, const std::string& after,
                        const std::string& lang) {
  const auto at = text.find(after);
  if (at == std::string::npos) return "";
  const std::string fence = "```" + lang + "\n";
  const auto start = text.find(fence, at + after.size());
  if (start == std::string::npos) return "";
  const auto end = text.find("```\n", start + fence.size());
  return text.substr(start + fence.size(), end - start - fence.size());
}

TEST(CheckDoc, ShowsTheExamplesBackwardPassVerbatim) {
  const std::string doc = read_text(kDoc);
  const std::string shown = block_after(doc, "backpropagation most tutorials show", "python");
  ASSERT_NE(shown.find("def backward"), std::string::npos) << shown;
  EXPECT_NE(read_text(MLPSCOPE_SOURCE_DIR "/examples/check_story.py").find(shown),
            std::string::npos)
      << "docs/check.md's backward() differs from examples/check_story.py's";
}

class CheckDocRun : public mlpscope::testing::TempDirTest {};

TEST_F(CheckDocRun, TheWorkedExamplePrintsWhatThePageQuotes) {
  SKIP_WITHOUT_NUMPY();
  const std::string doc = read_text(kDoc);
  const std::string commands = block_after(doc, "Run in an empty directory", "sh");
  // The plain block right after the commands: what they print.
  const std::string quoted = block_after(doc, commands + "```\n", "");
  std::istringstream lines(commands);
  std::string script_line, check_line;
  std::getline(lines, script_line);
  std::getline(lines, check_line);
  ASSERT_EQ(script_line, "python3 examples/check_story.py");
  ASSERT_TRUE(check_line.starts_with("mlpscope check ")) << check_line;
  const auto script = mlpscope::testing::run_command(
      {"/bin/sh", "-c",
       "cd '" + dir_.string() + "' && " + mlpscope::testing::kPython +
           " " MLPSCOPE_SOURCE_DIR "/examples/check_story.py"});
  ASSERT_EQ(script.status, 0) << script.err;
  const auto check = mlpscope::testing::run_command(
      {"/bin/sh", "-c", "cd '" + dir_.string() + "' && " MLPSCOPE_BINARY + check_line.substr(8)});
  ASSERT_EQ(check.status, 0) << check.err;
  std::istringstream expected(quoted);
  std::string line;
  int compared = 0;
  while (std::getline(expected, line)) {
    if (line == "...") continue;
    if (line.ends_with(" ...")) line.resize(line.size() - 4);
    EXPECT_NE(check.out.find(line), std::string::npos) << "not printed: " << line << "\n"
                                                       << check.out;
    ++compared;
  }
  EXPECT_GT(compared, 10);
}

}  // namespace
