// End-to-end tests of `mlpscope sweep` on small synthetic data: the database, its CSV and
// the map; resume after a clean finish and after SIGKILL; another grid in the same DIR;
// shards joined by --merge; bad input as one line and exit 2.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
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

// A fresh directory per test, removed afterwards.
class SweepCli : public mlpscope::testing::TempDirTest {};

CommandResult sweep(const Args& args) {
  Args argv{MLPSCOPE_BINARY, "sweep"};
  argv.insert(argv.end(), args.begin(), args.end());
  return mlpscope::testing::run_command(argv);
}

// The small sweep of the docs: 2 lr × 2 init × 2 seeds.
Args small(const std::string& out) {
  return {"--data",   "spiral:n=200",
          "--hidden", "16",
          "--epochs", "20",
          "--vary",   "lr=0.001,0.1",
          "--vary",   "init=uniform:-1,1;he_normal",
          "--seeds",  "2",
          "--jobs",   "2",
          "--out",    out};
}

// A bigger one, long enough to be killed in the middle: 6 × 3 × 6 = 108 runs of 100 epochs on
// 2000 samples, about 2.5 s; with 30 epochs on 200 samples it took 0.09 s, shorter than a poll.
Args bigger(const std::string& out) {
  return {"--data",   "spiral:n=2000",
          "--hidden", "32",
          "--epochs", "100",
          "--vary",   "lr=log:1e-3..1:6",
          "--vary",   "init=uniform:-1,1;normal:0,0.1;he_normal",
          "--seeds",  "6",
          "--jobs",   "2",
          "--out",    out};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    start = end == std::string::npos ? text.size() : end + 1;
  }
  return lines;
}

TEST_F(SweepCli, SmallSweepWritesDatabaseCsvAndMap) {
  const CommandResult r = sweep(small(path("out")));
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_NE(r.out.find("8 runs in the grid"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2/λmax"), std::string::npos) << r.out;
  const auto rows = rows_of(path("out"));
  ASSERT_EQ(rows.size(), 8u);
  for (const auto& [key, row] : rows) {
    // The verdict column (read back by name) agrees with the summary the run wrote.
    EXPECT_EQ(nlohmann::json::parse(row.summary).at("verdict"), mlpscope::name(row.verdict));
    EXPECT_TRUE(row.final_loss.has_value());
    EXPECT_TRUE(row.sharpness_init.has_value());
    EXPECT_EQ(row.options.at("hidden"), nlohmann::json::array({16}));
    EXPECT_NE(row.summary.find("\"verdict\""), std::string::npos);
  }
  EXPECT_EQ(ResultStore(path("out")).integrity_check(), "ok");

  const auto csv = lines_of(mlpscope::testing::detail::read_whole_file(path("out/results.csv")));
  ASSERT_EQ(csv.size(), 9u);
  for (const char* column : {"key", "grid_index", "data", "init_scale", "lr", "seed", "verdict",
                             "cause", "initial_loss", "final_loss", "best_loss", "train_accuracy",
                             "test_accuracy", "epochs_to_target", "seconds"})
    EXPECT_NE(csv[0].find(column), std::string::npos) << column;

  const auto map = lines_of(mlpscope::testing::detail::read_whole_file(path("out/map.csv")));
  ASSERT_EQ(map.size(), 5u);  // header + 2 lr × 2 init
  EXPECT_EQ(map[0],
            "lr,init,runs,expected,converged,slow,stalled,oscillating,diverged,median_final_loss,"
            "max_stable_lr,predicted_max_stable_lr");
  EXPECT_TRUE(map[1].starts_with("0.001,\"uniform:-1,1\",2,2,")) << map[1];
}

TEST_F(SweepCli, RerunResumesAndChangesNothing) {
  ASSERT_EQ(sweep(small(path("out"))).status, 0);
  const auto before = rows_of(path("out"));
  const std::string csv = mlpscope::testing::detail::read_whole_file(path("out/results.csv"));
  const CommandResult again = sweep(small(path("out")));
  ASSERT_EQ(again.status, 0) << describe(again);
  EXPECT_NE(again.out.find("0 done now, 0 failed, 8 finished before"), std::string::npos)
      << again.out;
  const auto after = rows_of(path("out"));
  expect_same_runs(before, after);
  for (const auto& [key, row] : before) EXPECT_EQ(row.seconds, after.at(key).seconds);  // not rerun
  EXPECT_EQ(mlpscope::testing::detail::read_whole_file(path("out/results.csv")), csv);
}

TEST_F(SweepCli, KilledSweepResumesToTheSameResults) {
  // Start, wait for a few finished runs, SIGKILL.
  Args argv{MLPSCOPE_BINARY, "sweep"};
  for (const auto& a : bigger(path("killed"))) argv.push_back(a);
  const pid_t pid = mlpscope::testing::start_command(argv, "/dev/null", "/dev/null");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::size_t seen = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!fs::exists(path("killed/results.sqlite"))) continue;
    try {  // the sweep may hold a lock while it creates the tables
      seen = ResultStore(path("killed")).finished_keys().size();
    } catch (const mlpscope::Error&) {
      continue;
    }
    if (seen >= 3) break;
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status))
      << "the sweep finished before it could be killed (" << seen << " runs seen)";

  const auto partial = rows_of(path("killed"));
  EXPECT_GE(partial.size(), 3u);
  EXPECT_LT(partial.size(), 108u);
  EXPECT_EQ(ResultStore(path("killed")).integrity_check(), "ok");

  const CommandResult resumed = sweep(bigger(path("killed")));
  ASSERT_EQ(resumed.status, 0) << describe(resumed);
  EXPECT_NE(resumed.out.find(std::to_string(partial.size()) + " finished before"),
            std::string::npos)
      << resumed.out;
  const CommandResult clean = sweep(bigger(path("clean")));
  ASSERT_EQ(clean.status, 0) << describe(clean);
  const auto killed_rows = rows_of(path("killed"));
  ASSERT_EQ(killed_rows.size(), 108u);
  for (const auto& [key, row] : partial)
    EXPECT_EQ(row.seconds, killed_rows.at(key).seconds) << "rerun: " << key;
  expect_same_runs(killed_rows, rows_of(path("clean")));
  EXPECT_EQ(mlpscope::testing::detail::read_whole_file(path("killed/map.csv")),
            mlpscope::testing::detail::read_whole_file(path("clean/map.csv")));
}

