// Turns a network's state into run-log records (train/record.h) and hands them out: the
// evaluation over the training set (or a forward pass already done on it), the test set,
// the probe's per-layer fields, then every listener in the order they were added.
//
// Listeners watch; they never change the run. Probing is optional, and with ends_only
// only the first and the last record are probed and evaluated on the test set (a sweep's
// verdicts and rows read nothing else; a probe costs about as much as a step, and the
// demo's 10,000 test images per epoch cost a third of its runs' time).
#pragma once

#include <vector>

#include "data/dataset.h"
#include "nn/network.h"
#include "train/evaluate.h"
#include "train/record.h"

namespace mlpscope {

// Receives the run's events: a record at initialization (epoch 0), after every epoch and
// every --every steps; progress after every step. The CLI's progress line, the run log,
// Python's on_epoch and the server's event stream are listeners.
class TrainObserver {
 public:
  virtual ~TrainObserver() = default;
  virtual void on_epoch(const EpochRecord&) {}
  // After each step: steps done in this epoch out of steps per epoch.
  virtual void on_progress(int /*epoch*/, Index /*done*/, Index /*total*/) {}
};

// Fills a record's probe fields (layers, output, sharpness) from the network.
// previous_params: θ before the last step (null when unknown).
template <class T>
class TrainProbe {
 public:
  virtual ~TrainProbe() = default;
  virtual void measure(const Network<T>& net, const Vector<T>* previous_params,
                       EpochRecord& record) = 0;
};

template <class T>
class Recorder {
 public:
  Recorder(const Dataset& train_set, const Dataset* test_set, TrainProbe<T>* probe, bool ends_only)
      : train_set_(train_set), test_set_(test_set), probe_(probe), ends_only_(ends_only) {}

  void add_listener(TrainObserver* listener) {
    if (listener) listeners_.push_back(listener);
  }
  bool probing() const { return probe_ != nullptr; }

  // A record of the network as it is: evaluated over the whole training set.
  EpochRecord measure(const Network<T>& net, int epoch, long long step, double lr, double seconds);
  // The same from a forward pass over the whole training set already in ws, in the
  // set's stored order (full-batch training: the pass its next step reuses).
  EpochRecord measure_forwarded(const Network<T>& net, const Workspace<T>& ws,
                                const std::int32_t* labels, int epoch, long long step, double lr,
                                double seconds);

  // Probes the record (unless only the ends are watched and it is not the first), appends it
  // to history and tells the listeners. previous: θ before the last step, or null.
  void record(EpochRecord r, const Network<T>& net, const Vector<T>* previous,
              std::vector<EpochRecord>& history);
  // With ends_only: evaluates the test set on the last record of history and probes it;
  // the network still matches it (nothing changed since it was measured). Listeners have
  // already seen it.
  void complete_last(const Network<T>& net, const Vector<T>* previous,
                     std::vector<EpochRecord>& history);

  void progress(int epoch, Index done, Index total) {
    for (TrainObserver* l : listeners_) l->on_progress(epoch, done, total);
  }

 private:
  EpochRecord with_test_set(const Evaluation& train, const Network<T>& net, int epoch,
                            long long step, double lr, double seconds);
  void probe(const Network<T>& net, const Vector<T>* previous, EpochRecord& r);
  void evaluate_test_set(const Network<T>& net, EpochRecord& r);

  const Dataset& train_set_;
  const Dataset* test_set_;
  TrainProbe<T>* probe_;
  bool ends_only_;
  bool measured_ = false;  // a record has been measured (with ends_only: the first is done)
  std::vector<TrainObserver*> listeners_;
  Workspace<T> eval_ws_;  // chunks of the evaluation; released before every probe
};

}  // namespace mlpscope
