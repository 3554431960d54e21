#include "serve/live_run.h"

#include "core/error.h"
#include "report/decision_boundary.h"
#include "run/memory.h"

namespace mlpscope::serve {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kProgressEvery = std::chrono::milliseconds(40);   // 25 updates/s
constexpr auto kSnapshotEvery = std::chrono::milliseconds(150);  // about 6 frames/s
constexpr int kBoundaryCells = 48;                               // per axis
constexpr Index kBoundaryPoints = 600;                           // as the report draws it

// The data, loaded before the run is accepted: a missing file or a run too large for
// memory is the request's error, not a failure seen later on the event stream.
PreparedData checked_data(const RunRequest& request) {
  PreparedData data = prepare_data(request.config);
  check_run_memory(request.config, make_architecture(request.config, data.train), data,
                   request.watch);
  return data;
}

// The records and the progress of the run, heard from the trainer's thread.
class Listener final : public TrainObserver {
 public:
  using OnRecord = std::function<void(const EpochRecord&)>;
  using OnProgress = std::function<void(int, Index, Index)>;
  Listener(OnRecord on_record, OnProgress on_progress)
      : on_record_(std::move(on_record)), on_progress_(std::move(on_progress)) {}
  void on_epoch(const EpochRecord& record) override { on_record_(record); }
  void on_progress(int epoch, Index done, Index total) override {
    on_progress_(epoch, done, total);
  }

 private:
  OnRecord on_record_;
  OnProgress on_progress_;
};

}  // namespace

std::string_view name(RunState state) {
  switch (state) {
    case RunState::running:
      return "running";
    case RunState::paused:
      return "paused";
    case RunState::finished:
      return "finished";
    case RunState::failed:
      return "failed";
  }
  return "unknown";
}

LiveRun::LiveRun(int id, RunRequest request, const std::string& log_path)
    : id_(id), request_(std::move(request)), data_(checked_data(request_)) {
  if (!log_path.empty()) log_ = std::make_unique<RunLog>(log_path);
  worker_ = std::thread([this] { work(); });
}

LiveRun::~LiveRun() {
  stop();
  if (worker_.joinable()) worker_.join();
}

void LiveRun::pause() {
  const std::lock_guard lock(mutex_);
  paused_ = true;
}

void LiveRun::resume() {
  {
    const std::lock_guard lock(mutex_);
    paused_ = false;
    steps_pending_ = 0;
  }
  go_.notify_all();
}

void LiveRun::step(long long steps) {
  {
    const std::lock_guard lock(mutex_);
    paused_ = true;
    steps_pending_ += steps;
  }
  go_.notify_all();
}

void LiveRun::stop() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
  }
  go_.notify_all();
}

RunState LiveRun::state() const {
  const std::lock_guard lock(mutex_);
  return state_;
}

bool LiveRun::active() const {
  const RunState s = state();
  return s == RunState::running || s == RunState::paused;
}

nlohmann::json LiveRun::summary() const {
  const std::lock_guard lock(mutex_);
  nlohmann::json j = {{"id", id_},
                      {"state", name(state_)},
                      {"options", request_.config.to_json()},
                      {"data", data_.train.name},
                      {"record", last_record_},
                      {"verdict", verdict_}};
  return j;
}

void LiveRun::set_state(RunState state) {
  {
    const std::lock_guard lock(mutex_);
    if (state_ == state) return;
    state_ = state;
  }
  events_.publish("state", {{"state", name(state)}});
}

// Blocks while paused; true when the next step may be taken.
bool LiveRun::wait_for_go() {
  std::unique_lock lock(mutex_);
  if (paused_ && steps_pending_ == 0) {
    lock.unlock();
    set_state(RunState::paused);
    lock.lock();
    go_.wait(lock, [&] { return stop_ || !paused_ || steps_pending_ > 0; });
  }
  if (stop_) return false;
  if (paused_) {
    --steps_pending_;
  } else if (state_ == RunState::paused) {
    lock.unlock();
    set_state(RunState::running);
  }
  return true;
}

void LiveRun::work() {
  Listener listener(
      [this](const EpochRecord& record) {
        nlohmann::json json = epoch_to_json(record);
        events_.publish("record", json);
        const std::lock_guard lock(mutex_);
        last_record_ = std::move(json);
      },
      [this](int epoch, Index done, Index total) {
        epoch_ = epoch;
        steps_per_epoch_ = total;
        (void)done;
        ++step_;
      });
  try {
    events_.publish("state", {{"state", "running"}});
    TrainingRun run(request_.config, data_, {&listener, log_.get()}, request_.watch);
    after_step(run, true);
    while (wait_for_go() && run.step()) after_step(run, false);
    if (!run.finished()) run.stop();
    finish(run);
  } catch (const std::exception& e) {
    events_.publish("error", {{"error", e.what()}});
    set_state(RunState::failed);
    events_.publish("end", nlohmann::json::object());
    events_.close();
  }
}

// The frames, at their pace: progress every 40 ms; the verdict so far and, for 2-D data,
// the decision boundary every 150 ms (`force`: now).
void LiveRun::after_step(TrainingRun& run, bool force) {
  const auto now = Clock::now();
  if (force || now - last_progress_ >= kProgressEvery) {
    last_progress_ = now;
    events_.frame("progress", {{"epoch", epoch_},
                               {"step", step_},
                               {"steps_per_epoch", steps_per_epoch_},
                               {"epochs", request_.config.epochs}});
  }
  if (!force && now - last_snapshot_ < kSnapshotEvery) return;
  last_snapshot_ = now;
  const RunResult snapshot = run.snapshot();
  nlohmann::json verdict =
      summary_to_json(snapshot.summary, snapshot.verdict, request_.config.to_json());
  verdict["final"] = run.finished();
  events_.frame("verdict", verdict);
  if (data_.train.dim == 2)
    events_.frame("boundary", to_json(decision_grid(snapshot.model, data_.train, kBoundaryCells,
                                                    kBoundaryPoints)));
  const std::lock_guard lock(mutex_);
  verdict_ = std::move(verdict);
}

void LiveRun::finish(TrainingRun& run) {
  after_step(run, true);
  const RunResult result = run.result();
  const nlohmann::json summary =
      summary_to_json(result.summary, result.verdict, request_.config.to_json());
  if (log_) log_->write(summary);
  events_.publish("summary", summary);
  set_state(RunState::finished);
  events_.publish("end", nlohmann::json::object());
  events_.close();
}

}  // namespace mlpscope::serve
