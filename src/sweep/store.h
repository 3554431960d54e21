// The results of a sweep: DIR/results.sqlite, one row per finished run.
//
// Table `runs`: key (canonical JSON of the run's options, seed included; the primary key),
// grid_index, one column per run option ('-' written '_': init_scale, bias_init, init_from),
// verdict, cause, initial_loss, final_loss, best_loss, train_accuracy, test_accuracy,
// epochs_to_target, seconds, sharpness_init, summary (JSON). Table `meta` (name, value)
// holds the grid's definition under "grid".
//
// Durability: WAL journal with synchronous=FULL and one transaction per run, written by a
// single writer, so a process killed at any moment leaves every committed run intact and
// the database undamaged; SQLite's recovery replays or drops the unfinished transaction.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "diagnose/verdict_kinds.h"

struct sqlite3;

namespace mlpscope {

struct RunRow {
  std::string key;
  long long grid_index = 0;
  nlohmann::json options;  // RunConfig::to_json() of the run
  VerdictKind verdict = VerdictKind::converged;
  Cause cause = Cause::none;
  std::optional<double> initial_loss, final_loss, best_loss, train_accuracy, test_accuracy;
  std::optional<long long> epochs_to_target;
  double seconds = 0.0;
  std::optional<double> sharpness_init;  // λmax of the loss Hessian at initialization
  std::string summary;                   // summary_to_json of the run
};

class ResultStore {
 public:
  // Opens DIR/results.sqlite, creating DIR and the tables when missing; throws Error
  // naming `option` (out or merge) when it cannot.
  ResultStore(const std::string& dir, const std::string& option = "out");
  ~ResultStore();
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  const std::string& path() const { return path_; }
  std::optional<std::string> grid() const;  // the "grid" definition, if one was recorded
  // Records the grid. Another grid already there is an Error, unless `force`, which drops
  // every stored run first.
  void claim_grid(const std::string& definition, bool force);

  std::set<std::string> finished_keys() const;
  void insert(const RunRow& row);                    // one transaction; a row already there is kept
  void insert_all(const std::vector<RunRow>& rows);  // one transaction for all (merges)
  std::vector<RunRow> rows() const;                  // ordered by grid_index
  std::string integrity_check() const;               // "ok" when the database is undamaged
  // Every column but summary, a header line first, ordered by grid_index (RFC 4180 quoting).
  std::string to_csv() const;

 private:
  void exec(const std::string& sql) const;

  std::string dir_, path_, option_;
  sqlite3* db_ = nullptr;
};

// Column name of a run option in the table: init-scale → init_scale.
std::string option_column(const std::string& option);

}  // namespace mlpscope
