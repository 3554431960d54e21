#include "train/trainer.h"

namespace mlpscope {

template <class T>
TrainSummary train(Network<T>& net, const Dataset& train_set, const Dataset* test_set,
                   const TrainConfig& config, TrainObserver* observer, TrainProbe<T>* probe) {
  Recorder<T> recorder(train_set, test_set, probe, config.ends_only);
  recorder.add_listener(observer);
  Stepper<T> stepper(net, train_set, config, recorder);
  stepper.run();
  return stepper.take_summary();
}

template TrainSummary train<float>(Network<float>&, const Dataset&, const Dataset*,
                                   const TrainConfig&, TrainObserver*, TrainProbe<float>*);
template TrainSummary train<double>(Network<double>&, const Dataset&, const Dataset*,
                                    const TrainConfig&, TrainObserver*, TrainProbe<double>*);

}  // namespace mlpscope
