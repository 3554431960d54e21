// `mlpscope toy` end to end: the built binary (MLPSCOPE_BINARY), its JSON, and its errors.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct Result {
  int status = -1;
  std::string out, err;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `mlpscope toy ARGS` (ARGS already quoted for the shell).
Result toy(const std::string& args) {
  const fs::path dir =
      fs::temp_directory_path() / ("mlpscope_toy_cli_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string command = std::string("'") + MLPSCOPE_BINARY + "' toy " + args + " >'" +
                              (dir / "out").string() + "' 2>'" + (dir / "err").string() + "'";
  const int raw = std::system(command.c_str());
  Result r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = slurp(dir / "out");
  r.err = slurp(dir / "err");
  fs::remove_all(dir);
  return r;
}

TEST(ToyCli, JsonHasTheDocumentedFields) {
  const Result r = toy("--json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("f"), "x^4");
  EXPECT_EQ(j.at("lr"), 0.01);
  EXPECT_EQ(j.at("x0"), 1.0);
  ASSERT_EQ(j.at("iterates").size(), 101u);
  EXPECT_EQ(j.at("iterates")[0], 1.0);
  EXPECT_DOUBLE_EQ(j.at("iterates")[1].get<double>(), 0.96);
  EXPECT_EQ(j.at("verdict"), "slow");  // x^4 near 0 shrinks like 1/sqrt(8·lr·k)
  EXPECT_FALSE(j.contains("boundary"));
  EXPECT_FALSE(j.contains("closed_form"));
}

TEST(ToyCli, ScanFindsTheClosedForm) {
  const Result r = toy("--scan --json --x0 8 --lr 0.02");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("verdict"), "diverged");  // 8 > 1/sqrt(0.04) = 5
  const double closed = j.at("closed_form").get<double>(), found = j.at("boundary").get<double>();
  EXPECT_DOUBLE_EQ(closed, 5.0);
  EXPECT_NEAR(found / closed, 1.0, 1e-6);
}

TEST(ToyCli, ScanWithoutAClosedFormGivesNulls) {
  const Result r = toy("--f x^2 --lr 0.3 --scan --json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j.at("boundary").is_null());
  EXPECT_TRUE(j.at("closed_form").is_null());
  EXPECT_EQ(j.at("verdict"), "converged");
}

TEST(ToyCli, TheBoundaryItselfOscillates) {
  const Result r = toy("--lr 0.125 --x0 2 --steps 4 --json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("iterates"), nlohmann::json({2.0, -2.0, 2.0, -2.0, 2.0}));
  EXPECT_EQ(j.at("verdict"), "oscillating");
}

TEST(ToyCli, HumanOutputShowsTheEndsOfALongSequence) {
  const Result r = toy("--x0 8 --scan");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("verdict  diverged"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("x0 = 8 is beyond 1/sqrt(2·lr) = 7.071"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("relative difference"), std::string::npos) << r.out;
  const Result slow = toy("--steps 200");
  EXPECT_NE(slow.out.find("     9  "), std::string::npos) << slow.out;
  EXPECT_EQ(slow.out.find("    10  "), std::string::npos) << slow.out;
  EXPECT_NE(slow.out.find("..."), std::string::npos) << slow.out;
  EXPECT_NE(slow.out.find("   196  "), std::string::npos) << slow.out;
  EXPECT_NE(slow.out.find("   200  "), std::string::npos) << slow.out;
  EXPECT_EQ(slow.out.find("   195  "), std::string::npos) << slow.out;
}

TEST(ToyCli, ConfigFileUnderTheCommandLine) {
  const fs::path config =
      fs::temp_directory_path() / ("mlpscope_toy_" + std::to_string(::getpid()) + ".toml");
  std::ofstream(config) << "f = \"x^2\"\nlr = 0.25\nx0 = 4\nsteps = 3\n";
  const Result r = toy("--config '" + config.string() + "' --x0 -4 --json");
  fs::remove(config);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("f"), "x^2");
  EXPECT_EQ(j.at("iterates"), nlohmann::json({-4.0, -2.0, -1.0, -0.5}));
}

TEST(ToyCli, BadInputIsOneLineAndExitTwo) {
  for (const char* args : {"--lr 0", "--lr -1", "--steps 0", "--steps 1e9", "--f 'x^3'", "--f sin",
                           "--x0 nan", "--x0 inf", "--steps many", "--nonsense 1"}) {
    SCOPED_TRACE(args);
    const Result r = toy(args);
    EXPECT_EQ(r.status, 2);
    EXPECT_TRUE(r.out.empty()) << r.out;
    ASSERT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;  // exactly one line
    EXPECT_EQ(r.err.rfind("mlpscope: ", 0), 0u) << r.err;
  }
}

}  // namespace
