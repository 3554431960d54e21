#include "run/diagnosis_json.h"

#include "run/run_log.h"

namespace mlpscope {

namespace {

nlohmann::json optional_json(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json diagnosis_to_json(const Diagnosis& d) {
  nlohmann::json layers = nlohmann::json::array();
  for (std::size_t l = 0; l < d.at_init.layers.size(); ++l) {
    const LayerStats& m = d.at_init.layers[l];
    nlohmann::json j = layer_to_json(m);
    j["measured_std"] = m.preact_std;
    j["predicted_std"] =
        l < d.theory.size() ? nlohmann::json(d.theory[l].preact_std) : nlohmann::json(nullptr);
    j["predicted_mean"] =
        l < d.theory.size() ? nlohmann::json(d.theory[l].preact_mean) : nlohmann::json(nullptr);
    j["he_std"] =
        l < d.theory.size() ? nlohmann::json(d.theory[l].he_std) : nlohmann::json(nullptr);
    j["he_ratio"] =
        l < d.theory.size() ? nlohmann::json(d.theory[l].he_ratio) : nlohmann::json(nullptr);
    layers.push_back(std::move(j));
  }
  const OutputStats& o = *d.at_init.output;
  nlohmann::json j = {
      {"layers", layers},
      {"output_saturation",
       {{"mean_top_probability", o.mean_top_probability},
        {"confident_fraction", o.confident_fraction},
        {"logit_gradient", o.logit_gradient},
        {"majority_fraction", o.majority_fraction}}},
      {"loss", d.at_init.loss},
      {"accuracy", d.at_init.accuracy},
      {"sharpness", d.sharpness.lambda_max},
      {"sharpness_iterations", d.sharpness.iterations},
      {"sharpness_converged", d.sharpness.converged},
      {"max_stable_lr", optional_json(d.max_stable_lr)},
      {"lr", d.facts.lr},
      {"predicted_verdict", name(d.prediction.verdict)},
      {"cause", d.prediction.cause == Cause::none ? nlohmann::json(nullptr)
                                                  : nlohmann::json(name(d.prediction.cause))},
      {"explanation", d.prediction.explanation},
      {"suggestions", d.prediction.suggestions},
      {"checks", d.prediction.checks}};
  if (d.regime_bounds)
    j["regime"] = {{"name", name(d.regime)},
                   {"stable_below", d.regime_bounds->stable_below},
                   {"catapult_below", d.regime_bounds->catapult_below}};
  else
    j["regime"] = nullptr;
  if (d.homogeneity) {
    nlohmann::json points = nlohmann::json::array();
    for (const auto& p : d.homogeneity->points)
      points.push_back({{"scale", p.scale},
                        {"output_std", p.output_std},
                        {"grad_norm", p.grad_norm},
                        {"sharpness", p.sharpness},
                        {"loss", p.loss}});
    j["homogeneity"] = {{"depth", d.homogeneity->depth},
                        {"output_exponent", d.homogeneity->output_exponent},
                        {"grad_exponent", d.homogeneity->grad_exponent},
                        {"sharpness_exponent", d.homogeneity->sharpness_exponent},
                        {"stable_lr_exponent", -d.homogeneity->sharpness_exponent},
                        {"points", points}};
  }
  return j;
}

}  // namespace mlpscope
