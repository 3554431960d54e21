// mlpscope serve's API against a started server: the token, the Host check, every error
// code, the events of a run in order and equal to the run log's records, pause and step.
#include <gtest/gtest.h>

#include <fstream>

#include "run/run.h"
#include "run/run_log.h"
#include "serve_client.h"
#include "support/fixtures.h"

namespace mlpscope {
namespace {

using nlohmann::json;
using testing::kSpiral;
using testing::ServeClient;

class ServeTest : public testing::TempDirTest {
 protected:
  void start(serve::ServeOptions options = testing::test_options()) {
    server_ = std::make_unique<serve::Server>(std::move(options));
    server_->start();
    client_ = std::make_unique<ServeClient>(*server_);
  }
  std::string error_of(const httplib::Result& r) {
    return r ? json::parse(r->body).value("error", "") : "no answer";
  }
  std::unique_ptr<serve::Server> server_;
  std::unique_ptr<ServeClient> client_;
};

TEST_F(ServeTest, EveryApiCallNeedsTheToken) {
  start();
  httplib::Client& http = client_->http();
  EXPECT_EQ(http.Get("/api/runs")->status, 401);
  EXPECT_EQ(http.Get("/api/runs", {{"Authorization", "Bearer 0123"}})->status, 401);
  EXPECT_EQ(http.Post("/api/runs", kSpiral.dump(), "application/json")->status, 401);
  EXPECT_EQ(http.Get("/api/runs/1/events")->status, 401);
  EXPECT_EQ(http.Get("/api/runs", client_->auth())->status, 200);
  EXPECT_EQ(http.Get("/api/runs", {{"Cookie", "a=b; mlpscope_token=" + client_->token()}})->status,
            200);
  EXPECT_EQ(client_->token().size(), 32u);  // 128 bits in hex
}

TEST_F(ServeTest, ThePageSetsTheTokenCookieFromItsUrl) {
  start();
  const auto page = client_->http().Get("/?token=" + client_->token());
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("<html"), std::string::npos);
  EXPECT_EQ(page->get_header_value("Set-Cookie"),
            "mlpscope_token=" + client_->token() + "; Path=/; HttpOnly; SameSite=Strict");
  EXPECT_FALSE(client_->http().Get("/?token=wrong")->has_header("Set-Cookie"));
  const auto uplot = client_->http().Get("/uplot.js");
  EXPECT_GT(uplot->body.size(), 10000u);  // uPlot itself, compiled in
}

TEST_F(ServeTest, AHostHeaderNotNamingTheServerIsForbidden) {
  start();
  const std::string port = std::to_string(client_->port());
  httplib::Headers rebound = client_->auth();
  rebound.emplace("Host", "evil.example:" + port);
  EXPECT_EQ(client_->http().Get("/api/runs", rebound)->status, 403);
  EXPECT_EQ(client_->http().Get("/", {{"Host", "evil.example:" + port}})->status, 403);
  httplib::Headers local = client_->auth();
  local.emplace("Host", "localhost:" + port);
  EXPECT_EQ(client_->http().Get("/api/runs", local)->status, 200);
}

TEST_F(ServeTest, BadBodiesAreRefusedWithTheCommandLinesMessage) {
  start();
  auto post = [&](const std::string& body) {
    return client_->http().Post("/api/runs", client_->auth(), body, "application/json");
  };
  auto r = post("{\"lr\": 0}");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(error_of(r), "option --lr: must be positive, got 0");
  r = post("{\"hidden\": \"16,x\"}");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(error_of(r).rfind("option --hidden: ", 0), 0u) << error_of(r);
  r = post("{\"learning-rate\": 0.1}");
  EXPECT_EQ(r->status, 400);
  EXPECT_MESSAGE_HAS(error_of(r), "option --learning-rate: not an option of a run");
  r = post("{\"lr\": ");
  EXPECT_EQ(r->status, 400);
  EXPECT_MESSAGE_HAS(error_of(r), "not JSON");
  r = post("[1, 2]");
  EXPECT_EQ(r->status, 400);
  r = post("{\"hidden\": {\"a\": 1}}");
  EXPECT_EQ(r->status, 400);
  r = post("{\"data\": \"nosuchset\"}");
  EXPECT_EQ(r->status, 400);
  EXPECT_MESSAGE_HAS(error_of(r), "nosuchset");
  r = post(std::string(serve::kMaxBody + 1, ' '));
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(client_->get("/api/runs")->body, "[]");  // nothing was started
}

TEST_F(ServeTest, FilesAreReadOnlyUnderTheDataDir) {
  std::ofstream(dir_ / "tiny.csv") << "x,y,label\n0,0,0\n1,1,1\n0,1,1\n1,0,0\n";
  serve::ServeOptions options = testing::test_options();
  options.data_dir = dir_;
  start(options);
  const json outside = {{"data", "csv:../outside.csv"}, {"epochs", 1}};
  EXPECT_EQ(client_->post("/api/runs", outside)->status, 403);
  EXPECT_EQ(client_->post("/api/runs", {{"data", "csv:/etc/passwd"}})->status, 403);
  EXPECT_EQ(client_->post("/api/runs", {{"init-from", "../w.json"}})->status, 403);
  const int id = client_->start_run({{"data", "csv:tiny.csv"}, {"hidden", "4"}, {"epochs", 2}});
  ASSERT_GT(id, 0);
  EXPECT_TRUE(client_->wait_until(id, [](const json& s) { return s["state"] == "finished"; }));
}

TEST_F(ServeTest, WithoutADataDirNoFileIsRead) {
  start();
  const auto r = client_->post("/api/runs", {{"data", "csv:tiny.csv"}});
  EXPECT_EQ(r->status, 403);
  EXPECT_MESSAGE_HAS(error_of(r), "--data-dir");
}

TEST_F(ServeTest, UnknownRunsAre404) {
  start();
  EXPECT_EQ(client_->get("/api/runs/7")->status, 404);
  EXPECT_EQ(client_->get("/api/runs/7/events")->status, 404);
  EXPECT_EQ(client_->post("/api/runs/7/pause", json::object())->status, 404);
  EXPECT_EQ(client_->get("/api/nothing")->status, 404);
}

TEST_F(ServeTest, MoreRunsThanMaxRunsAre429) {
  serve::ServeOptions options = testing::test_options();
  options.max_runs = 1;
  start(options);
  json slow = kSpiral;
  slow["epochs"] = 100000;
  const int first = client_->start_run(slow);
  ASSERT_GT(first, 0);
  const auto r = client_->post("/api/runs", kSpiral);
  EXPECT_EQ(r->status, 429);
  EXPECT_MESSAGE_HAS(error_of(r), "--max-runs 1");
  EXPECT_EQ(client_->post("/api/runs/" + std::to_string(first) + "/stop", json::object())->status,
            200);
  ASSERT_TRUE(client_->wait_until(first, [](const json& s) { return s["state"] == "finished"; }));
  EXPECT_GT(client_->start_run(kSpiral), first);
}

TEST_F(ServeTest, OnlyTheLast32FinishedRunsAreKept) {
  start();
  int last = 0;
  for (int i = 0; i < 34; ++i) {
    last = client_->start_run({{"data", "spiral:n=20"}, {"hidden", "2"}, {"epochs", 1}});
    ASSERT_TRUE(client_->wait_until(last, [](const json& s) { return s["state"] == "finished"; }));
  }
  EXPECT_EQ(json::parse(client_->get("/api/runs")->body).size(), 32u);
  EXPECT_EQ(client_->get("/api/runs/1")->status, 404);
  EXPECT_EQ(client_->get("/api/runs/3")->status, 200);
  EXPECT_EQ(client_->summary(last)["id"], 34);
}

}  // namespace
}  // namespace mlpscope
