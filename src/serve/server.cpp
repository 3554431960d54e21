#include "serve/server.h"

#include <charconv>
#include <map>
#include <mutex>
#include <new>
#include <thread>

#include "core/error.h"
#include "core/threads.h"
#include "run/run_config.h"
#include "run/watch_config.h"
#include "serve/data_dir.h"
#include "serve/http_answer.h"
#include "serve/live_run.h"
#include "serve/page.h"
#include "serve/run_request.h"
#include "serve/security.h"
#include "serve/sweep_watch.h"

// After the library's headers: OpenSSL's, which httplib includes, confuse clang's reading
// of Eigen's product kernels when they come first.
#include <httplib.h>

namespace mlpscope::serve {

namespace {

using Json = nlohmann::json;
constexpr std::size_t kKeptRuns = 32;  // finished runs kept, with their events

Json option_rows(std::span<const OptionInfo> table) {
  Json rows = Json::array();
  for (const OptionInfo& row : table)
    rows.push_back({{"name", row.name}, {"default", row.default_value}, {"help", row.help}});
  return rows;
}

}  // namespace

struct Server::Impl {
  ServeOptions options;
  httplib::Server http;
  std::thread listener;
  std::mutex runs_mutex, create_mutex;
  std::map<int, std::shared_ptr<LiveRun>> runs;
  std::unique_ptr<SweepWatch> sweep;
  int next_id = 1;
  std::atomic<bool> stopping{false};
  bool stopped = false;

  explicit Impl(ServeOptions o);
  void bind();
  void routes();
  bool admitted(const httplib::Request& req, httplib::Response& res) const;
  std::shared_ptr<LiveRun> find(const httplib::Request& req, httplib::Response& res);
  void create_run(const httplib::Request& req, httplib::Response& res);
  void control(const httplib::Request& req, httplib::Response& res);
  void stream(const httplib::Request& req, httplib::Response& res);
  void stream_events(httplib::Response& res, std::shared_ptr<void> owner, EventStream& events);
  void serve_page(const httplib::Request& req, httplib::Response& res) const;
  Json list_runs();
  void forget_old_runs();  // under runs_mutex
};

Server::Impl::Impl(ServeOptions o) : options(std::move(o)) {
  if (options.token.empty()) options.token = random_token();
  if (options.max_runs <= 0) options.max_runs = usable_cores();
  if (options.out) {
    std::error_code ec;
    std::filesystem::create_directories(*options.out, ec);
    if (ec) throw Error("cannot create --out " + options.out->string() + ": " + ec.message());
  }
  if (options.watch) sweep = std::make_unique<SweepWatch>(*options.watch);
  const int threads = options.http_threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, with which a second server
  // (ours or anyone's) binds the same port and silently takes half the connections.
  http.set_socket_options([](int sock) {
    const int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  http.set_payload_max_length(kMaxBody);
  http.set_keep_alive_timeout(2);
  routes();
  bind();
}

void Server::Impl::bind() {
  const int port = options.port == 0
                       ? http.bind_to_any_port(options.host)
                       : (http.bind_to_port(options.host, options.port) ? options.port : -1);
  if (port < 0) {
    std::string message = "cannot listen on ";
    message += options.host;
    message += ':';
    message += std::to_string(options.port);
    message += " (in use? try another --port, or --port 0 for any free one)";
    throw Error(message);
  }
  options.port = port;
}

// Every request: the Host header first (DNS rebinding), then the token on /api.
bool Server::Impl::admitted(const httplib::Request& req, httplib::Response& res) const {
  if (!host_allowed(req.get_header_value("Host"), options.host, options.port)) {
    refuse(res, 403, "the Host header does not name this server (DNS rebinding?)");
    return false;
  }
  if (!req.path.starts_with("/api/")) return true;
  const std::string token =
      request_token(req.get_header_value("Authorization"), req.get_header_value("Cookie"));
  if (!same_token(token, options.token)) {
    refuse(res, 401, "a token is needed: open the URL `mlpscope serve` printed");
    return false;
  }
  return true;
}

void Server::Impl::routes() {
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    return admitted(req, res) ? httplib::Server::HandlerResponse::Unhandled
                              : httplib::Server::HandlerResponse::Handled;
  });
  // Answers httplib makes itself (404 of an unknown path, 413 of a large body) as JSON too.
  http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    refuse(res, res.status, res.status == 413 ? "the body is over 1 MiB" : "refused");
  });
  http.Get("/api/options", guarded([this](const httplib::Request&, httplib::Response& res) {
             answer(res, 200,
                    {{"run", option_rows(run_options())},
                     {"watch", option_rows(watch_options(true))},
                     {"sweep", options.watch ? Json(options.watch->string()) : Json(nullptr)}});
           }));
  http.Post("/api/runs", guarded([this](const auto& req, auto& res) { create_run(req, res); }));
  http.Get("/api/runs", guarded([this](const auto&, auto& res) { answer(res, 200, list_runs()); }));
  http.Get(R"(/api/runs/(\d+))", guarded([this](const auto& req, auto& res) {
             if (const auto run = find(req, res)) answer(res, 200, run->summary());
           }));
  http.Get(R"(/api/runs/(\d+)/events)",
           guarded([this](const auto& req, auto& res) { stream(req, res); }));
  http.Get("/api/sweep/events", guarded([this](const auto&, auto& res) {
             if (!sweep) return refuse(res, 404, "not watching a sweep: start with --watch DIR");
             // The watch lives until stop(), which ends its stream before the threads are joined.
             stream_events(res, nullptr, sweep->events());
           }));
  http.Post(R"(/api/runs/(\d+)/(pause|resume|step|stop))",
            guarded([this](const auto& req, auto& res) { control(req, res); }));
  http.Get(R"(/[a-z./]*)", [this](const auto& req, auto& res) { serve_page(req, res); });
}

