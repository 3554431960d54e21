// What a run records: one EpochRecord at initialization and after every epoch (and every
// --every steps), with per-layer probe statistics where probes are on, and the summary.
// Plain data with no scalar type, so that logs, verdicts and sweeps share it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/types.h"

namespace mlpscope {

// Per layer, measured on the probe set (diagnose/probes.h documents each field).
struct LayerStats {
  double preact_mean = 0.0, preact_std = 0.0;
  double act_mean = 0.0, act_std = 0.0;
  std::optional<double> dead_fraction;       // hidden layers of the relu family
  std::optional<double> saturated_fraction;  // hidden layers of sigmoid and tanh
  double weight_norm = 0.0;                  // ‖W‖ (Frobenius)
  double grad_norm = 0.0;                    // ‖(dW, db)‖ of the mean loss over the probe set
  std::optional<double> update_ratio;        // ‖Δ(W,b)‖/‖(W,b)‖ of the last step
};

// The output layer's confidence, measured on the probe set.
struct OutputStats {
  double mean_top_probability = 0.0;  // mean over samples of the largest output
  double confident_fraction = 0.0;    // share of samples whose largest output is > 0.99
  double majority_fraction = 0.0;     // share of samples predicted as the most-predicted class
  Index predicted_classes = 0;        // how many distinct classes are predicted at all
  double logit_gradient = 0.0;        // mean over samples of ‖∂loss/∂z‖ at the output layer
};

struct EpochRecord {
  int epoch = 0;
  long long step = 0;  // optimizer steps taken so far
  double loss = 0.0;   // whole training set, after the epoch
  double accuracy = 0.0;
  std::optional<double> test_loss, test_accuracy;
  double lr = 0.0;
  double seconds = 0.0;            // wall time of this epoch's steps alone (no evaluation)
  bool within_epoch = false;       // a record written every --every steps, not at an epoch's end
  std::vector<LayerStats> layers;  // empty unless probes are on
  std::optional<OutputStats> output;
  std::optional<double> sharpness;  // λmax of the loss Hessian on the probe set
};

struct TrainSummary {
  double initial_loss = 0.0, final_loss = 0.0, best_loss = 0.0;
  double train_accuracy = 0.0;
  std::optional<double> test_accuracy;
  int epochs = 0;  // epochs run
  std::optional<long long> diverged_at_step;
  std::optional<int> diverged_at_layer;  // 1-based; 0 when only the loss overflowed
  // The highest batch loss, smoothed over ~64 samples (Stepper), and its step (0: none
  // above the initial loss): a spike, recovered from or not.
  double peak_loss = 0.0;
  long long peak_step = 0;
  double seconds = 0.0;      // total training time, evaluation excluded
  bool interrupted = false;  // stopped by TrainConfig::stop before its last epoch ended
  std::vector<EpochRecord> history;
};

}  // namespace mlpscope
