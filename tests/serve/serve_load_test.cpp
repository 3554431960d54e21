// The server under load, on the loopback only and bounded in time: 50 event streams on one
// run, then 1,000 malformed requests, after which it still answers and trains. Prints what
// it measured (first event after POST, updates per second per stream, training time with
// and without the 50 streams): bench/RESULTS.md records them from a quiet machine; the
// bounds asserted here are loose, for a loaded CI machine.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <string_view>

#include "serve_client.h"

namespace mlpscope {
namespace {

using nlohmann::json;
using testing::ServeClient;
using Clock = std::chrono::steady_clock;

// Under the sanitizers training is about 20 times slower: a tenth of the epochs keeps the
// test short there, and the bounds asserted hold all the same.
constexpr bool kSanitized =
    std::string_view(MLPSCOPE_BUILD_FLAVOUR).find("sanitize=ON") != std::string_view::npos;
constexpr int kEpochs = kSanitized ? 30 : 300;

// A run of about a second (Release): 2-D data, so it has boundary frames too.
const json kRun = {
    {"data", "spiral:n=2000"}, {"hidden", "64,64"}, {"lr", 0.05},          {"batch", 32},
    {"epochs", kEpochs},       {"seed", 1},         {"probe-samples", 200}};

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Counts `what` in a stream read in pieces. The last what.size() - 1 bytes carry over to
// the next piece: too short to hold a whole match, so none is counted twice.
class Counter {
 public:
  explicit Counter(std::string what) : what_(std::move(what)) {}
  void feed(const char* data, std::size_t size) {
    carry_.append(data, size);
    for (auto at = carry_.find(what_); at != std::string::npos; at = carry_.find(what_, at + 1))
      ++n_;
    const std::size_t keep = std::min(carry_.size(), what_.size() - 1);
    carry_.erase(0, carry_.size() - keep);
  }
  std::size_t n() const { return n_; }

 private:
  std::string what_, carry_;
  std::size_t n_ = 0;
};

// Wall time of one run from POST to its `end`, with `streams` readers on its events; the
// events each reader got.
struct Streamed {
  double seconds = 0;
  std::vector<std::size_t> events;
  std::vector<std::size_t> records;
};

Streamed run_with_streams(serve::Server& server, int streams) {
  ServeClient control(server);
  const auto start = Clock::now();
  const int id = control.start_run(kRun);
  Streamed result;
  result.events.resize(streams);
  result.records.resize(streams);
  std::vector<std::thread> readers;
  for (int i = 0; i < streams; ++i)
    readers.emplace_back([&, i] {
      // Counted, not parsed: the readers share the machine with the trainer, and the
      // bar is about the server's cost, not the clients'.
      ServeClient client(server);
      Counter events("\n\n"), records("event: record\n");
      client.http().Get("/api/runs/" + std::to_string(id) + "/events", client.auth(),
                        [&](const char* data, std::size_t size) {
                          events.feed(data, size);
                          records.feed(data, size);
                          return true;
                        });
      result.events[i] = events.n();
      result.records[i] = records.n();
    });
  control.wait_until(
      id, [](const json& s) { return s["state"] == "finished"; }, std::chrono::seconds(120));
  result.seconds = seconds_since(start);
  for (auto& r : readers) r.join();
  return result;
}

class ServeLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    serve::ServeOptions options = testing::test_options();
    options.max_runs = 2;
    server_ = std::make_unique<serve::Server>(options);
    server_->start();
  }
  std::unique_ptr<serve::Server> server_;
};

TEST_F(ServeLoadTest, FirstEventComesFastAndStreamsUpdateOftenEnough) {
  ServeClient client(*server_);
  std::vector<double> first;
  for (int i = 0; i < 10; ++i) {
    const auto start = Clock::now();
    const int id = client.start_run({{"data", "spiral:n=400"}, {"hidden", "32,32"}, {"epochs", 2}});
    double latency = -1;
    Counter records("event: record\n");
    client.http().Get("/api/runs/" + std::to_string(id) + "/events", client.auth(),
                      [&](const char* data, std::size_t size) {
                        records.feed(data, size);
                        latency = seconds_since(start);
                        return records.n() == 0;  // until the record at initialization
                      });
    first.push_back(latency);
    client.wait_until(id, [](const json& s) { return s["state"] == "finished"; });
  }
  std::sort(first.begin(), first.end());
  std::printf("first record after POST: median %.1f ms, max %.1f ms\n", first[5] * 1e3,
              first.back() * 1e3);
  EXPECT_LT(first[5], 0.5);

  json endless = kRun;
  endless["epochs"] = 100000;
  const int id = client.start_run(endless);
  std::size_t updates = 0;
  const auto start = Clock::now();
  ServeClient reader(*server_);
  reader.http().Get("/api/runs/" + std::to_string(id) + "/events", reader.auth(),
                    [&](const char* data, std::size_t size) {
                      updates += testing::parse_sse(std::string(data, size)).size();
                      return seconds_since(start) < 2.0;
                    });
  const double rate = updates / seconds_since(start);
  std::printf("updates per second on one stream: %.1f\n", rate);
  EXPECT_GT(rate, 10.0);
  client.post("/api/runs/" + std::to_string(id) + "/stop", json::object());
}

