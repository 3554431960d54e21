// A started server and a client for it, shared by the serve tests: the server on a free
// loopback port in this process, requests with or without its token, and a reader of
// Server-Sent Events.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/types.h"
#include "serve/server.h"

// After Eigen (core/types.h), for clang: serve/server.cpp says why.
#include <httplib.h>

namespace mlpscope::testing {

struct SseEvent {
  std::string name;
  nlohmann::json data;
};

// Splits SSE text into events (comments and partial events left out).
inline std::vector<SseEvent> parse_sse(const std::string& text) {
  std::vector<SseEvent> events;
  std::size_t start = 0, end;
  while ((end = text.find("\n\n", start)) != std::string::npos) {
    const std::string block = text.substr(start, end - start);
    start = end + 2;
    SseEvent e;
    std::size_t line_start = 0;
    while (line_start < block.size()) {
      std::size_t line_end = block.find('\n', line_start);
      if (line_end == std::string::npos) line_end = block.size();
      const std::string line = block.substr(line_start, line_end - line_start);
      if (line.starts_with("event: ")) e.name = line.substr(7);
      if (line.starts_with("data: ")) e.data = nlohmann::json::parse(line.substr(6));
      line_start = line_end + 1;
    }
    if (!e.name.empty()) events.push_back(std::move(e));
  }
  return events;
}

class ServeClient {
 public:
  explicit ServeClient(serve::Server& server)
      : port_(server.port()), token_(server.token()), http_("127.0.0.1", port_) {
    http_.set_read_timeout(std::chrono::seconds(30));
  }

  httplib::Headers auth() const { return {{"Authorization", "Bearer " + token_}}; }
  httplib::Result get(const std::string& path) { return http_.Get(path, auth()); }
  httplib::Result post(const std::string& path, const nlohmann::json& body) {
    return http_.Post(path, auth(), body.dump(), "application/json");
  }
  int start_run(const nlohmann::json& options) {
    const httplib::Result r = post("/api/runs", options);
    if (!r || r->status != 201) return -1;
    return nlohmann::json::parse(r->body).at("id").get<int>();
  }
  nlohmann::json summary(int id) {
    const httplib::Result r = get("/api/runs/" + std::to_string(id));
    return r && r->status == 200 ? nlohmann::json::parse(r->body) : nlohmann::json();
  }
  // Polls the run's summary until `done` holds (false after `timeout`).
  template <class F>
  bool wait_until(int id, F done, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done(summary(id))) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }
  // Every event of the run's stream, read to its end.
  std::vector<SseEvent> events(int id) {
    std::string text;
    http_.Get("/api/runs/" + std::to_string(id) + "/events", auth(),
              [&](const char* data, std::size_t size) {
                text.append(data, size);
                return true;
              });
    return parse_sse(text);
  }
  httplib::Client& http() { return http_; }
  const std::string& token() const { return token_; }
  int port() const { return port_; }

 private:
  int port_;
  std::string token_;
  httplib::Client http_;
};

// A run of a few milliseconds: 2-D, so with boundary frames; 7 records.
inline const nlohmann::json kSpiral = {{"data", "spiral:n=200"},
                                       {"hidden", "16"},
                                       {"lr", 0.1},
                                       {"batch", 16},
                                       {"epochs", 6},
                                       {"seed", 3}};

inline serve::ServeOptions test_options() {
  serve::ServeOptions o;
  o.port = 0;
  o.max_runs = 4;
  return o;
}

}  // namespace mlpscope::testing
