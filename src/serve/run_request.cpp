#include "serve/run_request.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "serve/data_dir.h"

namespace mlpscope::serve {

namespace {

// One JSON value as the command line would spell it.
std::string option_text(const std::string& name, const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_integer() || value.is_number_unsigned()) return value.dump();
  if (value.is_number_float()) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.17g", value.get<double>());
    return buffer;
  }
  if (value.is_array()) {
    std::string joined;
    for (const nlohmann::json& item : value) {
      if (item.is_array() || item.is_object())
        throw SettingError(name, "a list may hold only numbers, strings and booleans");
      if (!joined.empty()) joined += ',';
      joined += option_text(name, item);
    }
    return joined;
  }
  throw SettingError(name, "must be a string, a number, a boolean or a list of them");
}

bool in_table(std::span<const OptionInfo> table, const std::string& name) {
  for (const OptionInfo& row : table)
    if (name == row.name) return true;
  return false;
}

}  // namespace

RunRequest parse_run_request(std::string_view body,
                             const std::optional<std::filesystem::path>& data_dir) {
  const nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) throw Error("the body is not JSON: send one object of run options");
  if (!json.is_object())
    throw Error("the body must be one JSON object of run options, e.g. {\"data\": \"spiral\"}");
  OptionValues run, watch;
  for (const auto& [name, value] : json.items()) {
    if (in_table(watch_options(true), name))
      watch[name] = option_text(name, value);
    else if (in_table(run_options(), name))
      run[name] = option_text(name, value);
    else
      throw SettingError(name, "not an option of a run (see GET /api/options)");
  }
  RunRequest request;
  request.run_values = run;
  confine_paths(run, data_dir);
  request.config = parse_run_config(run);
  request.watch = parse_watch_config(watch, true);
  return request;
}

}  // namespace mlpscope::serve
