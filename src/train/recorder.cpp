#include "train/recorder.h"

#include <utility>

namespace mlpscope {

template <class T>
EpochRecord Recorder<T>::with_test_set(const Evaluation& train, const Network<T>& net, int epoch,
                                       long long step, double lr, double seconds) {
  EpochRecord r;
  r.epoch = epoch;
  r.step = step;
  r.lr = lr;
  r.seconds = seconds;
  r.loss = train.loss;
  r.accuracy = train.accuracy;
  if (!ends_only_ || !measured_) evaluate_test_set(net, r);
  measured_ = true;
  return r;
}

template <class T>
void Recorder<T>::evaluate_test_set(const Network<T>& net, EpochRecord& r) {
  if (!test_set_) return;
  const Evaluation t = evaluate(net, *test_set_, eval_ws_);
  r.test_loss = t.loss;
  r.test_accuracy = t.accuracy;
}

template <class T>
EpochRecord Recorder<T>::measure(const Network<T>& net, int epoch, long long step, double lr,
                                 double seconds) {
  return with_test_set(evaluate(net, train_set_, eval_ws_), net, epoch, step, lr, seconds);
}

template <class T>
EpochRecord Recorder<T>::measure_forwarded(const Network<T>& net, const Workspace<T>& ws,
                                           const std::int32_t* labels, int epoch, long long step,
                                           double lr, double seconds) {
  return with_test_set(evaluate_forwarded(net, ws, labels), net, epoch, step, lr, seconds);
}

template <class T>
void Recorder<T>::probe(const Network<T>& net, const Vector<T>* previous, EpochRecord& r) {
  // The evaluation's workspace (a chunk of 1000 samples' activations) is released first:
  // its working set and the probe's never add up in the run's peak memory.
  eval_ws_ = Workspace<T>{};
  const bool has_previous = previous && previous->size() == net.params().size();
  probe_->measure(net, has_previous ? previous : nullptr, r);
}

template <class T>
void Recorder<T>::record(EpochRecord r, const Network<T>& net, const Vector<T>* previous,
                         std::vector<EpochRecord>& history) {
  if (probe_ && (!ends_only_ || history.empty())) probe(net, previous, r);
  history.push_back(std::move(r));
  for (TrainObserver* l : listeners_) l->on_epoch(history.back());
}

template <class T>
void Recorder<T>::complete_last(const Network<T>& net, const Vector<T>* previous,
                                std::vector<EpochRecord>& history) {
  if (!ends_only_ || history.size() < 2) return;
  evaluate_test_set(net, history.back());  // before the probe, which releases its workspace
  if (probe_) probe(net, previous, history.back());
}

template class Recorder<float>;
template class Recorder<double>;

}  // namespace mlpscope
