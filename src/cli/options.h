// Registers options on a CLI11 command, layers --config FILE (TOML) under the command
// line, and hands the library plain name → value strings. No maths here.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <span>
#include <string>

#include "run/run.h"
#include "run/run_config.h"

namespace mlpscope::cli {

class CommandOptions {
 public:
  explicit CommandOptions(CLI::App& command) : command_(command) {}

  // Every row of one of the library's option tables (run_options(), watch_options(), …),
  // as --NAME: a flag where the default is false.
  void add_table(std::span<const OptionInfo> table);
  void add_run_options() { add_table(run_options()); }
  // One more option of this command; a flag when is_flag.
  void add(const std::string& name, const std::string& default_value, const std::string& help,
           bool is_flag = false, const std::string& short_name = "");
  // --config FILE: every key must be an option of this command; the command line wins.
  void add_config_option();
  // Call after parsing: applies the config file, if any.
  void apply_config();

  const std::string& get(const std::string& name) const { return values_.at(name); }
  bool has(const std::string& name) const { return values_.contains(name); }
  bool flag(const std::string& name) const { return values_.at(name) == "true"; }
  bool given(const std::string& name) const;
  // The values of one table's options, ready for its parse_* function.
  OptionValues values_of(std::span<const OptionInfo> table) const;
  OptionValues run_values() const { return values_of(run_options()); }

 private:
  CLI::App& command_;
  std::map<std::string, std::string> values_;
  std::map<std::string, bool> flag_values_;
  std::map<std::string, CLI::Option*> registered_;
  std::string config_path_;
};

// Results are written at the end of a command (a model, a report): a path that cannot be
// written fails before any work, naming --OPTION: a missing directory, a directory in its
// place, no write permission.
void check_writable(const std::string& path, const std::string& option);

}  // namespace mlpscope::cli
