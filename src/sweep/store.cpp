#include "sweep/store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "core/error.h"
#include "core/strings.h"
#include "run/run_config.h"

namespace mlpscope {

namespace {

const char* const kResultColumns[] = {
    "verdict",   "cause",          "initial_loss",  "final_loss",
    "best_loss", "train_accuracy", "test_accuracy", "epochs_to_target",
    "seconds",   "sharpness_init", "summary"};
const char* const kResultTypes[] = {"TEXT", "TEXT",    "REAL", "REAL", "REAL", "REAL",
                                    "REAL", "INTEGER", "REAL", "REAL", "TEXT"};

// The SQL type of an option's column, from the JSON type of its canonical default.
const char* option_type(const nlohmann::json& value) {
  if (value.is_number_integer() || value.is_boolean()) return "INTEGER";
  if (value.is_number()) return "REAL";
  return "TEXT";
}

// RAII for a prepared statement; step() throws on errors.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK)
      throw Error("results database: " + std::string(sqlite3_errmsg(db)));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() { return stmt_; }
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw Error("results database: " + std::string(sqlite3_errmsg(db_)));
  }
  void bind(int i, const std::optional<double>& v) {
    // NaN is not a number SQLite keeps (it would store NULL anyway): say so explicitly.
    if (v && !std::isnan(*v))
      sqlite3_bind_double(stmt_, i, *v);
    else
      sqlite3_bind_null(stmt_, i);
  }
  void bind(int i, const std::string& s) {
    sqlite3_bind_text(stmt_, i, s.c_str(), -1, SQLITE_TRANSIENT);
  }
  void bind_json(int i, const nlohmann::json& v) {
    if (v.is_null())
      sqlite3_bind_null(stmt_, i);
    else if (v.is_boolean())
      sqlite3_bind_int64(stmt_, i, v.get<bool>() ? 1 : 0);
    else if (v.is_number_integer())
      sqlite3_bind_int64(stmt_, i, v.get<long long>());
    else if (v.is_number())
      bind(i, std::optional<double>(v.get<double>()));
    else if (v.is_array()) {  // hidden widths: "16,16", or "none" for a linear model
      std::string s;
      for (const auto& w : v) {
        s += s.empty() ? "" : ",";
        s += w.dump();
      }
      bind(i, s.empty() ? std::string("none") : s);
    } else
      bind(i, v.get<std::string>());
  }
  std::optional<double> real(int i) {
    if (sqlite3_column_type(stmt_, i) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_double(stmt_, i);
  }
  std::string text(int i) {
    const auto* t = sqlite3_column_text(stmt_, i);
    return t ? reinterpret_cast<const char*>(t) : "";
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

std::string csv_field(std::string s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char c : s) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// Column names are quoted: some options (limit) are SQL keywords.
std::string quoted(const std::string& name) { return '"' + name + '"'; }

}  // namespace

std::string option_column(const std::string& option) {
  std::string column = option;
  for (char& c : column)
    if (c == '-') c = '_';
  return column;
}

ResultStore::ResultStore(const std::string& dir, const std::string& option)
    : dir_(dir), path_((std::filesystem::path(dir) / "results.sqlite").string()), option_(option) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) setting_error(option, "cannot create " + dir + ": " + ec.message());
  if (!std::filesystem::is_directory(dir)) setting_error(option, dir + " is not a directory");
  if (::access(dir.c_str(), W_OK) != 0) setting_error(option, "cannot write to " + dir);
  if (sqlite3_open_v2(path_.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    setting_error(option, "cannot open " + path_ + ": " + why);
  }
  sqlite3_busy_timeout(db_, 10000);
  try {
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    const nlohmann::json defaults = parse_run_config(default_run_options()).to_json();
    std::string columns = "key TEXT PRIMARY KEY, grid_index INTEGER NOT NULL";
    for (const auto& o : run_options())
      columns += ", " + quoted(option_column(o.name)) + " " + option_type(defaults.at(o.name));
    for (std::size_t i = 0; i < std::size(kResultColumns); ++i)
      columns += std::string(", ") + kResultColumns[i] + " " + kResultTypes[i];
    exec("CREATE TABLE IF NOT EXISTS runs (" + columns + ")");
    exec("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
  } catch (const Error& e) {
    sqlite3_close(db_);
    db_ = nullptr;
    setting_error(option, path_ + ": " + e.what());
  }
}

ResultStore::~ResultStore() { sqlite3_close(db_); }

void ResultStore::exec(const std::string& sql) const {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string why = message ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    throw Error("results database " + path_ + ": " + why);
  }
}

std::optional<std::string> ResultStore::grid() const {
  Statement s(db_, "SELECT value FROM meta WHERE name = 'grid'");
  if (!s.step()) return std::nullopt;
  return s.text(0);
}

void ResultStore::claim_grid(const std::string& definition, bool force) {
  const auto existing = grid();
  if (existing && *existing == definition) return;
  if (existing && !force)
    setting_error(option_, dir_ + " holds the results of another sweep; use another --" + option_ +
                               ", or --force to discard them");
  exec("BEGIN IMMEDIATE");
  try {
    exec("DELETE FROM runs");
    Statement s(db_, "INSERT OR REPLACE INTO meta (name, value) VALUES ('grid', ?1)");
    s.bind(1, definition);
    s.step();
    exec("COMMIT");
  } catch (...) {
    exec("ROLLBACK");
    throw;
  }
}

std::set<std::string> ResultStore::finished_keys() const {
  std::set<std::string> keys;
  Statement s(db_, "SELECT key FROM runs");
  while (s.step()) keys.insert(s.text(0));
  return keys;
}

void ResultStore::insert(const RunRow& row) {
  std::string names = "key, grid_index", marks = "?1, ?2";
  int n = 2;
  for (const auto& o : run_options()) {
    names += ", " + quoted(option_column(o.name));
    marks += ", ?";
    marks += std::to_string(++n);
  }
  for (const char* c : kResultColumns) {
    names += std::string(", ") + c;
    marks += ", ?";
    marks += std::to_string(++n);
  }
  // A single statement is its own transaction: committed (and fsynced) when step() returns.
  Statement s(db_, "INSERT OR IGNORE INTO runs (" + names + ") VALUES (" + marks + ")");
  s.bind(1, row.key);
  sqlite3_bind_int64(s.get(), 2, row.grid_index);
  int i = 2;
  for (const auto& o : run_options()) s.bind_json(++i, row.options.value(o.name, nlohmann::json()));
  s.bind(++i, std::string(name(row.verdict)));
  if (row.cause == Cause::none)
    sqlite3_bind_null(s.get(), ++i);
  else
    s.bind(++i, std::string(name(row.cause)));
  for (const auto& v :
       {row.initial_loss, row.final_loss, row.best_loss, row.train_accuracy, row.test_accuracy})
    s.bind(++i, v);
  if (row.epochs_to_target)
    sqlite3_bind_int64(s.get(), ++i, *row.epochs_to_target);
  else
    sqlite3_bind_null(s.get(), ++i);
  s.bind(++i, std::optional<double>(row.seconds));
  s.bind(++i, row.sharpness_init);
  s.bind(++i, row.summary);
  s.step();
}

void ResultStore::insert_all(const std::vector<RunRow>& rows) {
  exec("BEGIN IMMEDIATE");
  try {
    for (const auto& row : rows) insert(row);
    exec("COMMIT");
  } catch (...) {
    exec("ROLLBACK");
    throw;
  }
}

std::vector<RunRow> ResultStore::rows() const {
  Statement s(db_,
              "SELECT key, grid_index, verdict, cause, initial_loss, final_loss, best_loss, "
              "train_accuracy, test_accuracy, epochs_to_target, seconds, sharpness_init, summary "
              "FROM runs ORDER BY grid_index");
  std::vector<RunRow> rows;
  while (s.step()) {
    RunRow r;
    r.key = s.text(0);
    r.grid_index = sqlite3_column_int64(s.get(), 1);
    r.verdict = verdict_from_text(s.text(2), path_);
    r.cause = cause_from_text(s.text(3), path_);
    r.initial_loss = s.real(4);
    r.final_loss = s.real(5);
    r.best_loss = s.real(6);
    r.train_accuracy = s.real(7);
    r.test_accuracy = s.real(8);
    if (sqlite3_column_type(s.get(), 9) != SQLITE_NULL)
      r.epochs_to_target = sqlite3_column_int64(s.get(), 9);
    r.seconds = s.real(10).value_or(0.0);
    r.sharpness_init = s.real(11);
    r.summary = s.text(12);
    r.options = nlohmann::json::parse(r.summary, nullptr, false).value("options", nlohmann::json());
    rows.push_back(std::move(r));
  }
  return rows;
}

std::string ResultStore::integrity_check() const {
  Statement s(db_, "PRAGMA integrity_check");
  std::string result;
  while (s.step()) {
    result += result.empty() ? "" : "; ";
    result += s.text(0);
  }
  return result;
}

std::string ResultStore::to_csv() const {
  Statement s(db_, "SELECT * FROM runs ORDER BY grid_index");
  const int columns = sqlite3_column_count(s.get());
  std::string csv, header;
  for (int c = 0; c < columns; ++c) {
    const std::string name = sqlite3_column_name(s.get(), c);
    if (name != "summary") header += (header.empty() ? "" : ",") + name;
  }
  csv = header + "\n";
  while (s.step()) {
    std::string line;
    bool first = true;
    for (int c = 0; c < columns; ++c) {
      if (std::string(sqlite3_column_name(s.get(), c)) == "summary") continue;
      if (!first) line += ',';
      first = false;
      switch (sqlite3_column_type(s.get(), c)) {
        case SQLITE_NULL:
          break;
        case SQLITE_INTEGER:
          line += std::to_string(sqlite3_column_int64(s.get(), c));
          break;
        case SQLITE_FLOAT:
          line += shortest_text(sqlite3_column_double(s.get(), c));
          break;
        default:
          line += csv_field(s.text(c));
      }
    }
    csv += line + "\n";
  }
  return csv;
}

}  // namespace mlpscope
