#include "sweep/scale_law.h"

#include <cmath>

namespace mlpscope {

namespace {

bool positively_homogeneous(const std::string& activation) {
  return activation == "relu" || activation == "identity" || activation.starts_with("leaky_relu");
}

int weight_layers(const nlohmann::json& options) {
  return static_cast<int>(options.at("hidden").size()) + 1;
}

}  // namespace

std::optional<int> homogeneity_sharpness_exponent(const nlohmann::json& options) {
  if (!positively_homogeneous(options.value("activation", "")) ||
      options.value("bias-init", "") != "zeros" ||
      !options.value("init-from", nlohmann::json()).is_null())
    return std::nullopt;
  const int d = weight_layers(options);
  const std::string loss = options.value("loss", ""), output = options.value("output", "");
  if (output == "identity") return loss == "mse" ? std::optional(2 * (d - 1)) : std::nullopt;
  if (loss == "cross_entropy" || loss == "bce") return d >= 2 ? std::optional(d - 2) : std::nullopt;
  return std::nullopt;  // MSE through a saturating output: λmax falls, no power law
}

double predicted_stable_lr(double stable_lr_at_c0, double c0, double c, int k) {
  return stable_lr_at_c0 * std::pow(c / c0, -k);
}

std::string describe_homogeneity(const nlohmann::json& options) {
  const int d = weight_layers(options);
  return options.value("activation", "") + ", " + std::to_string(d) + " weight layer" +
         (d == 1 ? "" : "s") + ", no biases, " + options.value("output", "") + " + " +
         options.value("loss", "");
}

}  // namespace mlpscope
