#include "cli/options.h"

#include <unistd.h>

#include <filesystem>

#include "core/error.h"
#include "core/strings.h"
#include "io/config_file.h"

namespace mlpscope::cli {

void CommandOptions::add_run_options() {
  for (const auto& o : run_options()) {
    const std::string def = o.default_value;
    add(o.name, def, o.help, def == "false");
  }
}

void CommandOptions::add(const std::string& name, const std::string& default_value,
                         const std::string& help, bool is_flag, const std::string& short_name) {
  values_[name] = default_value;
  if (is_flag) {
    flag_values_[name] = false;
    registered_[name] = command_.add_flag("--" + name, flag_values_[name], help);
    return;
  }
  std::string described = help;
  if (!default_value.empty()) described += " [default: " + default_value + "]";
  const std::string names = (short_name.empty() ? "" : "-" + short_name + ",") + "--" + name;
  registered_[name] = command_.add_option(names, values_[name], described);
}

void CommandOptions::add_config_option() {
  command_.add_option("--config", config_path_,
                      "TOML file whose keys are this command's option names; the command "
                      "line overrides it");
}

bool CommandOptions::given(const std::string& name) const {
  const auto it = registered_.find(name);
  return it != registered_.end() && it->second->count() > 0;
}

void CommandOptions::apply_config() {
  for (auto& [name, flag] : flag_values_)
    if (given(name)) values_[name] = flag ? "true" : "false";
  if (config_path_.empty()) return;
  for (const ConfigEntry& entry : read_config_file(config_path_)) {
    const std::string& name = entry.key;
    if (!values_.contains(name) || name == "config")
      throw Error("config " + config_path_ + " line " + std::to_string(entry.line) + ", key '" +
                  name + "': unknown key (keys are the option names of '" + command_.get_name() +
                  "', without --)");
    if (given(name)) continue;
    values_[name] = entry.value;
  }
}

OptionValues CommandOptions::run_values() const {
  OptionValues run;
  for (const auto& o : run_options()) run[o.name] = values_.at(o.name);
  return run;
}

void add_watch_options(CommandOptions& options, bool periodic) {
  options.add("probe-samples", "1000",
              "probe set size for per-layer statistics and the verdict's cause (0: off)");
  options.add("sharpness-every", "0",
              periodic
                  ? "Hessian top eigenvalue at initialization (0), also every N epochs, or never"
                  : "Hessian top eigenvalue at initialization (0), for the 2/λmax boundary, "
                    "or never");
}

WatchConfig watch_config(const CommandOptions& options) {
  WatchConfig w;
  const long long probes = setting_integer(options.get("probe-samples"), "probe-samples");
  if (probes < 0)
    setting_error("probe-samples", "must be 0 (probes off) or a positive number of samples");
  w.probe_samples = static_cast<Index>(probes);
  const std::string sharpness = options.get("sharpness-every");
  w.sharpness_every =
      sharpness == "never" ? -1 : static_cast<int>(setting_integer(sharpness, "sharpness-every"));
  const bool periodic = options.has("every");  // train's: a sweep has no per-epoch λmax
  if (w.sharpness_every < -1 || (!periodic && w.sharpness_every > 0))
    setting_error("sharpness-every",
                  periodic ? "must be 0 (at initialization only), N epochs, or never"
                           : "must be 0 (at initialization) or never, got " + sharpness);
  if (periodic) {
    w.every = setting_integer(options.get("every"), "every");
    if (w.every < 0)
      setting_error("every", "must be 0 (epoch ends only) or a positive number of steps");
  }
  return w;
}

void check_writable(const std::string& path, const std::string& option) {
  namespace fs = std::filesystem;
  const fs::path parent = fs::absolute(path).parent_path();
  std::error_code ec;
  if (!fs::is_directory(parent, ec))
    setting_error(option, "directory " + parent.string() + " does not exist");
  if (fs::is_directory(path, ec)) setting_error(option, path + " is a directory");
  if (::access(parent.c_str(), W_OK) != 0)
    setting_error(option, "cannot write to " + parent.string());
}

}  // namespace mlpscope::cli
