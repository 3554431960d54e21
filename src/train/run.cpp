#include "train/run.h"

#include <memory>

#include "core/error.h"
#include "core/threads.h"
#include "data/load.h"
#include "diagnose/probes.h"
#include "diagnose/theory.h"
#include "diagnose/thresholds.h"
#include "io/weights_json.h"
#include "train/memory.h"

namespace mlpscope {

PreparedData prepare_data(const RunConfig& config) {
  DataPair pair = load_data(config.data);
  PreparedData data{std::move(pair.train), std::nullopt};
  if (config.limit > 0) data.train.truncate(config.limit);
  if (config.test == "none") {
    // no test set
  } else if (!config.test.empty()) {
    data.test = load_dataset(config.test, true);
  } else if (pair.test) {
    data.test = std::move(pair.test);
  }
  if (data.test) {
    if (data.test->dim != data.train.dim)
      option_error("test", data.test->name + " has " + std::to_string(data.test->dim) +
                               " features, the training data " + std::to_string(data.train.dim));
    if (data.test->num_classes > data.train.num_classes)
      option_error("test", data.test->name + " has labels up to " +
                               std::to_string(data.test->num_classes - 1) +
                               ", outside the training data's class range [0, " +
                               std::to_string(data.train.num_classes) + ")");
  }
  if (config.standardize) {
    data.train.transform = standardization(data.train);
    if (data.test) data.test->transform = data.train.transform;
  }
  return data;
}

Architecture make_architecture(const RunConfig& config, const Dataset& train) {
  Architecture arch;
  arch.sizes.push_back(train.dim);
  for (Index w : config.hidden) arch.sizes.push_back(w);
  arch.sizes.push_back(train.num_classes);
  arch.activation = config.activation;
  arch.head = Head::make(config.output, config.loss);
  arch.validate();
  return arch;
}

template <class T>
Network<T> initial_network(const RunConfig& config, const Architecture& arch) {
  Network<T> net(arch);
  if (!config.init_from.empty()) {
    try {
      load_weights(config.init_from).copy_to(net);
    } catch (const Error& e) {
      // Errors of the weights reader already start with the path; others get it here.
      const std::string message = e.what();
      option_error("init-from", message.starts_with(config.init_from)
                                    ? message
                                    : config.init_from + ": " + message);
    }
    return net;
  }
  Rng rng(config.seed, 1);
  net.initialize(config.init, config.bias_init, config.init_scale, rng);
  return net;
}

namespace {

template <class T>
RunResult run_typed(const RunConfig& config, const PreparedData& data, TrainObserver* observer,
                    const WatchConfig& watch, const std::atomic<bool>* stop) {
  const Architecture arch = make_architecture(config, data.train);
  check_run_memory(config, arch, data, watch);
  Network<T> net = initial_network<T>(config, arch);
  TrainConfig tc{config.optimizer, config.lr, config.batch, config.epochs, config.seed, watch.every,
                 thresholds::kDivergedLossFactor, stop, !watch.probe_history, config.threads};
  RunResult result;
  std::unique_ptr<Prober<T>> prober;
  if (watch.probe_samples > 0)
    prober = std::make_unique<Prober<T>>(data.train, watch.probe_samples, config.seed, watch.sharpness_every);
  result.summary = train(net, data.train, data.test ? &*data.test : nullptr, tc, observer, prober.get());
  if (prober) result.facts = run_facts(config, arch, prober->inputs());
  else result.facts = run_facts(config, arch, Matrix<T>());
  result.facts.sharpness_at_init = result.summary.history.front().sharpness;
  result.verdict = judge_run(result.summary, result.facts);
  result.model = Model::from_network(net);
  result.model.transform = data.train.transform;
  result.model.class_names = data.train.class_names;
  result.model.options = config.to_json();
  return result;
}

}  // namespace

RunResult run_training(const RunConfig& config, const PreparedData& data,
                       TrainObserver* observer, const WatchConfig& watch,
                       const std::atomic<bool>* stop) {
  set_threads(config.threads);
  return config.f64 ? run_typed<double>(config, data, observer, watch, stop)
                    : run_typed<float>(config, data, observer, watch, stop);
}

template <class T>
RunFacts run_facts(const RunConfig& config, const Architecture& arch, const Matrix<T>& probe_inputs) {
  RunFacts f;
  f.arch = arch;
  f.init_name = config.init_from.empty() ? config.init.name() : "from " + config.init_from;
  f.lr = config.lr;
  f.momentum = config.optimizer.momentum();
  f.adaptive = config.optimizer.kind == OptimizerKind::adam || config.optimizer.kind == OptimizerKind::rmsprop;
  if (probe_inputs.cols() > 0 && config.init_from.empty())
    f.theory = predict_preactivations(arch, config.init, config.bias_init, config.init_scale,
                                      input_moments(probe_inputs));
  return f;
}

template RunFacts run_facts<float>(const RunConfig&, const Architecture&, const Matrix<float>&);
template RunFacts run_facts<double>(const RunConfig&, const Architecture&, const Matrix<double>&);
template Network<float> initial_network<float>(const RunConfig&, const Architecture&);
template Network<double> initial_network<double>(const RunConfig&, const Architecture&);

}  // namespace mlpscope
