#include "cli/options.h"

#include <cstdio>
#include <toml++/toml.h>

#include "core/error.h"

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

namespace {

std::string toml_value_to_string(const toml::node& node, const std::string& where) {
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  if (const auto* f = node.as_floating_point()) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.17g", f->get());
    return buffer;
  }
  if (const auto* a = node.as_array()) {  // hidden = [256, 128]
    std::string joined;
    for (const auto& item : *a) joined += (joined.empty() ? "" : ",") + toml_value_to_string(item, where);
    return joined;
  }
  throw Error(where + ": expected a string, number, boolean or array");
}

}  // namespace

void CommandOptions::apply_config() {
  for (auto& [name, flag] : flag_values_)
    if (given(name)) values_[name] = flag ? "true" : "false";
  if (config_path_.empty()) return;
  toml::table table;
  try {
    table = toml::parse_file(config_path_);
  } catch (const toml::parse_error& e) {
    // toml++ reports line 0 for a file it could not open.
    const auto line = e.source().begin.line;
    throw Error("config " + config_path_ + (line > 0 ? " line " + std::to_string(line) : "") +
                ": " + std::string(e.description()));
  }
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    const std::string where = "config " + config_path_ + " line " +
                              std::to_string(node.source().begin.line) + ", key '" + name + "'";
    if (!values_.contains(name) || name == "config")
      throw Error(where + ": unknown key (keys are the option names of '" + command_.get_name() +
                  "', without --)");
    if (given(name)) continue;
    values_[name] = toml_value_to_string(node, where);
  }
}

OptionValues CommandOptions::run_values() const {
  OptionValues run;
  for (const auto& o : run_options()) run[o.name] = values_.at(o.name);
  return run;
}

}  // namespace mlpscope::cli
