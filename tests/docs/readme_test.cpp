// The README's library example is examples/xor.cpp, which ctest builds and runs
// (example.xor): this test keeps the two identical, so the README never shows code that
// does not compile or does not learn.
#include <gtest/gtest.h>

#include <string>

#include "support/read_text.h"

namespace {

using mlpscope::testing::read_text;

TEST(Readme, ShowsTheExampleVerbatim) {
  const std::string readme = read_text(MLPSCOPE_SOURCE_DIR "/README.md");
  const std::string example = read_text(MLPSCOPE_SOURCE_DIR "/examples/xor.cpp");
  ASSERT_FALSE(example.empty());
  EXPECT_NE(readme.find("```cpp\n" + example + "```"), std::string::npos)
      << "README.md's library example differs from examples/xor.cpp";
}

TEST(Readme, QuickStartIsExactlyTheTwoCommands) {
  const std::string readme = read_text(MLPSCOPE_SOURCE_DIR "/README.md");
  EXPECT_NE(readme.find("## Quick start\n\n```sh\nmake demo\nmake test\n```"), std::string::npos);
}

}  // namespace