std::shared_ptr<LiveRun> Server::Impl::find(const httplib::Request& req, httplib::Response& res) {
  int id = 0;
  const std::string text = req.matches[1];
  std::from_chars(text.data(), text.data() + text.size(), id);
  const std::lock_guard lock(runs_mutex);
  const auto it = runs.find(id);
  if (it != runs.end()) return it->second;
  std::string message = "no run ";
  message += text;
  refuse(res, 404, message);
  return nullptr;
}

// Finished runs keep their events for late readers; beyond kKeptRuns the oldest go (a
// stream still reading one keeps it alive until it ends).
void Server::Impl::forget_old_runs() {
  std::size_t ended = 0;
  for (const auto& [id, run] : runs) ended += run->active() ? 0 : 1;
  for (auto it = runs.begin(); it != runs.end() && ended >= kKeptRuns;) {
    if (it->second->active()) {
      ++it;
      continue;
    }
    it = runs.erase(it);
    --ended;
  }
}

Json Server::Impl::list_runs() {
  Json list = Json::array();
  const std::lock_guard lock(runs_mutex);
  for (const auto& [id, run] : runs) list.push_back(run->summary());
  return list;
}

void Server::Impl::create_run(const httplib::Request& req, httplib::Response& res) {
  // One creation at a time, so that two requests cannot both take the last free slot.
  const std::lock_guard creating(create_mutex);
  int active = 0, id = 0;
  {
    const std::lock_guard lock(runs_mutex);
    for (const auto& [unused, run] : runs) active += run->active() ? 1 : 0;
    id = next_id;
  }
  if (active >= options.max_runs) {
    std::string message = "already ";
    message += std::to_string(active) + " runs training (--max-runs " +
               std::to_string(options.max_runs) + "): stop one first";
    return refuse(res, 429, message);
  }
  RunRequest request = parse_run_request(req.body, options.data_dir);
  std::string log;
  if (options.out) {
    std::string file = "run-";
    file += std::to_string(id) + ".jsonl";
    log = (*options.out / file).string();
  }
  auto run = std::make_shared<LiveRun>(id, std::move(request), log);
  {
    const std::lock_guard lock(runs_mutex);
    forget_old_runs();
    runs[id] = run;
    ++next_id;
  }
  answer(res, 201, {{"id", id}});
}

