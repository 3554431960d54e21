#include "run/lr_range_json.h"

#include <cmath>
#include <limits>
#include <string>

#include "core/error.h"

namespace mlpscope {

namespace {

nlohmann::json optional_json(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// null where the value is not finite: JSON has no NaN.
nlohmann::json number_json(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

const nlohmann::json& field(const nlohmann::json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) {
    std::string message = "lr-find JSON: missing field '";
    message += key;
    message += "'";
    throw Error(message);
  }
  return j.at(key);
}

double number_of(const nlohmann::json& j, const char* key) {
  const nlohmann::json& v = field(j, key);
  if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (!v.is_number()) {
    std::string message = "lr-find JSON: field '";
    message += key;
    message += "' is not a number";
    throw Error(message);
  }
  return v.get<double>();
}

std::optional<double> optional_of(const nlohmann::json& j, const char* key) {
  if (field(j, key).is_null()) return std::nullopt;
  return number_of(j, key);
}

}  // namespace

nlohmann::json lr_range_to_json(const LrRangeResult& r) {
  nlohmann::json points = nlohmann::json::array();
  for (const LrRangePoint& p : r.points)
    points.push_back({{"step", p.step},
                      {"lr", p.lr},
                      {"loss", number_json(p.loss)},
                      {"smoothed", number_json(p.smoothed)}});
  return {{"lr_min", r.config.lr_min},
          {"lr_max", r.config.lr_max},
          {"steps", r.config.steps},
          {"smoothing", r.config.smoothing},
          {"stop_factor", r.config.stop_factor},
          {"points", points},
          {"stopped_early", r.stopped_early},
          {"diverged_lr", optional_json(r.diverged_lr)},
          {"descent", number_json(r.descent)},
          {"suggested_lr", optional_json(r.steepest_lr)},
          {"min_loss_lr", optional_json(r.min_loss_lr)},
          {"min_loss_lr_over_10",
           r.min_loss_lr ? nlohmann::json(*r.min_loss_lr / 10) : nlohmann::json(nullptr)},
          {"sharpness", r.sharpness.lambda_max},
          {"sharpness_iterations", r.sharpness.iterations},
          {"sharpness_converged", r.sharpness.converged},
          {"probe_samples", r.probe_samples},
          {"max_stable_lr", optional_json(r.max_stable_lr)},
          {"adaptive", r.adaptive},
          {"suggested_regime", name(r.suggested_regime())}};
}

LrRangeResult lr_range_from_json(const nlohmann::json& j) {
  LrRangeResult r;
  r.config.lr_min = number_of(j, "lr_min");
  r.config.lr_max = number_of(j, "lr_max");
  r.config.steps = static_cast<int>(number_of(j, "steps"));
  r.config.smoothing = number_of(j, "smoothing");
  r.config.stop_factor = number_of(j, "stop_factor");
  const nlohmann::json& points = field(j, "points");
  if (!points.is_array()) throw Error("lr-find JSON: field 'points' is not an array");
  for (const nlohmann::json& p : points)
    r.points.push_back({static_cast<int>(number_of(p, "step")), number_of(p, "lr"),
                        number_of(p, "loss"), number_of(p, "smoothed")});
  const nlohmann::json& stopped = field(j, "stopped_early");
  if (!stopped.is_boolean()) throw Error("lr-find JSON: field 'stopped_early' is not a boolean");
  r.stopped_early = stopped.get<bool>();
  r.diverged_lr = optional_of(j, "diverged_lr");
  r.descent = number_of(j, "descent");
  r.steepest_lr = optional_of(j, "suggested_lr");
  r.min_loss_lr = optional_of(j, "min_loss_lr");
  r.sharpness.lambda_max = number_of(j, "sharpness");
  r.sharpness.iterations = static_cast<int>(number_of(j, "sharpness_iterations"));
  r.sharpness.converged = field(j, "sharpness_converged").get<bool>();
  r.probe_samples = static_cast<Index>(number_of(j, "probe_samples"));
  r.max_stable_lr = optional_of(j, "max_stable_lr");
  r.adaptive = field(j, "adaptive").get<bool>();
  r.config.probe_samples = r.probe_samples;
  return r;
}

}  // namespace mlpscope
