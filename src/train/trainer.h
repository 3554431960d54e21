// A whole training run in one call: a Stepper (train/stepper.h) run to the end, its
// records going to the probe and the observer through a Recorder (train/recorder.h).
// Callers that pause, step or stream a run use the Stepper itself.
#pragma once

#include "train/recorder.h"
#include "train/stepper.h"

namespace mlpscope {

template <class T>
TrainSummary train(Network<T>& net, const Dataset& train_set, const Dataset* test_set,
                   const TrainConfig& config, TrainObserver* observer = nullptr,
                   TrainProbe<T>* probe = nullptr);

}  // namespace mlpscope
