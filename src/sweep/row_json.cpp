#include "sweep/row_json.h"

#include <cmath>

#include "core/error.h"

namespace mlpscope {

namespace {

nlohmann::json real(const std::optional<double>& v) {
  if (!v) return nullptr;
  if (std::isnan(*v)) return "nan";
  if (std::isinf(*v)) return *v > 0 ? "inf" : "-inf";
  return *v;
}

std::optional<double> real_from(const nlohmann::json& j) {
  if (j.is_null()) return std::nullopt;
  if (j.is_number()) return j.get<double>();
  const std::string s = j.get<std::string>();
  if (s == "nan") return NAN;
  if (s == "inf") return INFINITY;
  if (s == "-inf") return -INFINITY;
  throw Error("sweep row: '" + s + "' is not a number");
}

}  // namespace

nlohmann::json row_to_json(const RunRow& r) {
  return {{"key", r.key},
          {"grid_index", r.grid_index},
          {"options", r.options},
          {"verdict", name(r.verdict)},
          {"cause", name(r.cause)},
          {"initial_loss", real(r.initial_loss)},
          {"final_loss", real(r.final_loss)},
          {"best_loss", real(r.best_loss)},
          {"train_accuracy", real(r.train_accuracy)},
          {"test_accuracy", real(r.test_accuracy)},
          {"epochs_to_target", r.epochs_to_target ? nlohmann::json(*r.epochs_to_target) : nullptr},
          {"seconds", real(r.seconds)},
          {"sharpness_init", real(r.sharpness_init)},
          {"summary", r.summary}};
}

RunRow row_from_json(const nlohmann::json& j) {
  try {
    RunRow r;
    r.key = j.at("key").get<std::string>();
    r.grid_index = j.at("grid_index").get<long long>();
    r.options = j.at("options");
    r.verdict = verdict_from_text(j.at("verdict").get<std::string>(), "sweep row");
    r.cause = cause_from_text(j.at("cause").get<std::string>(), "sweep row");
    r.initial_loss = real_from(j.at("initial_loss"));
    r.final_loss = real_from(j.at("final_loss"));
    r.best_loss = real_from(j.at("best_loss"));
    r.train_accuracy = real_from(j.at("train_accuracy"));
    r.test_accuracy = real_from(j.at("test_accuracy"));
    if (!j.at("epochs_to_target").is_null())
      r.epochs_to_target = j.at("epochs_to_target").get<long long>();
    r.seconds = real_from(j.at("seconds")).value_or(0.0);
    r.sharpness_init = real_from(j.at("sharpness_init"));
    r.summary = j.at("summary").get<std::string>();
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("sweep row: ") + e.what());
  }
}

}  // namespace mlpscope
