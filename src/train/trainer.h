// The training loop: shuffle, gather a batch, forward, backward, optimizer step; after
// each epoch, loss and accuracy over the whole training set (and the test set).
//
// Observers watch; they never change the run. The trainer calls on_epoch with epoch 0 at
// initialization and then after every epoch, and on_progress after every step.
// A step whose batch loss is NaN or ±Inf stops the run: diverged_at_step records it, and
// diverged_at_layer the first layer whose weights or pre-activations overflowed. An epoch
// whose loss passes diverged_loss_factor × the initial loss stops it too.
//
// Full-batch training (one step per epoch, the samples in the same order every step)
// takes the training loss and accuracy of each record from the forward pass of the step
// that follows it: the same network on the same batch, so one forward pass serves both.
//
// A run can be asked to stop (TrainConfig::stop, set by another thread or a signal handler):
// the trainer polls it between steps, never inside one, so the network is always the one
// after a whole optimizer step. Stopped within an epoch, the last record is a within-epoch
// record of the steps taken (the network a saved model holds); the summary says interrupted.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "data/dataset.h"
#include "nn/network.h"
#include "train/optimizer.h"
#include "train/record.h"

namespace mlpscope {

struct TrainConfig {
  OptimizerSpec optimizer;
  double lr = 0.01;
  Index batch = 32;  // 0 = the full training set in every step
  int epochs = 10;
  std::uint64_t seed = 0;  // the shuffling order uses stream 2 of this seed
  long long every = 0;     // also record every N steps within epochs (0: at epoch ends only)
  // Stop when an epoch's training loss exceeds this multiple of the initial loss (0: never);
  // runs set it to diagnose/thresholds.h's kDivergedLossFactor.
  double diverged_loss_factor = 0.0;
  // Polled between steps; true stops the run there (nullptr: never). Only read, so one
  // flag can stop many runs at once (a sweep's workers).
  const std::atomic<bool>* stop = nullptr;
  // Probe only the first and the last record (the others go to the observer without
  // probe fields). A sweep's verdicts read nothing else, and a probe costs about as much as
  // a step: with one full-batch step per epoch, probing every epoch tripled a run's time.
  bool probe_ends_only = false;
  // Threads for the step itself (--threads). Products take theirs from BLAS; online SGD
  // (batch 1, plain SGD) with 2 or more splits its first layer's walk between this
  // thread and one helper (Network::backward_sgd_then_forward).
  int threads = 1;
};

class TrainObserver {
 public:
  virtual ~TrainObserver() = default;
  virtual void on_epoch(const EpochRecord&) {}
  // After each step: steps done in this epoch out of steps per epoch.
  virtual void on_progress(int /*epoch*/, Index /*done*/, Index /*total*/) {}
};

// Fills a record's probe fields (layers, output, sharpness) from the network; the trainer
// calls it for every record when one is given. previous_params: θ before the last step.
template <class T>
class TrainProbe {
 public:
  virtual ~TrainProbe() = default;
  virtual void measure(const Network<T>& net, const Vector<T>* previous_params, EpochRecord& record) = 0;
};

template <class T>
TrainSummary train(Network<T>& net, const Dataset& train_set, const Dataset* test_set,
                   const TrainConfig& config, TrainObserver* observer = nullptr,
                   TrainProbe<T>* probe = nullptr);

}  // namespace mlpscope
