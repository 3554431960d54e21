// `mpirun -np 3 mlpscope sweep …`: the same rows as a sweep in one process; bad input as one
// line from rank 0 and exit 2, without a hang; a rank killed mid-sweep aborts the job (Open
// MPI's default) but leaves every committed run, and the same command resumes from them.
// Skipped where the build has no MPI or mpirun is missing.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "support/fixtures.h"
#include "support/run_command.h"
#include "support/sweep_rows.h"
#include "sweep/store.h"

namespace {

using mlpscope::testing::expect_same_runs;
using mlpscope::testing::rows_of;

namespace fs = std::filesystem;
using mlpscope::ResultStore;
using mlpscope::RunRow;
using mlpscope::testing::CommandResult;
using mlpscope::testing::describe;
using Args = std::vector<std::string>;

std::optional<std::string> find_mpirun() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && ::access((fs::path(dir) / "mpirun").c_str(), X_OK) == 0)
      return (fs::path(dir) / "mpirun").string();
  return std::nullopt;
}

class MpiSweep : public mlpscope::testing::TempDirTest {
 protected:
  void SetUp() override {
#ifndef MLPSCOPE_HAVE_MPI
    GTEST_SKIP() << "built without MPI (MLPSCOPE_MPI off)";
#endif
    mpirun_ = find_mpirun();
    if (!mpirun_) GTEST_SKIP() << "mpirun is not installed";
    TempDirTest::SetUp();
  }

  // mpirun --oversubscribe --allow-run-as-root -np N mlpscope sweep ARGS. As root (CI)
  // mpirun needs --allow-run-as-root; elsewhere it is harmless. --oversubscribe: 3 ranks on
  // a 2-core machine.
  Args mpirun_argv(int ranks, const Args& args) const {
    Args argv{*mpirun_, "--oversubscribe",     "--allow-run-as-root",
              "-np",    std::to_string(ranks), MLPSCOPE_BINARY,
              "sweep"};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  std::optional<std::string> mpirun_;
};

CommandResult plain_sweep(const Args& args) {
  Args argv{MLPSCOPE_BINARY, "sweep"};
  argv.insert(argv.end(), args.begin(), args.end());
  return mlpscope::testing::run_command(argv);
}

// 3 lr × 2 init × 3 seeds = 18 runs on two spirals.
Args spiral_grid(const std::string& out) {
  return {"--data",   "spiral:n=200",
          "--hidden", "16",
          "--epochs", "20",
          "--vary",   "lr=0.001,0.03,0.3",
          "--vary",   "init=uniform:-1,1;he_normal",
          "--seeds",  "3",
          "--out",    out};
}

// Long enough to kill a rank in the middle: 6 lr × 3 init × 6 seeds = 108 runs of 100 epochs on
// 2000 samples (about 2.5 s in one process; 30 epochs on 200 samples took 0.09 s).
Args bigger_grid(const std::string& out) {
  return {"--data",   "spiral:n=2000",
          "--hidden", "32",
          "--epochs", "100",
          "--vary",   "lr=log:1e-3..1:6",
          "--vary",   "init=uniform:-1,1;normal:0,0.1;he_normal",
          "--seeds",  "6",
          "--out",    out};
}

int mlpscope_lines(const std::string& err) {
  int lines = 0;
  std::stringstream in(err);
  for (std::string line; std::getline(in, line);) lines += line.starts_with("mlpscope: ");
  return lines;
}

TEST_F(MpiSweep, ThreeRanksGiveTheRowsOfOneProcess) {
  const CommandResult mpi =
      mlpscope::testing::run_command(mpirun_argv(3, spiral_grid(path("mpi"))));
  ASSERT_EQ(mpi.status, 0) << describe(mpi);
  EXPECT_NE(mpi.out.find("18 runs in the grid, 18 in this shard: 18 done now"), std::string::npos)
      << mpi.out;
  EXPECT_EQ(mpi.out.find("sweep "), mpi.out.rfind("sweep ")) << "only rank 0 prints\n" << mpi.out;
  const CommandResult one = plain_sweep(spiral_grid(path("one")));
  ASSERT_EQ(one.status, 0) << describe(one);
  expect_same_runs(rows_of(path("mpi")), rows_of(path("one")));
  EXPECT_EQ(ResultStore(path("mpi")).integrity_check(), "ok");
  EXPECT_EQ(mlpscope::testing::detail::read_whole_file(path("mpi/map.csv")),
            mlpscope::testing::detail::read_whole_file(path("one/map.csv")));

  // A rerun under MPI resumes like any other: nothing left to do.
  const CommandResult again =
      mlpscope::testing::run_command(mpirun_argv(3, spiral_grid(path("mpi"))));
  ASSERT_EQ(again.status, 0) << describe(again);
  EXPECT_NE(again.out.find("0 done now, 0 failed, 18 finished before"), std::string::npos)
      << again.out;
}

TEST_F(MpiSweep, BadInputIsOneLineFromRankZero) {
  std::ofstream(path("file")) << "not a directory\n";
  const std::vector<std::pair<Args, std::string>> cases = {
      // Found while parsing, before MPI starts, by every rank.
      {{"--vary", "lr=0.1,fast", "--out", path("out")}, "--vary: lr=fast"},
      // Refused by the command-line parser itself, before any rank knows its rank from MPI.
      {{"--no-such-option", "1", "--out", path("out3")}, "no-such-option"},
      // Found by rank 0 alone, after MPI started: the other ranks are told to stop.
      {{"--vary", "lr=0.1", "--out", path("file/sub")}, "--out"},
      {{"--vary", "lr=0.1", "--out", path("out2")}, "missing.csv"},
  };
  for (const auto& [args, piece] : cases) {
    const bool missing = piece == "missing.csv";
    Args full{"--data", missing ? "csv:" + path("missing.csv") : "spiral:n=50", "--epochs", "1"};
    full.insert(full.end(), args.begin(), args.end());
    const auto start = std::chrono::steady_clock::now();
    const CommandResult r = mlpscope::testing::run_command(mpirun_argv(3, full));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(60));
    EXPECT_EQ(r.status, 2) << describe(r);
    EXPECT_TRUE(r.out.empty()) << describe(r);
    EXPECT_EQ(mlpscope_lines(r.err), 1) << describe(r);
    EXPECT_NE(r.err.find(piece), std::string::npos) << piece << "\n" << describe(r);
  }
}

