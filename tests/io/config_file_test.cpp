#include "io/config_file.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>

#include "core/error.h"
#include "support/fixtures.h"

namespace mlpscope {
namespace {

// The error message of parse_config(text), or "" when it is accepted.
std::string config_error_of(const std::string& text) {
  return testing::error_of([&] { (void)parse_config(text, "run.toml"); });
}

TEST(ConfigFile, EveryValueKindBecomesTheStringAnOptionTakes) {
  const auto entries = parse_config(
      "data = \"spiral:n=200\"\nepochs = 3\nstandardize = true\nlr = 0.1\n"
      "hidden = [256, 128]\nnested = [[8], [4, 2]]\n",
      "run.toml");
  ASSERT_EQ(entries.size(), 6u);
  std::map<std::string, std::string> values;
  for (const auto& e : entries) values[e.key] = e.value;
  EXPECT_EQ(values["data"], "spiral:n=200");
  EXPECT_EQ(values["epochs"], "3");
  EXPECT_EQ(values["standardize"], "true");
  EXPECT_EQ(values["hidden"], "256,128");
  EXPECT_EQ(values["nested"], "8,4,2");
  // %.17g: the text reads back as the very double TOML held, though it is not "0.1".
  EXPECT_EQ(std::strtod(values["lr"].c_str(), nullptr), 0.1);
}

TEST(ConfigFile, EntriesKnowTheirLine) {
  const auto entries = parse_config("# comment\n\nlr = 0.5\n\nepochs = 2\n", "run.toml");
  ASSERT_EQ(entries.size(), 2u);
  for (const auto& e : entries) EXPECT_EQ(e.line, e.key == "lr" ? 3u : 5u) << e.key;
}

TEST(ConfigFile, MalformedTomlNamesTheFileAndLine) {
  const std::string message = config_error_of("lr = 0.05\nhidden = [8, 8\nepochs = 2\n");
  EXPECT_NE(message.find("config run.toml line 3"), std::string::npos) << message;
}

TEST(ConfigFile, ATableOrADateIsNotAnOptionValue) {
  for (const std::string text : {"[train]\nlr = 0.1\n", "when = 1979-05-27\n", "inline = {a = 1}\n",
                                 "list = [1, {a = 2}]\n"}) {
    const std::string message = config_error_of(text);
    EXPECT_NE(message.find("line 1, key '"), std::string::npos) << text << " → " << message;
    EXPECT_NE(message.find("expected a string, number, boolean or array"), std::string::npos)
        << message;
  }
}

TEST(ConfigFile, AMissingFileIsAnErrorWithoutALineNumber) {
  try {
    (void)read_config_file("/nonexistent/run.toml");
    FAIL() << "a missing file was read";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("config /nonexistent/run.toml"), std::string::npos) << message;
    EXPECT_EQ(message.find("line 0"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace mlpscope
