// `mlpscope serve`: the HTTP skin over the library (docs/serve.md). It holds live runs
// (serve/live_run.h), answers the API with JSON and streams each run's events; the page
// and uPlot are compiled in (serve/page.h). The library below knows nothing of HTTP.
//
// API (every /api request needs the token: `Authorization: Bearer TOKEN` or the cookie the
// page sets from its ?token=; and a Host header naming this server):
//   GET  /api/options                the option tables: name, default, help
//   POST /api/runs                   a run from JSON options → 201 {"id": N}
//   GET  /api/runs                   every run's summary
//   GET  /api/runs/{id}              one run's summary
//   GET  /api/runs/{id}/events       Server-Sent Events (serve/live_run.h lists them)
//   POST /api/runs/{id}/pause|resume|stop, /step?steps=N
//   GET  /api/sweep/events           with --watch DIR: the sweep's runs as they finish
// Answers: 400 bad JSON or option (the CLI's line), 401 no or wrong token, 403 wrong Host
// or a file outside --data-dir, 404 no such run, 413 a body over 1 MiB, 429 more than
// --max-runs runs training at once.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace mlpscope::serve {

constexpr std::size_t kMaxBody = 1 << 20;

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8050;  // 0: any free port
  std::optional<std::filesystem::path> data_dir;
  std::optional<std::filesystem::path> out;    // each run's log as OUT/run-ID.jsonl
  std::optional<std::filesystem::path> watch;  // a sweep's --out (serve/sweep_watch.h)
  int max_runs = 0;                            // 0: one per core
  std::string token;                           // empty: a fresh random one
  int http_threads = 64;                       // open event streams each hold one
};

class Server {
 public:
  // Binds the socket (Error when it cannot), but serves only after start().
  explicit Server(ServeOptions options);
  ~Server();  // stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void start();  // serves in a thread of its own
  // Stops every run, ends every event stream, closes the socket; idempotent.
  void stop();

  int port() const;
  const std::string& token() const;
  // http://HOST:PORT/?token=TOKEN: the page, logged in.
  std::string url() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace mlpscope::serve
