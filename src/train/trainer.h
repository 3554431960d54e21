// The training loop: shuffle, gather a batch, forward, backward, optimizer step; after
// each epoch, loss and accuracy over the whole training set (and the test set).
//
// Observers watch; they never change the run. The trainer calls on_epoch with epoch 0 at
// initialization and then after every epoch, and on_progress after every step.
// A step whose batch loss is NaN or ±Inf stops the run: diverged_at_step records it.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "data/dataset.h"
#include "nn/network.h"
#include "train/optimizer.h"

namespace mlpscope {

struct TrainConfig {
  OptimizerSpec optimizer;
  double lr = 0.01;
  Index batch = 32;  // 0 = the full training set in every step
  int epochs = 10;
  std::uint64_t seed = 0;  // the shuffling order uses stream 2 of this seed
};

struct EpochRecord {
  int epoch = 0;
  long long step = 0;          // optimizer steps taken so far
  double loss = 0.0;           // whole training set, after the epoch
  double accuracy = 0.0;
  std::optional<double> test_loss, test_accuracy;
  double lr = 0.0;
  double seconds = 0.0;        // wall time of this epoch's steps alone (no evaluation)
};

struct TrainSummary {
  double initial_loss = 0.0, final_loss = 0.0, best_loss = 0.0;
  double train_accuracy = 0.0;
  std::optional<double> test_accuracy;
  int epochs = 0;  // epochs run
  std::optional<long long> diverged_at_step;
  double seconds = 0.0;  // total training time, evaluation excluded
  std::vector<EpochRecord> history;
};

class TrainObserver {
 public:
  virtual ~TrainObserver() = default;
  virtual void on_epoch(const EpochRecord&) {}
  // After each step: steps done in this epoch out of steps per epoch.
  virtual void on_progress(int /*epoch*/, Index /*done*/, Index /*total*/) {}
};

template <class T>
TrainSummary train(Network<T>& net, const Dataset& train_set, const Dataset* test_set,
                   const TrainConfig& config, TrainObserver* observer = nullptr);

}  // namespace mlpscope
