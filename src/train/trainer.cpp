#include "train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <optional>
#include <utility>

#include "core/error.h"
#include "core/random.h"
#include "core/spin_worker.h"
#include "core/threads.h"
#include "train/evaluate.h"

namespace mlpscope {

namespace {

// A record from the training set's evaluation; the test set, when there is one, is
// evaluated here.
template <class T>
EpochRecord make_record(const Evaluation& train, const Network<T>& net, const Dataset* test_set,
                        Workspace<T>& ws, int epoch, long long step, double lr, double seconds) {
  EpochRecord r;
  r.epoch = epoch;
  r.step = step;
  r.lr = lr;
  r.seconds = seconds;
  r.loss = train.loss;
  r.accuracy = train.accuracy;
  if (test_set) {
    const Evaluation t = evaluate(net, *test_set, ws);
    r.test_loss = t.loss;
    r.test_accuracy = t.accuracy;
  }
  return r;
}

template <class T>
EpochRecord measure(const Network<T>& net, const Dataset& train_set, const Dataset* test_set,
                    Workspace<T>& ws, int epoch, long long step, double lr, double seconds) {
  return make_record(evaluate(net, train_set, ws), net, test_set, ws, epoch, step, lr, seconds);
}

// 1-based index of the first layer whose parameters or pre-activations are not finite:
// where the overflow started. 0 when every layer is finite (the loss itself overflowed).
template <class T>
int first_nonfinite_layer(const Network<T>& net, const Workspace<T>& ws) {
  for (Index l = 0; l < net.num_layers(); ++l) {
    const bool params_finite = net.W(l).allFinite() && net.b(l).allFinite();
    const bool preact_finite = static_cast<std::size_t>(l) < ws.Z.size() && ws.Z[static_cast<std::size_t>(l)].allFinite();
    if (!params_finite || !preact_finite) return static_cast<int>(l) + 1;
  }
  return 0;
}

}  // namespace

template <class T>
TrainSummary train(Network<T>& net, const Dataset& train_set, const Dataset* test_set,
                   const TrainConfig& config, TrainObserver* observer, TrainProbe<T>* probe) {
  if (!(config.lr > 0.0) || !std::isfinite(config.lr)) option_error("lr", "must be positive");
  if (config.batch < 0) option_error("batch", "must be positive or 'full'");
  if (config.epochs < 0) option_error("epochs", "must be at least 0");
  const Index n = train_set.size();
  if (n == 0) throw Error(train_set.name + " holds no samples: there is nothing to train on");
  const Index batch = config.batch == 0 ? n : std::min(config.batch, n);
  const Index steps_per_epoch = (n + batch - 1) / batch;

  Optimizer<T> optimizer(config.optimizer, net.params().size());
  const bool fused_sgd = config.optimizer.kind == OptimizerKind::sgd;
  Rng order_rng(config.seed, 2);
  std::vector<std::int32_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::vector<std::int32_t> labels(static_cast<std::size_t>(batch));
  Workspace<T> train_ws, eval_ws;
  Matrix<T> X;
  // Online SGD knows its next sample within an epoch: each step ends with that sample's
  // forward pass, the first layer's update and product sharing one walk over its weights
  // (Network::backward_sgd_then_forward). The step's results are the same to the bit.
  const bool look_ahead = fused_sgd && batch == 1 && n > 1;
  Matrix<T> X_next;
  std::vector<std::int32_t> labels_next(look_ahead ? 1 : 0);
  bool ahead = false;  // X, labels: the step's sample, gathered, and train_ws its forward pass
  std::optional<SpinWorker> helper;
  // The helper is the run's second thread: BLAS keeps to one meanwhile. Its own thread
  // would otherwise wake for the evaluations, then yield in a loop for a while, and three
  // busy threads on two cores took the helper's core away at every other step (perf:
  // 2 threads ran 1.7 times slower than 1 before this).
  struct BlasThreads {
    int restore = 0;
    ~BlasThreads() {
      if (restore) set_threads(restore);
    }
  } blas_threads;
  if (look_ahead && config.threads >= 2 && net.arch().fan_in(0) >= Network<T>::kSplitMinInputs) {
    helper.emplace();
    set_threads(1);
    blas_threads.restore = config.threads;
  }
  Vector<T> previous;  // θ before the last step, kept only for the probe's update ratio

  TrainSummary summary;
  long long step = 0;
  // `previous` is θ before the last step only once a step has been taken and stored.
  auto probe_record = [&](EpochRecord& r) {
    // The evaluation's workspace (a chunk of 1000 samples' activations) is released
    // first: its working set and the probe's never add up in the run's peak memory.
    eval_ws = Workspace<T>{};
    const bool has_previous = previous.size() == net.params().size();
    probe->measure(net, has_previous ? &previous : nullptr, r);
  };
  auto record = [&](EpochRecord r) {
    if (probe && (!config.probe_ends_only || summary.history.empty())) probe_record(r);
    summary.history.push_back(std::move(r));
    if (observer) observer->on_epoch(summary.history.back());
  };
  // Full batch: X holds the whole training set in its stored order, gathered once, and
  // train_ws its forward pass through the current network whenever forwarded is true.
  // The time of that pass belongs to the next step: it is carried into the next epoch's
  // seconds.
  const bool full_batch = batch == n;
  bool forwarded = false;
  std::chrono::steady_clock::duration forward_time{};
  auto measure_epoch = [&](int epoch, double seconds) {
    if (!full_batch) return measure(net, train_set, test_set, eval_ws, epoch, step, config.lr, seconds);
    if (X.cols() != n) train_set.gather(order.data(), n, X, labels.data());
    const auto forward_start = std::chrono::steady_clock::now();
    net.forward(X, train_ws);
    forward_time = std::chrono::steady_clock::now() - forward_start;
    forwarded = true;
    return make_record(evaluate_forwarded(net, train_ws, labels.data()), net, test_set, eval_ws,
                       epoch, step, config.lr, seconds);
  };
  record(measure_epoch(0, 0.0));
  summary.initial_loss = summary.best_loss = summary.history[0].loss;

  auto stop_requested = [&] { return config.stop && config.stop->load(std::memory_order_relaxed); };
  for (int epoch = 1; epoch <= config.epochs && !summary.diverged_at_step; ++epoch) {
    if (stop_requested()) {
      summary.interrupted = true;
      break;
    }
    // Full-batch steps see every sample in the same order: no shuffle needed.
    if (batch < n) order_rng.shuffle(order);
    const auto start = std::chrono::steady_clock::now();
    // Time spent on within-epoch records is subtracted and a forward pass done ahead for
    // this epoch's step added: `seconds` counts training steps only.
    std::chrono::steady_clock::duration paused{};
    if (forwarded) paused -= forward_time;
    for (Index s = 0; s < steps_per_epoch; ++s) {
      const Index first = s * batch, count = std::min(batch, n - first);
      // A full batch is the same samples in the same order every step: gathered once.
      if (!ahead && (batch < n || X.cols() != count))
        train_set.gather(order.data() + first, count, X, labels.data());
      // A full-batch pass done ahead came with its loss: the last record's, on the same batch.
      double batch_loss = forwarded ? summary.history.back().loss : 0.0;
      if (!forwarded) {
        if (!ahead) net.forward(X, train_ws);
        batch_loss = net.loss_sum(train_ws, labels.data());
      }
      forwarded = ahead = false;
      ++step;
      if (!std::isfinite(batch_loss)) {
        summary.diverged_at_step = step;
        summary.diverged_at_layer = first_nonfinite_layer(net, train_ws);
        break;
      }
      const bool last_of_epoch = s + 1 == steps_per_epoch;
      const bool every = config.every > 0 && step % config.every == 0 && !last_of_epoch;
      if (probe && (last_of_epoch || every)) previous = net.params();
      // Plain SGD needs no stored gradient (the probe takes its own): the step is fused
      // into the backward pass, one pass over the weights instead of three (nn/dense.h).
      if (look_ahead && !last_of_epoch) {
        train_set.gather(order.data() + first + 1, 1, X_next, labels_next.data());
        net.backward_sgd_then_forward(X, labels.data(), train_ws, static_cast<T>(config.lr), X_next,
                                      helper ? &*helper : nullptr);
        std::swap(X, X_next);
        std::swap(labels, labels_next);
        ahead = true;
      } else if (fused_sgd) {
        net.backward_sgd(X, labels.data(), train_ws, static_cast<T>(config.lr));
      } else {
        net.backward(X, labels.data(), train_ws);
        optimizer.step(net.params(), net.grads(), config.lr);
      }
      if (observer) observer->on_progress(epoch, s + 1, steps_per_epoch);
      if (every) {
        const auto pause_start = std::chrono::steady_clock::now();
        EpochRecord r = measure(net, train_set, test_set, eval_ws, epoch, step, config.lr, 0.0);
        r.within_epoch = true;
        record(std::move(r));
        paused += std::chrono::steady_clock::now() - pause_start;
      }
      // An epoch's last step ends the epoch as usual; the check before the next one stops.
      if (!last_of_epoch && stop_requested()) {
        summary.interrupted = true;
        break;
      }
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start - paused).count();
    summary.seconds += seconds;
    if (summary.interrupted) {
      // The steps taken are recorded like an --every record: the network as it is now.
      // `previous` is older than the last step, so no update ratio is claimed for it.
      previous.resize(0);
      EpochRecord r = measure(net, train_set, test_set, eval_ws, epoch, step, config.lr, 0.0);
      r.within_epoch = true;
      record(std::move(r));
      if (std::isfinite(summary.history.back().loss))
        summary.best_loss = std::min(summary.best_loss, summary.history.back().loss);
      break;
    }
    summary.epochs = epoch;
    record(measure_epoch(epoch, seconds));
    const double loss = summary.history.back().loss;
    if (std::isfinite(loss)) summary.best_loss = std::min(summary.best_loss, loss);
    else if (!summary.diverged_at_step) {
      summary.diverged_at_step = step;
      summary.diverged_at_layer = first_nonfinite_layer(net, train_ws);
    }
    // A loss past the bound has left the basin: more epochs only waste time.
    if (config.diverged_loss_factor > 0 && std::isfinite(loss) &&
        loss > config.diverged_loss_factor * summary.initial_loss && !summary.diverged_at_step)
      summary.diverged_at_step = step;
  }
  // The last record is probed with the network it was measured on: nothing has changed
  // since (every exit from the loop above records last).
  if (probe && config.probe_ends_only && summary.history.size() > 1) probe_record(summary.history.back());
  const EpochRecord& last = summary.history.back();
  summary.final_loss = last.loss;
  summary.train_accuracy = last.accuracy;
  summary.test_accuracy = last.test_accuracy;
  return summary;
}

template TrainSummary train<float>(Network<float>&, const Dataset&, const Dataset*,
                                   const TrainConfig&, TrainObserver*, TrainProbe<float>*);
template TrainSummary train<double>(Network<double>&, const Dataset&, const Dataset*,
                                    const TrainConfig&, TrainObserver*, TrainProbe<double>*);

}  // namespace mlpscope
