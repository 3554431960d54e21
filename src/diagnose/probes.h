// Per-layer probes: observers of a network on a fixed probe set. The layers know nothing
// of them; the trainer calls measure() at each record when probes are on.
//
// For hidden layer l with pre-activations Z (units, samples) and activations A = φ(Z):
//   preact_mean, preact_std   mean and std of every entry of Z
//   act_mean, act_std         likewise for A
//   dead_fraction             relu: share of units with A = 0 on every probe sample
//   saturated_fraction        sigmoid/tanh: share of units whose φ' is below 1% of its
//                             maximum on ≥ 99% of probe samples (diagnose/thresholds.h)
//   weight_norm               ‖W‖ (Frobenius)
//   grad_norm                 ‖(∂L/∂W, ∂L/∂b)‖, L the mean loss over the probe set
//   update_ratio              ‖Δ(W,b)‖ / ‖(W,b)‖ of the last optimizer step
// The output layer reports Z as the logits and A as the outputs P, no dead or saturated
// fraction; its confidence goes to OutputStats.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "data/dataset.h"
#include "diagnose/sharpness_memo.h"
#include "diagnose/theory.h"
#include "nn/network.h"
#include "train/record.h"
#include "train/trainer.h"

namespace mlpscope {

template <class T>
class Prober : public TrainProbe<T> {
 public:
  // A fixed sample of min(size, n) training samples drawn with stream 3 of `seed`.
  // sharpness_every: measure λmax at initialization (0), also every N epochs (N > 0), or
  // never (negative). memo: λ0 shared with the runs that start from the same network on the
  // same data (a sweep's; it must not outlive `train`), or null.
  Prober(const Dataset& train, Index size, std::uint64_t seed, int sharpness_every = 0,
         SharpnessMemo* memo = nullptr);

  // Fills record.layers, record.output and, when due, record.sharpness. previous_params:
  // the parameters before the last step (for update_ratio), or null.
  void measure(const Network<T>& net, const Vector<T>* previous_params,
               EpochRecord& record) override;

  const Matrix<T>& inputs() const { return X_; }
  const std::vector<std::int32_t>& labels() const { return labels_; }
  // The inputs' moments (diagnose/theory.h), taken once with the probe set: at the end of a
  // run their float64 copy of the inputs (6 MB for 1000 Fashion-MNIST images) came on top
  // of everything the run still held, and set its peak memory. None for an empty set.
  const std::optional<InputMoments>& input_moments() const { return moments_; }

 private:
  // record.layers and record.output, with a workspace of its own released on return.
  void measure_layers(const Network<T>& net, const Vector<T>* previous_params,
                      EpochRecord& record) const;

  Matrix<T> X_;
  std::vector<std::int32_t> labels_;
  std::optional<InputMoments> moments_;
  // λ0 of `net` (sharpness.h, as diagnose measures it), through the memo where there is one.
  double initial_sharpness(const Network<T>& net) const;

  int sharpness_every_;
  std::uint64_t seed_;
  SharpnessMemo* memo_;
  const Dataset* train_;  // the probe set's source, which with its size and seed names it
};

// The probe statistics of one hidden or output layer from its Z and A (exposed for tests).
template <class T>
LayerStats layer_stats(const Activation& activation, bool is_output, const Matrix<T>& Z,
                       const Matrix<T>& A);
template <class T>
OutputStats output_stats(const Matrix<T>& P);

}  // namespace mlpscope
