// A served run's event stream: records in order and equal to what the same run gives the
// library's own listeners, the verdict, the summary and the end; the decision boundary for
// 2-D data; pause, step and stop between two optimizer steps; Ctrl-C-like shutdown.
#include <gtest/gtest.h>

#include "run/run.h"
#include "run/run_log.h"
#include "serve_client.h"

namespace mlpscope {
namespace {

using nlohmann::json;
using testing::kSpiral;
using testing::ServeClient;
using testing::SseEvent;

// The records of the same run trained here, as the run log writes them.
class Collect final : public TrainObserver {
 public:
  void on_epoch(const EpochRecord& r) override { records.push_back(epoch_to_json(r)); }
  std::vector<json> records;
};

json without_seconds(json record) {
  record.erase("seconds");
  return record;
}

std::vector<const SseEvent*> named(const std::vector<SseEvent>& events, const std::string& name) {
  std::vector<const SseEvent*> out;
  for (const SseEvent& e : events)
    if (e.name == name) out.push_back(&e);
  return out;
}

class ServeEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<serve::Server>(testing::test_options());
    server_->start();
    client_ = std::make_unique<ServeClient>(*server_);
  }
  std::unique_ptr<serve::Server> server_;
  std::unique_ptr<ServeClient> client_;
};

TEST_F(ServeEventsTest, RecordsArriveInOrderAndMatchTheLibrarysRun) {
  const int id = client_->start_run(kSpiral);
  ASSERT_GT(id, 0);
  const std::vector<SseEvent> events = client_->events(id);
  // The published events, in order; frames (newest only) may come between them.
  std::vector<std::string> published;
  for (const SseEvent& e : events)
    if (e.name != "progress" && e.name != "verdict" && e.name != "boundary")
      published.push_back(e.name);
  ASSERT_GE(published.size(), 4u);
  EXPECT_EQ(published.front(), "state");
  EXPECT_EQ(events.back().name, "end");
  EXPECT_EQ(std::vector<std::string>(published.end() - 3, published.end()),
            (std::vector<std::string>{"summary", "state", "end"}));
  EXPECT_EQ(std::count(published.begin(), published.end(), "record"), 7);

  Collect expected;
  OptionValues values;
  for (const auto& [k, v] : kSpiral.items())
    values[k] = v.is_string() ? v.get<std::string>() : v.dump();
  const RunConfig config = parse_run_config(values);
  const PreparedData data = prepare_data(config);
  const RunResult result = run_training(config, data, &expected);

  const auto records = named(events, "record");
  ASSERT_EQ(records.size(), expected.records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i]->data["epoch"], static_cast<int>(i));
    EXPECT_EQ(without_seconds(records[i]->data), without_seconds(expected.records[i]));
  }
  const json& summary = named(events, "summary").front()->data;
  EXPECT_EQ(summary["verdict"], std::string(name(result.verdict.verdict)));
  EXPECT_EQ(summary["final_loss"], result.summary.final_loss);
  EXPECT_FALSE(named(events, "boundary").empty());  // spiral is 2-D
  const json& boundary = named(events, "boundary").back()->data;
  EXPECT_EQ(boundary["values"].size(),
            boundary["nx"].get<std::size_t>() * boundary["ny"].get<std::size_t>());
  EXPECT_FALSE(named(events, "verdict").empty());
  EXPECT_EQ(client_->summary(id)["state"], "finished");
}

TEST_F(ServeEventsTest, ALateReaderGetsEveryRecordFromTheFirst) {
  const int id = client_->start_run(kSpiral);
  ASSERT_TRUE(client_->wait_until(id, [](const json& s) { return s["state"] == "finished"; }));
  const std::vector<SseEvent> events = client_->events(id);
  const auto records = named(events, "record");
  ASSERT_EQ(records.size(), 7u);  // initialization and six epochs
  EXPECT_EQ(records.back()->data["epoch"], 6);
}

TEST_F(ServeEventsTest, PauseHoldsTheRunAndStepTakesExactlyTheStepsAsked) {
  json full_batch = kSpiral;  // one step per epoch: a record per step
  full_batch["batch"] = "full";
  full_batch["epochs"] = 100000;
  const int id = client_->start_run(full_batch);
  const std::string run = "/api/runs/" + std::to_string(id);
  ASSERT_EQ(client_->post(run + "/pause", json::object())->status, 200);
  ASSERT_TRUE(client_->wait_until(id, [](const json& s) { return s["state"] == "paused"; }));
  const int held = client_->summary(id)["record"]["epoch"];
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(client_->summary(id)["record"]["epoch"], held);

  ASSERT_EQ(client_->http().Post(run + "/step?steps=3", client_->auth(), "", "text/plain")->status,
            200);
  ASSERT_TRUE(
      client_->wait_until(id, [&](const json& s) { return s["record"]["epoch"] == held + 3; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(client_->summary(id)["record"]["epoch"], held + 3);
  EXPECT_EQ(client_->summary(id)["state"], "paused");
  EXPECT_EQ(client_->http().Post(run + "/step?steps=0", client_->auth(), "", "text/plain")->status,
            400);
  EXPECT_EQ(client_->http().Post(run + "/step?steps=x", client_->auth(), "", "text/plain")->status,
            400);

  ASSERT_EQ(client_->post(run + "/resume", json::object())->status, 200);
  ASSERT_TRUE(
      client_->wait_until(id, [&](const json& s) { return s["record"]["epoch"] > held + 10; }));
  ASSERT_EQ(client_->post(run + "/stop", json::object())->status, 200);
  const std::vector<SseEvent> events = client_->events(id);
  const json& summary = named(events, "summary").front()->data;
  EXPECT_TRUE(summary["interrupted"].get<bool>());
  EXPECT_EQ(client_->post(run + "/resume", json::object())->status, 409);
  // The stream said paused, then running again, in that order.
  std::vector<std::string> states;
  for (const SseEvent* e : named(events, "state")) states.push_back(e->data["state"]);
  EXPECT_EQ(states, (std::vector<std::string>{"running", "paused", "running", "finished"}));
}

TEST_F(ServeEventsTest, StoppingTheServerEndsRunsAndStreams) {
  json endless = kSpiral;
  endless["epochs"] = 1000000;
  const int id = client_->start_run(endless);
  ASSERT_GT(id, 0);
  std::thread reader([&] { (void)client_->events(id); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto start = std::chrono::steady_clock::now();
  server_->stop();
  reader.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace mlpscope
