#include "sweep/mpi_runner.h"

#include <cstdlib>
#include <string>

#include "core/error.h"

#ifdef MLPSCOPE_HAVE_MPI
#include <mpi.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

#include "core/threads.h"
#include "sweep/row_json.h"
#endif

namespace mlpscope::mpi {

bool built_with_mpi() {
#ifdef MLPSCOPE_HAVE_MPI
  return true;
#else
  return false;
#endif
}

bool launched_by_mpirun() { return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr; }

int rank_from_environment() {
  const char* rank = std::getenv("OMPI_COMM_WORLD_RANK");
  return rank ? std::atoi(rank) : 0;
}

#ifndef MLPSCOPE_HAVE_MPI

namespace {
[[noreturn]] void no_mpi() {
  throw Error(
      "this mlpscope was built without MPI (install libopenmpi-dev and rebuild), so it "
      "cannot run under mpirun; run 'mlpscope sweep' alone, or with --shard");
}
}  // namespace

Session::Session() { no_mpi(); }
Session::~Session() = default;
std::optional<SweepOutcome> run_sweep(const Session&, const SweepOptions&,
                                      const std::function<void(const SweepProgress&)>&) {
  no_mpi();
}

#else

namespace {

// The protocol. Rank 0 → worker: kStart (int: 1 go, 0 the checks failed), then kWork (the
// grid index of the next point, long long) or kStop (no payload: the queue is empty).
// Worker → rank 0: kReport (text: empty for the first request, then the JSON of the last
// point's outcome); each kReport is answered by one kWork or kStop.
enum Tag : int { kStart = 1, kReport = 2, kWork = 3, kStop = 4 };

// How long a waiting rank sleeps between polls: short against a run (~0.1 s for the
// smallest sweeps), long enough that a waiting rank costs no measurable CPU.
constexpr auto kPoll = std::chrono::microseconds(200);

// Waits for a message without spinning (Open MPI's blocking receive is a busy loop).
MPI_Status wait_for_message(int source, int tag) {
  MPI_Status status;
  for (;;) {
    int arrived = 0;
    MPI_Iprobe(source, tag, MPI_COMM_WORLD, &arrived, &status);
    if (arrived) return status;
    std::this_thread::sleep_for(kPoll);
  }
}

std::string receive_text(const MPI_Status& probed) {
  int size = 0;
  MPI_Get_count(&probed, MPI_CHAR, &size);
  std::string text(static_cast<std::size_t>(size), '\0');
  MPI_Recv(text.data(), size, MPI_CHAR, probed.MPI_SOURCE, probed.MPI_TAG, MPI_COMM_WORLD,
           MPI_STATUS_IGNORE);
  return text;
}

void send_text(const std::string& text, int to, int tag) {
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD);
}

void send_start(const Session& session, int go) {
  for (int rank = 1; rank < session.size(); ++rank)
    MPI_Send(&go, 1, MPI_INT, rank, kStart, MPI_COMM_WORLD);
}

// Rank 0's runner: local threads and remote ranks take points from one queue; this thread
// writes every finished run (the single writer) and answers the workers.
SweepProgress coordinate(const Session& session, const std::vector<const GridPoint*>& points,
                         const DataCache& data, const RunnerConfig& config,
                         const std::function<void(const RunRow&)>& write,
                         const std::function<void(const SweepProgress&)>& progress) {
  using Clock = std::chrono::steady_clock;
  SweepProgress state;
  state.total = points.size();
  set_threads(1);
  std::map<long long, const GridPoint*> by_index;
  for (const GridPoint* p : points) by_index[static_cast<long long>(p->index)] = p;

  std::atomic<std::size_t> next{0};
  std::atomic<bool> stopping{false};  // no new run: a write failed, or RunnerConfig::stop
  const auto stop_requested = [&] {
    return stopping || (config.stop && config.stop->load(std::memory_order_relaxed));
  };
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<PointOutcome> finished;
  // A single rank has no one to hand points to: it runs at least one itself.
  const int local = session.size() > 1 ? std::max(0, config.jobs) : std::max(1, config.jobs);
  int working = local;  // local threads not yet returned, under `mutex`
  auto worker = [&] {
    while (!stop_requested()) {
      const std::size_t i = next++;
      if (i >= points.size()) break;
      PointOutcome f = run_point(*points[i], data.get(points[i]->config), config);
      std::lock_guard lock(mutex);
      finished.push_back(std::move(f));
      ready.notify_one();
    }
    std::lock_guard lock(mutex);
    --working;
    ready.notify_one();
  };
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int j = 0; j < local; ++j) threads.emplace_back(worker);

