#include "run/run_config.h"

#include <gtest/gtest.h>

#include <string>

#include "core/error.h"
#include "support/fixtures.h"

namespace mlpscope {
namespace {

std::string error_of(const OptionValues& values) {
  return testing::error_of([&] { (void)parse_run_config(values); });
}

// Found by fuzz/targets/run_options.cpp (fuzz/regressions/run_options/): a --data that is
// not UTF-8 passed parsing, then escaped as nlohmann::json's type_error when the options
// were written as JSON (a sweep's run keys, the summary), an internal error with exit 3.
TEST(RunConfig, FreeTextOptionsMustBeUtf8BecauseTheyAreRecordedAsJson) {
  for (const char* name : {"data", "test", "init-from"}) {
    const std::string message = error_of({{name, "csv:runs-\xFF.csv"}});
    EXPECT_TRUE(message.starts_with(std::string(name) + ": is not valid UTF-8")) << message;
  }
  const RunConfig config = parse_run_config({{"data", "csv:données-λ.csv"}});
  EXPECT_NE(config.to_json().dump().find("données-λ"), std::string::npos);  // UTF-8 is kept
}

}  // namespace
}  // namespace mlpscope
