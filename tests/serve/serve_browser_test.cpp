// The serve page in headless Chromium, driven by puppeteer-core (tests/serve/
// browser_check.cjs): a 2-D run started from the form, paused and stopped, then the story
// compared by one click until both verdicts show. Screenshots land in the build folder's
// serve-screenshots/ (docs/serve.md shows them).
#include <gtest/gtest.h>

#include <filesystem>

#include "report/browser.h"
#include "serve_process.h"
#include "support/run_command.h"

namespace mlpscope {
namespace {

namespace fs = std::filesystem;

TEST(ServeBrowser, TheStoryRunsThroughThePage) {
  const auto chromium = find_chromium();
  if (!chromium) GTEST_SKIP() << "chromium is not installed (scripts/setup.sh installs it)";
  const fs::path build = fs::path(MLPSCOPE_BINARY).parent_path();
  const fs::path modules = build / "npm" / "node_modules";
  ASSERT_TRUE(fs::exists(modules / "puppeteer-core")) << "cmake installs it with npm ci";
  const fs::path shots = build / "serve-screenshots";
  fs::create_directories(shots);
  for (const char* name : {"serve-spiral.png", "serve-story.png"}) fs::remove(shots / name);

  testing::ServeProcess serve;
  ASSERT_NE(serve.line().find("http://"), std::string::npos) << serve.err();
  const auto r =
      testing::run_command({"/usr/bin/env", "NODE_PATH=" + modules.string(), "node",
                            std::string(MLPSCOPE_SOURCE_DIR) + "/tests/serve/browser_check.cjs",
                            serve.url(), *chromium, shots.string()});
  EXPECT_EQ(r.status, 0) << testing::describe(r);
  for (const char* name : {"serve-spiral.png", "serve-story.png"})
    EXPECT_TRUE(fs::exists(shots / name) && fs::file_size(shots / name) > 20000) << name;
  EXPECT_EQ(serve.interrupt(), 0) << serve.err();
}

}  // namespace
}  // namespace mlpscope
