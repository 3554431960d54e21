// The training loop as a stepper that a caller advances: shuffle, gather a batch, forward,
// the update (train/update.h); after each epoch a record of the loss and accuracy over the
// whole training set (and the test set) by the Recorder (train/recorder.h).
//
// The CLI runs it to the end (run); the server pauses it (by not calling it), steps it
// (step) and stops it (stop); Python streams its records. What it has done so far is
// readable at any time (summary, epoch, steps), and between any two calls the network is
// the one after a whole optimizer step.
//
// A step whose batch loss is NaN or ±Inf ends the run: diverged_at_step records it, and
// diverged_at_layer the first layer whose weights or pre-activations overflowed. A loss
// that stays above diverged_loss_factor × the initial loss at every epoch end for
// diverged_steps steps ends it too; a shorter excursion (the catapult phase of a large step)
// runs on. The peak of the batch loss, smoothed over about spike_smoothing_samples samples,
// is kept in the summary (peak_loss, peak_step): the spike a verdict names.
//
// Full-batch training (one step per epoch, the samples in the same order every step)
// takes the training loss and accuracy of each record from the forward pass of the step
// that follows it: the same network on the same batch, so one forward pass serves both.
//
// Stopped (stop(), or TrainConfig::stop seen by run and epoch, which poll it before every
// step) within an epoch, the last record is a within-epoch record of the steps taken (the
// network a saved model holds); the summary says interrupted.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/random.h"
#include "core/shared_work.h"
#include "core/spin_worker.h"
#include "data/dataset.h"
#include "nn/network.h"
#include "train/optimizer.h"
#include "train/record.h"
#include "train/recorder.h"
#include "train/update.h"

namespace mlpscope {

struct TrainConfig {
  OptimizerSpec optimizer;
  double lr = 0.01;
  Index batch = 32;  // 0 = the full training set in every step
  int epochs = 10;
  std::uint64_t seed = 0;  // the shuffling order uses stream 2 of this seed
  long long every = 0;     // also record every N steps within epochs (0: at epoch ends only)
  // Stop when the training loss has exceeded this multiple of the initial loss at every
  // epoch end for diverged_steps steps (factor 0: never); runs set them to
  // diagnose/thresholds.h's kDivergedLossFactor and kDivergedSteps.
  double diverged_loss_factor = 0.0;
  long long diverged_steps = 0;
  double spike_smoothing_samples = 64.0;
  // Polled by run() and epoch() before every step; true stops the run there (nullptr:
  // never). Only read, so one flag can stop many runs at once (a sweep's workers).
  const std::atomic<bool>* stop = nullptr;
  // Probe and test only the first and the last record (Recorder).
  bool ends_only = false;
  // Threads for the step itself (--threads). Products take theirs from BLAS; online SGD
  // (batch 1, plain SGD) with 2 or more splits its first layer's walk between this
  // thread and one helper (train/fused_sgd.h).
  int threads = 1;
};

template <class T>
class Stepper {
 public:
  // Checks the config (Error naming the setting), then takes the record at initialization
  // (epoch 0). The network, data sets and recorder must outlive the stepper.
  Stepper(Network<T>& net, const Dataset& train_set, const TrainConfig& config,
          Recorder<T>& recorder);
  ~Stepper();
  Stepper(const Stepper&) = delete;
  Stepper& operator=(const Stepper&) = delete;

  // One optimizer step on the next batch; the epoch's record after its last step.
  // Returns false, and takes no step, once the run has ended.
  bool step();
  // Steps to the end of the current epoch; false once the run has ended.
  bool epoch();
  // Steps to the end of the run.
  void run();
  // Ends the run here, as a stop request does.
  void stop();

  bool finished() const { return finished_; }
  int current_epoch() const { return epoch_; }  // 0 before the first step
  Index steps_done_in_epoch() const { return in_epoch_ ? done_in_epoch_ : 0; }
  Index steps_per_epoch() const { return steps_per_epoch_; }
  long long steps() const { return step_; }
  const Network<T>& network() const { return net_; }
  // The records so far; the final fields (final_loss, …) once finished.
  const TrainSummary& summary() const { return summary_; }
  TrainSummary take_summary() { return std::move(summary_); }

 private:
  using Clock = std::chrono::steady_clock;

  bool stop_requested() const;
  bool advance();  // step(), unless a stop was requested (then stop())
  void gather(Index first, Index count);
  static constexpr Index kShareGatherMin = 16;  // samples: fewer are not worth a hand-over
  // The helper, if any, shares this thread's work while the result lives: made in each
  // call that computes, not for the stepper's life, since a server may step it from
  // several threads in turn.
  std::optional<SharedWork> share_work();
  void begin_epoch();
  void end_epoch();
  void track_peak(double batch_mean_loss);
  void finish();
  void record(EpochRecord r);
  EpochRecord measure_epoch(int epoch, double seconds);

  Network<T>& net_;
  const Dataset& train_set_;
  const TrainConfig config_;
  Recorder<T>& recorder_;
  Index n_, batch_, steps_per_epoch_;
  bool full_batch_;
  std::unique_ptr<Update<T>> update_;

  Rng order_rng_;
  std::vector<std::int32_t> order_;
  std::vector<std::int32_t> labels_;
  Matrix<T> X_;
  Workspace<T> train_ws_;
  // Online SGD knows its next sample within an epoch: each step ends with that sample's
  // forward pass (Update::step_then_forward), the same results to the bit.
  bool look_ahead_;
  Matrix<T> X_next_;
  std::vector<std::int32_t> labels_next_;
  bool ahead_ = false;  // X_, labels_: the next step's sample, gathered, and train_ws_ its forward
  std::optional<SpinWorker> helper_;
  int blas_threads_to_restore_ = 0;
  // Full batch: X_ holds the whole training set in its stored order, gathered once, and
  // train_ws_ its forward pass through the current network whenever forwarded_ is true.
  // The time of that pass belongs to the next step: it is carried into the next epoch.
  bool forwarded_ = false;
  Clock::duration forward_time_{};
  Vector<T> previous_;  // θ before the last step, kept only for the probe's update ratio

  TrainSummary summary_;
  double smoothed_loss_ = 0.0;  // mean batch loss, an exponential average (summary_.peak_loss)
  long long above_since_ = 0;   // the step whose epoch end first passed the divergence bound
  long long step_ = 0;
  int epoch_ = 0;
  Index done_in_epoch_ = 0;
  bool in_epoch_ = false;
  Clock::duration epoch_time_{};  // this epoch's steps alone, records excluded
  bool finished_ = false;
};

}  // namespace mlpscope