// Probes and λmax watch a run without changing its numbers; off, the boundary is gone, and
// a DIR swept with other watch options is another grid.
TEST_F(SweepCli, WatchOptionsOffKeepTheNumbersAndDropTheBoundary) {
  ASSERT_EQ(sweep(small(path("on"))).status, 0);
  Args off = small(path("off"));
  off.insert(off.end(), {"--probe-samples", "0", "--sharpness-every", "never"});
  const CommandResult r = sweep(off);
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_EQ(r.out.find("2/λmax"), std::string::npos) << r.out;  // no boundary without λmax
  const auto on_rows = rows_of(path("on")), off_rows = rows_of(path("off"));
  ASSERT_EQ(off_rows.size(), on_rows.size());
  for (const auto& [key, row] : off_rows) {
    const RunRow& watched = on_rows.at(key);
    EXPECT_FALSE(row.sharpness_init.has_value()) << key;
    EXPECT_TRUE(watched.sharpness_init.has_value()) << key;
    EXPECT_EQ(row.final_loss, watched.final_loss) << key;
    EXPECT_EQ(row.train_accuracy, watched.train_accuracy) << key;
  }
  for (const auto& line : lines_of(mlpscope::testing::detail::read_whole_file(path("off/map.csv"))))
    EXPECT_TRUE(line.ends_with(",") || line.ends_with("max_stable_lr")) << line;

  // λmax alone off: the same numbers, no λmax.
  Args no_sharpness = small(path("no_sharpness"));
  no_sharpness.insert(no_sharpness.end(), {"--sharpness-every", "never"});
  ASSERT_EQ(sweep(no_sharpness).status, 0);
  for (const auto& [key, row] : rows_of(path("no_sharpness"))) {
    EXPECT_FALSE(row.sharpness_init.has_value()) << key;
    EXPECT_EQ(row.final_loss, on_rows.at(key).final_loss) << key;
  }

  Args other = small(path("off"));  // the same grid watched otherwise
  const CommandResult refused = sweep(other);
  EXPECT_EQ(refused.status, 2) << describe(refused);
  EXPECT_NE(refused.err.find("--probe-samples"), std::string::npos) << refused.err;

  Args periodic = small(path("periodic"));
  periodic.insert(periodic.end(), {"--sharpness-every", "5"});
  const CommandResult bad = sweep(periodic);
  EXPECT_EQ(bad.status, 2) << describe(bad);
  EXPECT_NE(bad.err.find("--sharpness-every"), std::string::npos) << bad.err;
}

