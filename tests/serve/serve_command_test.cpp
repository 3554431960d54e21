// `mlpscope serve` as a command: one line with the URL and a 128-bit token, the page and
// the API through it, Ctrl-C stops cleanly with status 0, bad options exit 2 with one line.
#include <gtest/gtest.h>

#include <regex>

#include "serve/server.h"
#include "serve_process.h"
#include "support/run_command.h"

// After the library's headers (serve/server.cpp says why).
#include <httplib.h>

namespace mlpscope {
namespace {

using testing::run_command;
using testing::ServeProcess;

TEST(ServeCommand, PrintsItsUrlServesAndStopsOnCtrlC) {
  ServeProcess serve;
  const std::regex line(R"(serving on http://127\.0\.0\.1:(\d+)/\?token=([0-9a-f]{32}))");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(serve.line(), m, line)) << serve.line() << serve.err();
  httplib::Client client("127.0.0.1", std::stoi(m[1]));
  const auto page = client.Get("/?token=" + m[2].str());
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  const auto runs = client.Get("/api/runs", {{"Authorization", "Bearer " + m[2].str()}});
  EXPECT_EQ(runs->status, 200);
  const auto run =
      client.Post("/api/runs", {{"Authorization", "Bearer " + m[2].str()}},
                  R"({"data": "spiral", "hidden": "8", "epochs": 1000000})", "application/json");
  EXPECT_EQ(run->status, 201);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(serve.interrupt(), 0);  // a run in the middle of training, stopped
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(serve.out(), serve.line() + "\n");  // one line, and only one
  EXPECT_NE(serve.err().find("stopped"), std::string::npos) << serve.err();
}

TEST(ServeCommand, EachStartDrawsAnotherToken) {
  ServeProcess a, b;
  EXPECT_NE(a.line().substr(a.line().find("token=")), b.line().substr(b.line().find("token=")));
}

TEST(ServeCommand, BadOptionsAreOneLineAndStatus2) {
  for (const auto& [argv, expected] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--port", "70000"}, "option --port: must be from 0 to 65535, got 70000"},
           {{"--max-runs", "x"}, "option --max-runs: "},
           {{"--data-dir", "/nonexistent/dir"}, "option --data-dir: not a directory"},
           {{"--host", "256.1.1.1"}, "cannot listen on 256.1.1.1"}}) {
    std::vector<std::string> command = {MLPSCOPE_BINARY, "serve"};
    command.insert(command.end(), argv.begin(), argv.end());
    const auto r = run_command(command);
    EXPECT_EQ(r.status, 2) << testing::describe(r);
    EXPECT_EQ(r.err.find("mlpscope: " + expected), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST(ServeCommand, APortInUseIsRefused) {
  serve::ServeOptions options;
  options.port = 0;
  serve::Server taken(options);
  const auto r = run_command({MLPSCOPE_BINARY, "serve", "--port", std::to_string(taken.port())});
  EXPECT_EQ(r.status, 2) << testing::describe(r);
  EXPECT_NE(r.err.find("cannot listen on 127.0.0.1:" + std::to_string(taken.port())),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace mlpscope
