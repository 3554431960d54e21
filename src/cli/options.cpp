#include "cli/options.h"

#include <unistd.h>

#include <filesystem>

#include "core/error.h"
#include "core/strings.h"
#include "io/config_file.h"

namespace mlpscope::cli {

void CommandOptions::add_table(std::span<const OptionInfo> table) {
  for (const auto& o : table) {
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

OptionValues CommandOptions::values_of(std::span<const OptionInfo> table) const {
  OptionValues values;
  for (const auto& o : table) values[o.name] = values_.at(o.name);
  return values;
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
