#include "sweep/mpi_runner.h"

#include <cstdlib>
#include <string>

#include "core/error.h"

#ifdef MLPSCOPE_HAVE_MPI
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>
#include <utility>

#include "core/threads.h"
#include "sweep/row_json.h"
#include "sweep/worker_pool.h"
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

// A point's outcome as a worker rank reports it, and back: rows travel as JSON, every
// number exact (sweep/row_json.h).
nlohmann::json outcome_to_json(long long index, const PointOutcome& o) {
  nlohmann::json j = {{"index", index}};
  if (o.row) j["row"] = row_to_json(*o.row);
  if (!o.error.empty()) j["error"] = o.error;
  return j;
}

PointOutcome outcome_from_json(const nlohmann::json& j,
                               const std::map<long long, const GridPoint*>& by_index) {
  PointOutcome o{by_index.at(j.at("index").get<long long>()), std::nullopt, {}};
  if (j.contains("row")) o.row = row_from_json(j.at("row"));
  if (j.contains("error")) o.error = j.at("error").get<std::string>();
  return o;
}

// Rank 0's pool: its own threads, and every other rank, which asks for a point, runs it
// (serve, below) and reports. This thread answers the ranks between collecting the local
// threads' runs, so the scheduler's writer and every MPI call stay on it (MPI is funneled).
class RankPool final : public WorkerPool {
 public:
  RankPool(const Session& session, int threads, RunOne run_one,
           const std::vector<const GridPoint*>& points)
      : remote_(session.size() - 1), local_(threads, std::move(run_one)) {
    for (const GridPoint* p : points) by_index_[static_cast<long long>(p->index)] = p;
  }

  void run(const NextPoint& next, const TakeOutcome& take) override {
    local_.start(next);
    try {
      // The timeout is the ranks' polling period: with no local thread it is a sleep.
      while (local_.collect(take, kPoll) || remote_ > 0) answer_reports(next, take);
    } catch (...) {
      local_.stop();  // no thread outlives `next`
      throw;
    }
    local_.join();
  }

 private:
  // Takes every report that has arrived and answers each with the next point, or with stop.
  void answer_reports(const NextPoint& next, const TakeOutcome& take) {
    for (;;) {
      int arrived = 0;
      MPI_Status status;
      MPI_Iprobe(MPI_ANY_SOURCE, kReport, MPI_COMM_WORLD, &arrived, &status);
      if (!arrived) return;
      const std::string report = receive_text(status);
      // Taken before the next point is drawn, so that a write that fails hands out no more.
      if (!report.empty()) take(outcome_from_json(nlohmann::json::parse(report), by_index_));
      if (const GridPoint* p = next()) {
        const long long index = static_cast<long long>(p->index);
        MPI_Send(&index, 1, MPI_LONG_LONG, status.MPI_SOURCE, kWork, MPI_COMM_WORLD);
      } else {
        MPI_Send(nullptr, 0, MPI_INT, status.MPI_SOURCE, kStop, MPI_COMM_WORLD);
        --remote_;
      }
    }
  }

  int remote_;  // worker ranks not yet told to stop
  ThreadPool local_;
  std::map<long long, const GridPoint*> by_index_;  // reports name points by grid index
};

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
    PointOutcome outcome;
    try {
      const GridPoint& p = points.at(static_cast<std::size_t>(index));
      data.load({&p});  // each distinct data set once per rank
      outcome = run_point(p, data.get(p.config), options.runner, &data.sharpness_memo());
    } catch (const std::exception& e) {
      outcome.error = e.what();
    }
    report = outcome_to_json(index, outcome).dump();
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
    // A single rank has no one to hand points to: it runs at least one itself.
    const int threads = session.size() > 1 ? std::max(0, config.jobs) : std::max(1, config.jobs);
    RankPool pool(
        session, threads,
        [&](const GridPoint& p) {
          return run_point(p, data.get(p.config), config, &data.sharpness_memo());
        },
        points);
    return run_points_on(pool, points, config, write, report);
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
