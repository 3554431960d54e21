// `mlpscope lr-find` as a library call: Smith's learning-rate range test beside the
// prediction before training.
//
// The range test (L. N. Smith, "Cyclical Learning Rates for Training Neural Networks",
// WACV 2017; fastai's lr_find): from the initial network, take N optimizer steps on
// successive minibatches with the learning rate growing geometrically,
//   lrᵢ = lr_min · (lr_max / lr_min)^(i / (N − 1)),   i = 0 … N − 1,
// and record the batch loss ℓᵢ each step sees (before its update). The curve is smoothed
// by an exponential moving average with bias correction, as fastai does:
//   aᵢ = β·aᵢ₋₁ + (1 − β)·ℓᵢ,  a₋₁ = 0,   sᵢ = aᵢ / (1 − β^(i+1)).
// The test stops once sᵢ exceeds stop_factor (4) × its minimum so far, or is not finite:
// the learning rate there is the measured divergence point.
//
// Suggestions: the lr of the steepest descent of s against log lr (the most negative
// difference ds/dlog lr over a window of ±steps/20, from step steps/10 on and up to one
// window before the minimum of s; steepest_descent_index says why), reported as
// `suggested_lr`; and the lr at the minimum of s divided by 10. Where s never falls below
// its first value by kMinDescent (5%), there is no descent to point at (a saturated
// network, whose loss no learning rate moves): no suggestion, and the curve says so.
//
// The prediction before training: λ0, the sharpness of the initial network on the probe
// set (diagnose/sharpness.h, the value `mlpscope diagnose` prints), and gradient descent's
// stability bound 2(1+μ)/λ0. An lr below it is stable; between it and the measured
// divergence point the loss spikes and then recovers as the sharpness falls (the catapult
// phase, Lewkowycz et al. 2020, "The large learning rate phase of deep learning"); above
// the divergence point it diverges.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "diagnose/lr_regime.h"
#include "diagnose/sharpness.h"
#include "run/run.h"
#include "run/run_config.h"

namespace mlpscope {

// The least fall of the smoothed loss, as a share of its first value, that makes a
// suggestion: below it the curve is noise around a flat line.
constexpr double kMinDescent = 0.05;

struct LrRangeConfig {
  double lr_min = 1e-6, lr_max = 10.0;
  int steps = 100;
  double smoothing = 0.98;   // β of the moving average
  double stop_factor = 4.0;  // stop once the smoothed loss passes this × its minimum
  Index probe_samples = 1000;
};

// lr-find's own settings beyond the run's: lr-min, lr-max, steps, smoothing, probe-samples.
std::span<const OptionInfo> lr_range_options();
// Their values (missing ones take their defaults) checked; a bad one is a SettingError.
LrRangeConfig parse_lr_range_config(const OptionValues& values);

struct LrRangePoint {
  int step = 0;           // 1-based
  double lr = 0.0;        // the learning rate of this step
  double loss = 0.0;      // the mean loss of its batch, before the update
  double smoothed = 0.0;  // sᵢ, bias-corrected
};

struct LrRangeResult {
  LrRangeConfig config;
  std::vector<LrRangePoint> points;     // the steps taken, the stopping one included
  bool stopped_early = false;           // the smoothed loss passed the bound, or overflowed
  std::optional<double> diverged_lr;    // the lr of the step that stopped the test
  double descent = 0.0;                 // 1 − min s / first s: how far the smoothed loss fell
  std::optional<double> steepest_lr;    // the suggestion (none when descent < kMinDescent)
  std::optional<double> min_loss_lr;    // the lr at the minimum of the smoothed loss
  Sharpness sharpness;                  // λ0 on the probe set
  std::optional<double> max_stable_lr;  // 2(1+μ)/λ0
  bool adaptive = false;  // an adaptive optimizer (adam, rmsprop): 2/λ0 bounds plain GD only
  Index probe_samples = 0;

  // The suggestion's regime (unknown when there is none).
  LrRegime suggested_regime() const;
  // Any lr's regime: below 2(1+μ)/λ0 stable, below the divergence point catapult, at or
  // above it divergent; unknown where a bound it needs was not found.
  LrRegime regime_of(double lr) const;
};

// The test on config's network and data (its init, loss, optimizer, batch and seed; its lr
// and epochs are not used): the curve, the suggestions and λ0.
LrRangeResult lr_range_test(const RunConfig& config, const PreparedData& data,
                            const LrRangeConfig& options);

// The schedule alone: lr of step i (0-based) of n.
double lr_at_step(const LrRangeConfig& options, int i);
// The suggestions from a curve (exposed for tests): the index of the steepest descent of
// the smoothed loss against log lr before its minimum, the slope taken over ±window steps,
// and the index of its minimum; -1 when none.
int steepest_descent_index(const std::vector<LrRangePoint>& points, int window);
int minimum_index(const std::vector<LrRangePoint>& points);
// The window the test uses: a twentieth of its steps (5 of 100, a third of a decade of lr
// on either side with the default range).
int slope_window(const LrRangeConfig& options);

}  // namespace mlpscope