TEST_F(SweepCli, AnotherGridInTheSameDirNeedsForce) {
  ASSERT_EQ(sweep(small(path("out"))).status, 0);
  Args other = small(path("out"));
  other[5] = "10";  // --epochs 10
  const CommandResult refused = sweep(other);
  EXPECT_EQ(refused.status, 2) << describe(refused);
  EXPECT_TRUE(refused.out.empty());
  EXPECT_NE(refused.err.find("--epochs"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--force"), std::string::npos) << refused.err;
  EXPECT_EQ(rows_of(path("out")).size(), 8u);  // untouched

  other.push_back("--force");
  const CommandResult forced = sweep(other);
  ASSERT_EQ(forced.status, 0) << describe(forced);
  EXPECT_NE(forced.out.find("8 done now"), std::string::npos) << forced.out;
  for (const auto& [key, row] : rows_of(path("out"))) EXPECT_EQ(row.options.at("epochs"), 10);
}

TEST_F(SweepCli, ShardsMergedEqualTheWholeSweep) {
  for (const char* shard : {"1/2", "2/2"}) {
    Args args = small(path(std::string("shard") + shard[0]));
    args.insert(args.end(), {"--shard", shard});
    const CommandResult r = sweep(args);
    ASSERT_EQ(r.status, 0) << describe(r);
    EXPECT_NE(r.out.find("4 in this shard"), std::string::npos) << r.out;
  }
  EXPECT_EQ(rows_of(path("shard1")).size(), 4u);
  const CommandResult merged =
      sweep({"--merge", path("shard1"), path("shard2"), "--out", path("merged")});
  ASSERT_EQ(merged.status, 0) << describe(merged);
  ASSERT_EQ(sweep(small(path("whole"))).status, 0);
  expect_same_runs(rows_of(path("merged")), rows_of(path("whole")));
  EXPECT_EQ(mlpscope::testing::detail::read_whole_file(path("merged/map.csv")),
            mlpscope::testing::detail::read_whole_file(path("whole/map.csv")));
}

TEST_F(SweepCli, MergeRefusesSweepsOfDifferentGrids) {
  const Args base{"--data", "spiral:n=50", "--epochs", "1", "--vary", "lr=0.1,1"};
  Args a = base, b = base;
  a.insert(a.end(), {"--out", path("a")});
  b.insert(b.end(), {"--seeds", "2", "--out", path("b")});
  ASSERT_EQ(sweep(a).status, 0);
  ASSERT_EQ(sweep(b).status, 0);
  const CommandResult r = sweep({"--merge", path("a"), path("b"), "--out", path("joined")});
  EXPECT_EQ(r.status, 2) << describe(r);
  EXPECT_NE(r.err.find("another grid"), std::string::npos) << describe(r);
  EXPECT_FALSE(fs::exists(path("joined"))) << "nothing is written before the inputs are checked";
}

TEST_F(SweepCli, BadInputIsOneLineAndExitTwo) {
  std::FILE* file = std::fopen(path("file").c_str(), "w");
  std::fclose(file);
  const std::string out = path("out");
  const std::vector<std::pair<Args, std::string>> cases = {
      {{"--vary", "lr=", "--out", out}, "--vary: lr="},
      {{"--vary", "", "--out", out}, "--vary"},
      {{"--vary", "speed=1,2", "--out", out}, "unknown option 'speed'"},
      {{"--vary", "lr=log:1e-3..1e-1:0", "--out", out}, "N >= 1"},
      {{"--vary", "lr=0.1", "--vary", "lr=0.2", "--out", out}, "given twice"},
      {{"--vary", "lr=0.1,fast", "--out", out}, "--vary: lr=fast"},
      {{"--vary", "lr=0.1", "--shard", "3/2", "--out", out}, "--shard"},
      {{"--vary", "lr=0.1", "--shard", "0/2", "--out", out}, "--shard"},
      {{"--vary", "lr=0.1", "--out", path("file/sub")}, "--out"},
      {{"--vary", "lr=0.1", "--out", out, "--axes", "lr,depth"}, "--axes"},
      {{"--vary", "lr=0.1", "--jobs", "0", "--out", out}, "--jobs"},
      {{"--merge", path("nothing"), "--out", out}, "--merge"},
      {{"--vary", "lr=0.1", "--probe-samples", "-1", "--out", out}, "--probe-samples"},
      {{"--vary", "lr=0.1", "--sharpness-every", "often", "--out", out}, "--sharpness-every"},
  };
  for (const auto& [args, piece] : cases) {
    Args full{"--data", "spiral:n=50", "--epochs", "1"};
    full.insert(full.end(), args.begin(), args.end());
    const CommandResult r = sweep(full);
    EXPECT_EQ(r.status, 2) << describe(r);
    EXPECT_TRUE(r.out.empty()) << describe(r);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << describe(r);
    EXPECT_NE(r.err.find(piece), std::string::npos) << piece << "\n" << describe(r);
  }
}

}  // namespace
