// mlpscope serve --watch DIR: a sweep's runs reach the event stream as they finish, after
// its grid, even when the sweep starts after the server; the server writes nothing there.
#include <gtest/gtest.h>

#include "serve_client.h"
#include "support/fixtures.h"
#include "support/run_command.h"

namespace mlpscope {
namespace {

using nlohmann::json;
using testing::ServeClient;
using testing::SseEvent;

class SweepWatchTest : public testing::TempDirTest {};

TEST_F(SweepWatchTest, WithoutWatchThereIsNoSweepStream) {
  serve::Server server(testing::test_options());
  server.start();
  ServeClient client(server);
  EXPECT_EQ(client.get("/api/sweep/events")->status, 404);
  EXPECT_TRUE(json::parse(client.get("/api/options")->body)["sweep"].is_null());
}

TEST_F(SweepWatchTest, RunsArriveAsTheSweepFinishesThem) {
  const std::filesystem::path out = dir_ / "sweep";
  serve::ServeOptions options = testing::test_options();
  options.watch = out;
  serve::Server server(options);
  server.start();
  ServeClient client(server);
  EXPECT_EQ(json::parse(client.get("/api/options")->body)["sweep"], out.string());

  std::vector<SseEvent> events;
  std::thread reader([&] {
    ServeClient watcher(server);
    std::string text;
    watcher.http().Get("/api/sweep/events", watcher.auth(), [&](const char* data, std::size_t n) {
      text.append(data, n);
      events = testing::parse_sse(text);
      return std::count_if(events.begin(), events.end(),
                           [](const SseEvent& e) { return e.name == "run"; }) < 4;
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  EXPECT_FALSE(std::filesystem::exists(out));  // watching writes nothing
  const auto sweep = testing::run_command({MLPSCOPE_BINARY, "sweep", "--data", "spiral:n=100",
                                           "--hidden", "4", "--epochs", "2", "--vary",
                                           "lr=0.01,0.1", "--seeds", "2", "--out", out.string()});
  ASSERT_EQ(sweep.status, 0) << testing::describe(sweep);
  reader.join();

  ASSERT_GE(events.size(), 5u);
  EXPECT_EQ(events.front().name, "grid");
  std::set<long long> indices;
  for (const SseEvent& e : events) {
    if (e.name != "run") continue;
    indices.insert(e.data["grid_index"].get<long long>());
    EXPECT_FALSE(e.data["verdict"].get<std::string>().empty());
    EXPECT_TRUE(e.data["options"]["lr"] == 0.01 || e.data["options"]["lr"] == 0.1);
  }
  EXPECT_EQ(indices.size(), 4u);
}

}  // namespace
}  // namespace mlpscope
