#include "report/run_report.h"

#include <algorithm>
#include <set>

namespace mlpscope {

namespace {

nlohmann::json field_or_null(const nlohmann::json& object, const char* field) {
  const auto it = object.find(field);
  return it == object.end() || !it->is_number() ? nlohmann::json(nullptr) : *it;
}

nlohmann::json series(const std::vector<nlohmann::json>& records, const char* field) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : records) out.push_back(field_or_null(r, field));
  return out;
}

// One object per layer: its name and a series for each probe field.
nlohmann::json layer_series(const std::vector<nlohmann::json>& records) {
  std::size_t count = 0;
  for (const auto& r : records)
    if (r.contains("layers")) count = std::max(count, r["layers"].size());
  nlohmann::json layers = nlohmann::json::array();
  static const char* const kFields[] = {"preact_mean", "preact_std",    "act_mean",
                                        "act_std",     "dead_fraction", "saturated_fraction",
                                        "weight_norm", "grad_norm",     "update_ratio"};
  for (std::size_t l = 0; l < count; ++l) {
    nlohmann::json layer = {
        {"name", l + 1 == count ? std::string("output") : "layer " + std::to_string(l + 1)}};
    for (const char* field : kFields) {
      nlohmann::json values = nlohmann::json::array();
      for (const auto& r : records) {
        const bool has = r.contains("layers") && l < r["layers"].size();
        values.push_back(has ? field_or_null(r["layers"][l], field) : nlohmann::json(nullptr));
      }
      layer[field] = std::move(values);
    }
    layers.push_back(std::move(layer));
  }
  return layers;
}

std::string describe_network(const nlohmann::json& options) {
  if (!options.is_object()) return "";
  auto text = [&](const char* key) {
    const auto it = options.find(key);
    if (it == options.end()) return std::string("?");
    return it->is_string() ? it->get<std::string>() : it->dump();
  };
  return text("data") + " · hidden " + text("hidden") + " " + text("activation") + " · " +
         text("output") + " + " + text("loss") + " · init " + text("init") + " ×" +
         text("init-scale") + " · " + text("optimizer") + " lr " + text("lr") + " batch " +
         text("batch") + " · seed " + text("seed");
}

}  // namespace

nlohmann::json run_report_data(const RunRecords& records,
                               const std::optional<DecisionGrid>& boundary,
                               const std::string& source) {
  const auto& epochs = records.epochs;
  std::set<long long> seen;
  bool shared_epoch = false;
  for (const auto& r : epochs) shared_epoch |= !seen.insert(r.value("epoch", 0LL)).second;
  const char* x_field = shared_epoch ? "step" : "epoch";

  nlohmann::json d = {{"kind", "run"},
                      {"x_label", x_field},
                      {"x", series(epochs, x_field)},
                      {"series",
                       {{"loss", series(epochs, "loss")},
                        {"test_loss", series(epochs, "test_loss")},
                        {"accuracy", series(epochs, "accuracy")},
                        {"test_accuracy", series(epochs, "test_accuracy")},
                        {"lr", series(epochs, "lr")}}},
                      {"layers", layer_series(epochs)}};

  const nlohmann::json& s = records.summary;
  const nlohmann::json options =
      s.is_object() && s.contains("options") ? s["options"] : nlohmann::json::object();
  d["options"] = options;
  d["title"] = s.is_object() ? "Run report: " + s.value("verdict", std::string("?")) +
                                   (s.value("cause", nlohmann::json()).is_string()
                                        ? ": " + s["cause"].get<std::string>()
                                        : "")
                             : std::string("Run report (no summary: the run did not finish)");
  d["subtitle"] = source + (options.empty() ? "" : " · " + describe_network(options));
  if (s.is_object()) {
    d["verdict"] = {
        {"verdict", s.value("verdict", std::string())},
        {"cause", s.value("cause", nlohmann::json()).is_string() ? s["cause"] : nlohmann::json("")},
        {"explanation", s.value("explanation", std::string())},
        {"suggestions", s.value("suggestions", nlohmann::json::array())},
        {"checks", s.value("checks", nlohmann::json::array())}};
    nlohmann::json numbers = nlohmann::json::object();
    for (const char* f : {"initial_loss", "final_loss", "best_loss", "train_accuracy",
                          "test_accuracy", "epochs", "diverged_at_step"})
      numbers[f] = field_or_null(s, f);
    d["summary"] = numbers;
  } else {
    d["verdict"] = nullptr;
    d["summary"] = {{"initial_loss", field_or_null(epochs.front(), "loss")},
                    {"final_loss", field_or_null(epochs.back(), "loss")},
                    {"train_accuracy", field_or_null(epochs.back(), "accuracy")}};
  }

  // Sharpness where measured, against 2/lr: plain gradient descent is stable while λmax < 2/lr.
  nlohmann::json sx = nlohmann::json::array(), sv = nlohmann::json::array();
  double lr = 0.0;
  for (const auto& r : epochs) {
    if (r.contains("sharpness") && r["sharpness"].is_number()) {
      sx.push_back(r[x_field]);
      sv.push_back(r["sharpness"]);
      if (lr == 0.0) lr = r.value("lr", 0.0);
    }
  }
  if (!sv.empty() && lr > 0) {
    const std::string optimizer = options.value("optimizer", std::string("sgd"));
    d["sharpness"] = {
        {"x", sx},
        {"values", sv},
        {"threshold", 2.0 / lr},
        {"lr", lr},
        {"note", optimizer == "sgd"
                     ? ""
                     : "With " + optimizer +
                           " the bound differs (momentum μ raises it to 2(1+μ)/lr; adaptive "
                           "methods rescale each direction): read the line as a guide."}};
  } else {
    d["sharpness"] = nullptr;
  }
  d["boundary"] = boundary ? to_json(*boundary) : nlohmann::json(nullptr);
  return d;
}

}  // namespace mlpscope