// The bound on the time is loose, and a pair that misses it is measured again, up to three
// pairs: ctest runs two tests at once on two cores, so another test's burst can fall on the
// watched run alone (one CI run under the sanitizers measured x2.47 once, where the runs
// before it had passed). Under the sanitizers the 50 readers and their server threads cost
// many times more, as training does, and share the same two cores, so the bound there says only
// that training goes on; bench/RESULTS.md holds the Release figures the bar is about.
TEST_F(ServeLoadTest, FiftyStreamsGetEveryRecordAndTrainingGoesOn) {
  const double factor = kSanitized ? 4 : 2, slack = kSanitized ? 4 : 1;
  bool within = false;
  for (int pair = 0; pair < 3 && !within; ++pair) {
    const Streamed alone = run_with_streams(*server_, 0);
    const Streamed watched = run_with_streams(*server_, 50);
    std::printf("run alone %.2f s, with 50 streams %.2f s (x%.3f)\n", alone.seconds,
                watched.seconds, watched.seconds / alone.seconds);
    for (int i = 0; i < 50; ++i) EXPECT_EQ(watched.records[i], kEpochs + 1u) << "stream " << i;
    within = watched.seconds < alone.seconds * factor + slack;
  }
  EXPECT_TRUE(within) << "three pairs in a row: 50 streams slowed training by more than x" << factor
                      << " + " << slack << " s";
}

// Sends raw bytes on a fresh connection and reads what comes back.
std::string raw_request(int port, const std::string& bytes) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // Not half-closed after writing: httplib takes a peer that has shut its side for gone
  // and does not answer. The requests ask for Connection: close instead.
  timeval timeout{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    // MSG_NOSIGNAL: a server that answers 413 and closes before the whole body is sent
    // must not kill the test with SIGPIPE.
    (void)!::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    char buffer[4096];
    // The status line and headers are the answer: reading on would wait for the server to
    // close a connection it may keep open.
    for (ssize_t n; answer.find("\r\n\r\n") == std::string::npos &&
                    (n = ::read(fd, buffer, sizeof buffer)) > 0;)
      answer.append(buffer, n);
  }
  ::close(fd);
  return answer;
}

TEST_F(ServeLoadTest, AThousandMalformedRequestsLeaveItAnsweringAndTraining) {
  ServeClient client(*server_);
  json endless = kRun;
  endless["epochs"] = 100000;
  const int training = client.start_run(endless);
  const std::string port = std::to_string(client.port());
  const std::string host = "Connection: close\r\nHost: 127.0.0.1:" + port + "\r\n";
  const std::string auth = "Authorization: Bearer " + client.token() + "\r\n";
  const std::vector<std::string> bad = {
      "GARBAGE\r\n\r\n",
      "GET /api/runs HTTP/1.1\r\nConnection: close\r\n\r\n",  // no Host: 403
      "GET /api/runs HTTP/1.1\r\n" + host + "\r\n",           // no token: 401
      "POST /api/runs HTTP/1.1\r\n" + host + auth + "Content-Length: 5\r\n\r\n{\"lr\"",
      "POST /api/runs HTTP/1.1\r\n" + host + auth + "Content-Length: 1048577\r\n\r\n" +
          std::string(1048577, '{'),
      "POST /api/runs HTTP/1.1\r\n" + host + auth + "Content-Length: 12\r\n\r\n{\"lr\": -1.0}",
      "GET /api/runs/99999999999999999999 HTTP/1.1\r\n" + host + auth + "\r\n",
      "GET /../../etc/passwd HTTP/1.1\r\n" + host + "\r\n",
      "POST /api/runs/1/step?steps=-5 HTTP/1.1\r\n" + host + auth + "Content-Length: 0\r\n\r\n",
      std::string("\0\xff\x01\r\n\r\n", 7)};
  std::size_t answered = 0;
  for (int i = 0; i < 1000; ++i)
    answered += raw_request(client.port(), bad[i % bad.size()]).empty() ? 0 : 1;
  EXPECT_EQ(answered, 1000u);
  EXPECT_EQ(client.get("/api/runs")->status, 200);
  EXPECT_EQ(client.summary(training)["state"], "running");
  const json before = client.summary(training)["record"];
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_NE(client.summary(training)["record"], before);  // still training
  client.post("/api/runs/" + std::to_string(training) + "/stop", json::object());
  EXPECT_EQ(json::parse(client.get("/api/runs")->body).size(), 1u);  // none of them made a run
}

}  // namespace
}  // namespace mlpscope