// The process started by `mpirun_pid` that runs rank `rank`, found through /proc.
std::optional<pid_t> rank_pid(pid_t mpirun_pid, int rank) {
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    std::getline(stat, line);
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::stringstream rest(line.substr(close + 2));
    char state = 0;
    pid_t parent = 0;
    rest >> state >> parent;
    if (parent != mpirun_pid) continue;
    std::ifstream environ_file(entry.path() / "environ", std::ios::binary);
    std::string environment((std::istreambuf_iterator<char>(environ_file)), {});
    if (environment.find(std::string("OMPI_COMM_WORLD_RANK=") + std::to_string(rank) + '\0') !=
        std::string::npos)
      return static_cast<pid_t>(std::stol(name));
  }
  return std::nullopt;
}

TEST_F(MpiSweep, KilledRankAbortsTheJobAndTheRerunResumes) {
  const Args argv = mpirun_argv(3, bigger_grid(path("killed")));
  const pid_t mpirun = mlpscope::testing::start_command(argv, "/dev/null", "/dev/null");

  // Wait for a few committed runs, then SIGKILL rank 1.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::size_t seen = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!fs::exists(path("killed/results.sqlite"))) continue;
    try {
      seen = ResultStore(path("killed")).finished_keys().size();
    } catch (const mlpscope::Error&) {
      continue;
    }
    if (seen >= 5) break;
  }
  const std::optional<pid_t> rank1 = rank_pid(mpirun, 1);
  if (rank1) ::kill(*rank1, SIGKILL);
  int status = 0;
  ::waitpid(mpirun, &status, 0);
  ASSERT_TRUE(rank1.has_value()) << "rank 1 not found (" << seen << " runs seen)";
  // Open MPI 4.1 aborts the job when a rank dies: mpirun fails, the other ranks end.
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0)
      << "the job should have been aborted (" << seen << " runs seen)";

  const auto partial = rows_of(path("killed"));
  EXPECT_GE(partial.size(), 5u);
  EXPECT_LT(partial.size(), 108u);
  EXPECT_EQ(ResultStore(path("killed")).integrity_check(), "ok");

  // The same command resumes: only the runs not committed are run.
  const CommandResult resumed = mlpscope::testing::run_command(argv);
  ASSERT_EQ(resumed.status, 0) << describe(resumed);
  EXPECT_NE(resumed.out.find(std::to_string(partial.size()) + " finished before"),
            std::string::npos)
      << resumed.out;
  const auto all = rows_of(path("killed"));
  ASSERT_EQ(all.size(), 108u);
  for (const auto& [key, row] : partial)
    EXPECT_EQ(row.seconds, all.at(key).seconds) << "rerun: " << key;
  const CommandResult clean = plain_sweep(bigger_grid(path("clean")));
  ASSERT_EQ(clean.status, 0) << describe(clean);
  expect_same_runs(all, rows_of(path("clean")));
}

}  // namespace
