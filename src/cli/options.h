// Registers options on a CLI11 command, layers --config FILE (TOML) under the command
// line, and hands the library plain name → value strings. No maths here.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <string>

#include "train/run_config.h"

namespace mlpscope::cli {

class CommandOptions {
 public:
  explicit CommandOptions(CLI::App& command) : command_(command) {}

  // Every row of the library's run-option table, as --NAME (flags where the default is false).
  void add_run_options();
  // One more option of this command; a flag when is_flag.
  void add(const std::string& name, const std::string& default_value, const std::string& help,
           bool is_flag = false, const std::string& short_name = "");
  // --config FILE: every key must be an option of this command; the command line wins.
  void add_config_option();
  // Call after parsing: applies the config file, if any.
  void apply_config();

  const std::string& get(const std::string& name) const { return values_.at(name); }
  bool flag(const std::string& name) const { return values_.at(name) == "true"; }
  bool given(const std::string& name) const;
  // The run options only, ready for parse_run_config().
  OptionValues run_values() const;

 private:
  CLI::App& command_;
  std::map<std::string, std::string> values_;
  std::map<std::string, bool> flag_values_;
  std::map<std::string, CLI::Option*> registered_;
  std::string config_path_;
};

}  // namespace mlpscope::cli
