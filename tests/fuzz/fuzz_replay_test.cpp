// Replays every seed (fuzz/corpus/TARGET/) and every input a fuzzer once crashed on
// (fuzz/regressions/TARGET/) through its fuzz target, in the ordinary build and under the
// sanitizers (make test-sanitize), so that a fixed parser bug stays fixed without clang or
// libFuzzer. Seeds are named for what the parser must do with them: ok-* are accepted,
// bad-* are refused with mlpscope::Error. Regression inputs only have to be survived: a
// crash, a sanitizer report or any exception other than mlpscope::Error fails the test.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/read_text.h"
#include "targets.h"

namespace fs = std::filesystem;

namespace {

const fs::path kFuzzDir = fs::path(MLPSCOPE_SOURCE_DIR) / "fuzz";

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().filename() != ".gitkeep")
      files.push_back(entry.path());
  return files;
}

class FuzzReplay : public ::testing::TestWithParam<mlpscope::fuzz::Target> {};

TEST_P(FuzzReplay, SeedsAreAcceptedOrRefusedAsNamed) {
  const auto target = GetParam();
  const std::vector<fs::path> seeds = files_in(kFuzzDir / "corpus" / target.name);
  int ok = 0, bad = 0;
  for (const fs::path& seed : seeds) {
    const std::string name = seed.filename().string();
    const std::string bytes = mlpscope::testing::read_text(seed.string());
    bool accepted = false;
    try {
      accepted = target.run(bytes);
    } catch (const std::exception& e) {
      ADD_FAILURE() << seed << ": escaped as " << typeid(e).name() << ": " << e.what();
      continue;
    }
    if (name.starts_with("ok-")) {
      ++ok;
      EXPECT_TRUE(accepted) << seed << " is a valid input and was refused";
    } else if (name.starts_with("bad-")) {
      ++bad;
      EXPECT_FALSE(accepted) << seed << " is a bad input and was accepted";
    } else {
      ADD_FAILURE() << seed << ": seed names start with ok- or bad-";
    }
  }
  // A target without a valid seed would fuzz from nothing; one without a bad seed has
  // nothing in the suite that shows its refusals work.
  EXPECT_GE(ok, 1) << target.name;
  EXPECT_GE(bad, 1) << target.name;
}

TEST_P(FuzzReplay, RegressionInputsAreSurvived) {
  const auto target = GetParam();
  for (const fs::path& input : files_in(kFuzzDir / "regressions" / target.name)) {
    const std::string bytes = mlpscope::testing::read_text(input.string());
    try {
      (void)target.run(bytes);
    } catch (const std::exception& e) {
      ADD_FAILURE() << input << ": escaped as " << typeid(e).name() << ": " << e.what();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplay,
                         ::testing::ValuesIn(mlpscope::fuzz::all_targets().begin(),
                                             mlpscope::fuzz::all_targets().end()),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
