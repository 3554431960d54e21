#include "train/stepper.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "core/error.h"
#include "core/threads.h"
#include "train/fused_sgd.h"

namespace mlpscope {

namespace {

// 1-based index of the first layer whose parameters or pre-activations are not finite:
// where the overflow started. 0 when every layer is finite (the loss itself overflowed).
template <class T>
int first_nonfinite_layer(const Network<T>& net, const Workspace<T>& ws) {
  for (Index l = 0; l < net.num_layers(); ++l) {
    const auto k = static_cast<std::size_t>(l);
    const bool params_finite = net.W(l).allFinite() && net.b(l).allFinite();
    const bool preact_finite = k < ws.Z.size() && ws.Z[k].allFinite();
    if (!params_finite || !preact_finite) return static_cast<int>(l) + 1;
  }
  return 0;
}

Index checked_size(const Dataset& train_set, const TrainConfig& config) {
  if (!(config.lr > 0.0) || !std::isfinite(config.lr)) setting_error("lr", "must be positive");
  if (config.batch < 0) setting_error("batch", "must be positive or 'full'");
  if (config.epochs < 0) setting_error("epochs", "must be at least 0");
  if (train_set.size() == 0)
    throw Error(train_set.name + " holds no samples: there is nothing to train on");
  return train_set.size();
}

}  // namespace

template <class T>
Stepper<T>::Stepper(Network<T>& net, const Dataset& train_set, const TrainConfig& config,
                    Recorder<T>& recorder)
    : net_(net),
      train_set_(train_set),
      config_(config),
      recorder_(recorder),
      n_(checked_size(train_set, config)),
      batch_(config.batch == 0 ? n_ : std::min(config.batch, n_)),
      steps_per_epoch_((n_ + batch_ - 1) / batch_),
      full_batch_(batch_ == n_),
      update_(make_update<T>(config.optimizer, net.params().size())),
      order_rng_(config.seed, 2),
      order_(static_cast<std::size_t>(n_)),
      labels_(static_cast<std::size_t>(batch_)),
      look_ahead_(update_->fuses_next_forward() && batch_ == 1 && n_ > 1),
      labels_next_(look_ahead_ ? 1 : 0) {
  std::iota(order_.begin(), order_.end(), 0);
  // The helper is the run's second thread: it takes half of each large product and
  // elementwise pass (core/shared_work.h) and, online, half of the first layer's step
  // (train/fused_sgd.h). BLAS keeps to one thread meanwhile: its own threads wait for work
  // by yielding in a loop, and three busy threads on two cores took the helper's core away
  // at every other step (perf: 2 threads ran 1.7 times slower than 1 before this).
  // From 3 threads on, batches go back to OpenBLAS's threads: one helper halves the work,
  // it does not divide it further (online SGD keeps its one helper).
  // Online, only a first layer wide enough to split wants one (as before this sharing).
  const bool online_split =
      look_ahead_ && config.threads >= 2 && net.arch().fan_in(0) >= FusedSgd<T>::kSplitMinInputs;
  if (online_split || (!look_ahead_ && config.threads == 2)) {
    helper_.emplace();
    set_threads(1);
    blas_threads_to_restore_ = config.threads;
  }
  const auto shared = share_work();
  record(measure_epoch(0, 0.0));
  summary_.initial_loss = summary_.best_loss = summary_.history[0].loss;
  smoothed_loss_ = summary_.peak_loss = summary_.initial_loss;
  if (config_.epochs == 0) finish();
}

template <class T>
std::optional<SharedWork> Stepper<T>::share_work() {
  // Online, the helper is the first layer's (train/fused_sgd.h); the products of the
  // evaluations stay whole, as they always were (reference outputs: train_online_two_threads).
  if (!helper_ || look_ahead_) return std::nullopt;
  return std::optional<SharedWork>(std::in_place, *helper_);
}

template <class T>
Stepper<T>::~Stepper() {
  if (blas_threads_to_restore_) set_threads(blas_threads_to_restore_);
}

template <class T>
bool Stepper<T>::stop_requested() const {
  return config_.stop && config_.stop->load(std::memory_order_relaxed);
}

template <class T>
bool Stepper<T>::advance() {
  if (finished_) return false;
  const auto shared = share_work();
  if (stop_requested()) {
    stop();
    return false;
  }
  return step();
}

template <class T>
void Stepper<T>::run() {
  while (advance()) {}
}

template <class T>
bool Stepper<T>::epoch() {
  do {
    if (!advance()) return false;
  } while (in_epoch_);
  return !finished_;
}

template <class T>
void Stepper<T>::begin_epoch() {
  ++epoch_;
  done_in_epoch_ = 0;
  in_epoch_ = true;
  // Full-batch steps see every sample in the same order: no shuffle needed.
  if (batch_ < n_) order_rng_.shuffle(order_);
  epoch_time_ = forwarded_ ? forward_time_ : Clock::duration{};
}

template <class T>
bool Stepper<T>::step() {
  if (finished_) return false;
  if (!in_epoch_) begin_epoch();
  const auto start = Clock::now();
  const Index first = done_in_epoch_ * batch_, count = std::min(batch_, n_ - first);
  // A full batch is the same samples in the same order every step: gathered once.
  if (!ahead_ && (batch_ < n_ || X_.cols() != count)) gather(first, count);
  // A full-batch pass done ahead came with its loss: the last record's, on the same batch.
  double batch_loss = forwarded_ ? summary_.history.back().loss : 0.0;  // a mean
  if (!forwarded_) {
    if (!ahead_) net_.forward(X_, train_ws_);
    batch_loss = net_.loss_sum(train_ws_, labels_.data()) / static_cast<double>(count);
  }
  forwarded_ = ahead_ = false;
  ++step_;
  ++done_in_epoch_;
  if (!std::isfinite(batch_loss)) {
    summary_.diverged_at_step = step_;
    summary_.diverged_at_layer = first_nonfinite_layer(net_, train_ws_);
    epoch_time_ += Clock::now() - start;
    end_epoch();
    return true;
  }
  track_peak(batch_loss);
  const bool last_of_epoch = done_in_epoch_ == steps_per_epoch_;
  const bool every = config_.every > 0 && step_ % config_.every == 0 && !last_of_epoch;
  if (recorder_.probing() && (last_of_epoch || every)) previous_ = net_.params();
  if (look_ahead_ && !last_of_epoch) {
    train_set_.gather(order_.data() + first + 1, 1, X_next_, labels_next_.data());
    update_->step_then_forward(net_, X_, labels_.data(), train_ws_, config_.lr, X_next_,
                               helper_ ? &*helper_ : nullptr);
    std::swap(X_, X_next_);
    std::swap(labels_, labels_next_);
    ahead_ = true;
  } else {
    update_->step(net_, X_, labels_.data(), train_ws_, config_.lr);
  }
  epoch_time_ += Clock::now() - start;
  recorder_.progress(epoch_, done_in_epoch_, steps_per_epoch_);
  if (every) {
    EpochRecord r = recorder_.measure(net_, epoch_, step_, config_.lr, 0.0);
    r.within_epoch = true;
    record(std::move(r));
  }
  if (last_of_epoch) end_epoch();
  return true;
}

// Samples order_[first, first + count) into X_ and labels_; with a helper, half each (the
// columns are independent: the same bits either way): the uint8 → float conversion was the
// largest pass left on one core (perf, batch 128).
template <class T>
void Stepper<T>::gather(Index first, Index count) {
  if (X_.rows() != train_set_.dim || X_.cols() != count) X_.resize(train_set_.dim, count);
  in_column_halves<T>(X_.rows(), count, kShareGatherMin * X_.rows(), [&](Index column, Index n) {
    train_set_.gather_columns(order_.data() + first + column, n, X_, column,
                              labels_.data() + column);
  });
}

// The batch loss averaged over about kSpikeSmoothingSamples samples (one batch of that size
// or more is its own average): one unlucky sample of online SGD is not a spike.
template <class T>
void Stepper<T>::track_peak(double batch_mean_loss) {
  const double weight =
      std::min(1.0, static_cast<double>(batch_) / config_.spike_smoothing_samples);
  smoothed_loss_ += weight * (batch_mean_loss - smoothed_loss_);
  if (smoothed_loss_ > summary_.peak_loss) {
    summary_.peak_loss = smoothed_loss_;
    summary_.peak_step = step_;
  }
}

template <class T>
void Stepper<T>::end_epoch() {
  in_epoch_ = false;
  const double seconds = std::chrono::duration<double>(epoch_time_).count();
  summary_.seconds += seconds;
  summary_.epochs = epoch_;
  record(measure_epoch(epoch_, seconds));
  const double loss = summary_.history.back().loss;
  if (std::isfinite(loss)) {
    summary_.best_loss = std::min(summary_.best_loss, loss);
  } else if (!summary_.diverged_at_step) {
    summary_.diverged_at_step = step_;
    summary_.diverged_at_layer = first_nonfinite_layer(net_, train_ws_);
  }
  // A loss that stays past the bound has left the basin: more epochs only waste time. One
  // that comes back within diverged_steps was a catapult, and training goes on.
  const bool above = config_.diverged_loss_factor > 0 && std::isfinite(loss) &&
                     loss > config_.diverged_loss_factor * summary_.initial_loss;
  if (!above) above_since_ = 0;
  if (above && above_since_ == 0) above_since_ = step_;
  if (above && step_ - above_since_ >= config_.diverged_steps && !summary_.diverged_at_step)
    summary_.diverged_at_step = step_;
  if (summary_.diverged_at_step || epoch_ == config_.epochs) finish();
}

template <class T>
void Stepper<T>::stop() {
  if (finished_) return;
  summary_.interrupted = true;
  if (in_epoch_) {
    // The steps taken are recorded like an --every record: the network as it is now.
    // previous_ is older than the last step, so no update ratio is claimed for it.
    in_epoch_ = false;
    summary_.seconds += std::chrono::duration<double>(epoch_time_).count();
    previous_.resize(0);
    EpochRecord r = recorder_.measure(net_, epoch_, step_, config_.lr, 0.0);
    r.within_epoch = true;
    record(std::move(r));
    if (std::isfinite(summary_.history.back().loss))
      summary_.best_loss = std::min(summary_.best_loss, summary_.history.back().loss);
  }
  finish();
}

template <class T>
void Stepper<T>::finish() {
  finished_ = true;
  // The last record is completed (with ends_only: its test set and probes) with the network
  // it was measured on: nothing has changed since (every way to the end records last).
  recorder_.complete_last(net_, &previous_, summary_.history);
  const EpochRecord& last = summary_.history.back();
  summary_.final_loss = last.loss;
  summary_.train_accuracy = last.accuracy;
  summary_.test_accuracy = last.test_accuracy;
  helper_.reset();
}

template <class T>
void Stepper<T>::record(EpochRecord r) {
  recorder_.record(std::move(r), net_, &previous_, summary_.history);
}

template <class T>
EpochRecord Stepper<T>::measure_epoch(int epoch, double seconds) {
  if (!full_batch_) return recorder_.measure(net_, epoch, step_, config_.lr, seconds);
  if (X_.cols() != n_) train_set_.gather(order_.data(), n_, X_, labels_.data());
  const auto forward_start = Clock::now();
  net_.forward(X_, train_ws_);
  forward_time_ = Clock::now() - forward_start;
  forwarded_ = true;
  return recorder_.measure_forwarded(net_, train_ws_, labels_.data(), epoch, step_, config_.lr,
                                     seconds);
}

template class Stepper<float>;
template class Stepper<double>;

}  // namespace mlpscope
