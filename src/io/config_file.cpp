#include "io/config_file.h"

#include <toml++/toml.h>
#include <cstdio>

#include "core/error.h"

namespace mlpscope {

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
    for (const auto& item : *a) {
      if (!joined.empty()) joined += ',';
      joined += toml_value_to_string(item, where);
    }
    return joined;
  }
  throw Error(where + ": expected a string, number, boolean or array");
}

std::vector<ConfigEntry> entries(const toml::table& table, const std::string& source_name) {
  std::vector<ConfigEntry> result;
  for (const auto& [key, node] : table) {
    ConfigEntry entry{std::string(key.str()), {}, node.source().begin.line};
    const std::string where = "config " + source_name + " line " + std::to_string(entry.line) +
                              ", key '" + entry.key + "'";
    entry.value = toml_value_to_string(node, where);
    result.push_back(std::move(entry));
  }
  return result;
}

[[noreturn]] void throw_parse_error(const toml::parse_error& e, const std::string& source_name) {
  // toml++ reports line 0 for a file it could not open.
  const auto line = e.source().begin.line;
  throw Error("config " + source_name + (line > 0 ? " line " + std::to_string(line) : "") + ": " +
              std::string(e.description()));
}

}  // namespace

std::vector<ConfigEntry> read_config_file(const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw_parse_error(e, path);
  }
  return entries(table, path);
}

std::vector<ConfigEntry> parse_config(std::string_view text, const std::string& source_name) {
  toml::table table;
  try {
    table = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    throw_parse_error(e, source_name);
  }
  return entries(table, source_name);
}

}  // namespace mlpscope
