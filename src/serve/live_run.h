// One run the server trains: the real engine (run/run.h's TrainingRun) in a worker thread
// of its own, driven by commands from the HTTP threads (pause, resume, step, stop), its
// records and frames published to an EventStream. The HTTP threads never train: they only
// set what the worker reads between two steps.
//
// Events, in order: `state` (running, paused, finished, failed), `record` (each run-log
// record, run/run_log.h's epoch_to_json), `summary` (the run log's last line, with the
// verdict), or `error` when the run failed, and `end`. Frames, newest only: `progress`
// (epoch, step; every 40 ms), `verdict` (the summary of the records so far: the verdict as
// it forms, every 150 ms) and, for 2-D data, `boundary` (the decision grid of
// report/decision_boundary.h, every 150 ms).
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "run/run.h"
#include "run/run_log.h"
#include "serve/event_stream.h"
#include "serve/run_request.h"

namespace mlpscope::serve {

enum class RunState { running, paused, finished, failed };
std::string_view name(RunState state);

class LiveRun {
 public:
  // Loads the data and checks the run's memory here, in the caller (an Error is the
  // request's 400), then starts training in its own thread; `log_path`, when not empty,
  // receives the run log.
  LiveRun(int id, RunRequest request, const std::string& log_path);
  ~LiveRun();  // stops the run and waits for its thread
  LiveRun(const LiveRun&) = delete;
  LiveRun& operator=(const LiveRun&) = delete;

  void pause();
  void resume();
  void step(long long steps);  // while paused: this many optimizer steps, then paused again
  void stop();

  int id() const { return id_; }
  RunState state() const;
  bool active() const;  // neither finished nor failed
  EventStream& events() { return events_; }
  // id, state, options, the last record and the verdict so far.
  nlohmann::json summary() const;

 private:
  void work();
  bool wait_for_go();  // false once a stop is asked for
  void after_step(TrainingRun& run, bool force);
  void finish(TrainingRun& run);
  void set_state(RunState state);

  const int id_;
  const RunRequest request_;
  const PreparedData data_;
  std::unique_ptr<RunLog> log_;

  mutable std::mutex mutex_;
  std::condition_variable go_;
  bool paused_ = false, stop_ = false;
  long long steps_pending_ = 0;
  RunState state_ = RunState::running;
  nlohmann::json last_record_, verdict_;

  EventStream events_;
  std::chrono::steady_clock::time_point last_progress_{}, last_snapshot_{};
  int epoch_ = 0;
  long long step_ = 0;
  Index steps_per_epoch_ = 0;
  std::thread worker_;
};

}  // namespace mlpscope::serve