  std::exception_ptr failure;  // the first write that failed, rethrown once all have stopped
  const auto take = [&](PointOutcome& f) {
    if (failure) return;
    try {
      if (f.row) {
        write(*f.row);
        ++state.done;
      } else if (!f.error.empty()) {
        ++state.failed;
        state.failures.push_back("run " + std::to_string(f.point->index) + ": " + f.error);
      } else {
        return;  // stopped in flight: not a result, not a failure
      }
      state.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      progress(state);
    } catch (...) {
      failure = std::current_exception();
      stopping = true;
    }
  };

  int remote = session.size() - 1;  // worker ranks not yet told to stop
  for (;;) {
    std::deque<PointOutcome> batch;
    {
      std::unique_lock lock(mutex);
      ready.wait_for(lock, kPoll, [&] { return !finished.empty(); });
      batch.swap(finished);
      if (batch.empty() && working == 0 && remote == 0) break;
    }
    for (auto& f : batch) take(f);
    for (;;) {  // every report that has arrived
      int arrived = 0;
      MPI_Status status;
      MPI_Iprobe(MPI_ANY_SOURCE, kReport, MPI_COMM_WORLD, &arrived, &status);
      if (!arrived) break;
      const std::string report = receive_text(status);
      if (!report.empty()) {
        const auto j = nlohmann::json::parse(report);
        PointOutcome f{by_index.at(j.at("index").get<long long>()), std::nullopt, {}};
        if (j.contains("row")) f.row = row_from_json(j.at("row"));
        if (j.contains("error")) f.error = j.at("error").get<std::string>();
        take(f);
      }
      const std::size_t i = stop_requested() ? points.size() : next++;
      if (i < points.size()) {
        const long long index = static_cast<long long>(points[i]->index);
        MPI_Send(&index, 1, MPI_LONG_LONG, status.MPI_SOURCE, kWork, MPI_COMM_WORLD);
      } else {
        MPI_Send(nullptr, 0, MPI_INT, status.MPI_SOURCE, kStop, MPI_COMM_WORLD);
        --remote;
      }
    }
  }
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
  state.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  state.stopped = state.done + state.failed < state.total;
  return state;
}

// A worker rank: asks for a point, runs it, reports, until told to stop.
void serve(const SweepOptions& options) {
  const std::vector<GridPoint> points = expand_grid(options.grid);
  set_threads(1);
  DataCache data;
  std::string report;  // empty: the first request
  for (;;) {
    send_text(report, 0, kReport);
    const MPI_Status status = wait_for_message(0, MPI_ANY_TAG);
    if (status.MPI_TAG == kStop) {
      MPI_Recv(nullptr, 0, MPI_INT, 0, kStop, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      return;
    }
    long long index = 0;
    MPI_Recv(&index, 1, MPI_LONG_LONG, 0, kWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    nlohmann::json outcome = {{"index", index}};
    try {
      const GridPoint& p = points.at(static_cast<std::size_t>(index));
      data.load({&p});  // each distinct data set once per rank
      const PointOutcome o = run_point(p, data.get(p.config), options.runner);
      if (o.row) outcome["row"] = row_to_json(*o.row);
      if (!o.error.empty()) outcome["error"] = o.error;
    } catch (const std::exception& e) {
      outcome["error"] = e.what();
    }
    report = outcome.dump();
  }
}

}  // namespace

Session::Session() {
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

Session::~Session() { MPI_Finalize(); }

std::optional<SweepOutcome> run_sweep(const Session& session, const SweepOptions& options,
                                      const std::function<void(const SweepProgress&)>& progress) {
  if (session.rank() != 0) {
    const MPI_Status status = wait_for_message(0, kStart);
    int go = 0;
    MPI_Recv(&go, 1, MPI_INT, status.MPI_SOURCE, kStart, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    // Rank 0 refused the sweep (bad input) and reports it in one line. This rank exits
    // quietly with status 0: a non-zero exit here would make mpirun abort the job, which can
    // kill rank 0 before its line is written.
    if (!go) return std::nullopt;
    serve(options);
    return std::nullopt;
  }
  bool started = false;
  const PointRunner runner = [&](const std::vector<const GridPoint*>& points, const DataCache& data,
                                 const RunnerConfig& config,
                                 const std::function<void(const RunRow&)>& write,
                                 const std::function<void(const SweepProgress&)>& report) {
    started = true;  // every check has passed
    send_start(session, 1);
    return coordinate(session, points, data, config, write, report);
  };
  try {
    return mlpscope::run_sweep(options, progress, runner);
  } catch (...) {
    if (!started) send_start(session, 0);
    throw;
  }
}

#endif

}  // namespace mlpscope::mpi