void Server::Impl::control(const httplib::Request& req, httplib::Response& res) {
  const auto run = find(req, res);
  if (!run) return;
  if (!run->active()) return refuse(res, 409, "the run has ended");
  const std::string action = req.matches[2];
  if (action == "pause") run->pause();
  if (action == "resume") run->resume();
  if (action == "stop") run->stop();
  if (action == "step") {
    long long steps = 1;
    if (req.has_param("steps")) {
      const std::string text = req.get_param_value("steps");
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), steps);
      if (ec != std::errc() || end != text.data() + text.size() || steps < 1 || steps > 1000000000)
        return refuse(res, 400, "steps: must be a whole number from 1 to 1e9");
    }
    run->step(steps);
  }
  answer(res, 200, run->summary());
}

void Server::Impl::stream(const httplib::Request& req, httplib::Response& res) {
  if (const auto run = find(req, res)) stream_events(res, run, run->events());
}

// The events from the first, then as they come, until the stream ends or the client goes;
// a comment line every few seconds finds a client that has gone. `owner` keeps the events
// alive while they are read.
void Server::Impl::stream_events(httplib::Response& res, std::shared_ptr<void> owner,
                                 EventStream& events) {
  res.set_header("Cache-Control", "no-cache");
  auto cursor = std::make_shared<EventStream::Cursor>();
  res.set_chunked_content_provider(
      "text/event-stream", [this, owner, &events, cursor](std::size_t, httplib::DataSink& sink) {
        bool ended = false;
        std::string text = events.read(*cursor, std::chrono::seconds(3), ended);
        if (text.empty() && !ended) text = ": waiting\n\n";
        if (!text.empty() && !sink.write(text.data(), text.size())) return false;
        if (ended || stopping) sink.done();
        return true;
      });
}

void Server::Impl::serve_page(const httplib::Request& req, httplib::Response& res) const {
  const PageFile* file = page_file(req.path);
  if (!file) return refuse(res, 404, "no such page");
  // The page opened from the printed URL keeps the token as a cookie for its own requests
  // (an EventSource cannot set headers); SameSite=Strict keeps other sites' pages from
  // sending it.
  if (req.has_param("token") && same_token(req.get_param_value("token"), options.token))
    res.set_header("Set-Cookie",
                   "mlpscope_token=" + options.token + "; Path=/; HttpOnly; SameSite=Strict");
  res.set_header("Cache-Control", "no-store");
  res.set_content(std::string(file->bytes), std::string(file->content_type));
}

Server::Server(ServeOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Server::~Server() { stop(); }

void Server::start() {
  auto returned = std::make_shared<std::atomic<bool>>(false);
  impl_->listener = std::thread([this, returned] {
    impl_->http.listen_after_bind();
    *returned = true;
  });
  // Answering from the moment start() returns: a client may connect at once.
  while (!impl_->http.is_running() && !*returned)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (*returned) throw Error("the server stopped as it started");
}

void Server::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->stopping = true;
  {
    const std::lock_guard lock(impl_->runs_mutex);
    for (auto& [id, run] : impl_->runs) run->stop();
  }
  if (impl_->sweep) impl_->sweep->stop();
  impl_->http.stop();
  if (impl_->listener.joinable()) impl_->listener.join();
  const std::lock_guard lock(impl_->runs_mutex);
  impl_->runs.clear();  // each joins its worker
}

int Server::port() const { return impl_->options.port; }
const std::string& Server::token() const { return impl_->options.token; }

std::string Server::url() const {
  std::string url = "http://";
  const std::string& host = impl_->options.host;
  const bool ipv6 = host.find(':') != std::string::npos;
  if (ipv6) url += '[';
  url += host;
  if (ipv6) url += ']';
  url += ':';
  url += std::to_string(port()) + "/?token=" + token();
  return url;
}

}  // namespace mlpscope::serve
