// `mlpscope diagnose` as a library call: the network at initialization, before any
// training. Per layer the measured statistics beside the theory's prediction, the
// sharpness and the largest stable learning rate, and a predicted verdict.
//
// With homogeneity on, every weight is scaled by c over a log-spaced range and the output
// scale (std of the logits), the gradient norm and the sharpness are measured at each c;
// the exponents are least-squares slopes of log(metric) against log(c). For a bias-free
// relu network of d layers the logits are exactly c^d times those at c = 1 (positive
// homogeneity: relu(c·x) = c·relu(x)); what the loss's gradient and curvature do depends on
// the output and the loss, and the tool reports what it measures.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "diagnose/lr_regime.h"
#include "diagnose/sharpness.h"
#include "diagnose/theory.h"
#include "diagnose/verdict.h"
#include "io/model.h"
#include "run/run.h"

namespace mlpscope {

struct HomogeneityPoint {
  double scale = 1.0;
  double output_std = 0.0;  // std of the logits over the probe set
  double grad_norm = 0.0;   // ‖∇L‖ over every parameter
  double sharpness = 0.0;   // λmax
  double loss = 0.0;
};

struct Homogeneity {
  std::vector<HomogeneityPoint> points;
  double output_exponent = 0.0, grad_exponent = 0.0, sharpness_exponent = 0.0;
  int depth = 0;  // layers with weights
};

struct Diagnosis {
  EpochRecord at_init;  // loss, accuracy, layers, output, sharpness on the probe set
  std::vector<LayerPrediction> theory;
  Sharpness sharpness;
  std::optional<double> max_stable_lr;
  // The lr regimes predicted from λ0 (diagnose/lr_regime.h), and the one --lr falls in.
  std::optional<LrRegimeBounds> regime_bounds;
  LrRegime regime = LrRegime::unknown;
  RunFacts facts;
  Verdict prediction;
  std::optional<Homogeneity> homogeneity;
};

struct DiagnoseConfig {
  Index probe_samples = 1000;
  bool homogeneity = false;
  double scale_low = 0.25, scale_high = 4.0;
  int scale_points = 9;
};

// diagnose's own settings beyond the run's: probe-samples, homogeneity, scales.
std::span<const OptionInfo> diagnose_options();
// Their values (missing ones take their defaults) checked; a bad one is a SettingError.
DiagnoseConfig parse_diagnose_config(const OptionValues& values);

// `start`: the network to diagnose, already read (check's user network), with the shape
// of config's architecture for data; null: the one config draws or reads (--init-from).
Diagnosis diagnose(const RunConfig& config, const PreparedData& data, const DiagnoseConfig& options,
                   const Model* start = nullptr);

// Least-squares slope of log(y) against log(x) over the points where both are positive.
double log_log_slope(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace mlpscope
