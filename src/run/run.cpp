#include "run/run.h"

#include <memory>

#include "core/error.h"
#include "core/threads.h"
#include "data/load.h"
#include "diagnose/probes.h"
#include "diagnose/theory.h"
#include "diagnose/thresholds.h"
#include "io/weights_npz.h"
#include "run/memory.h"
#include "train/stepper.h"

namespace mlpscope {

PreparedData prepare_data(const RunConfig& config) {
  return prepare_data(config, load_data(config.data));
}

PreparedData prepare_data(const RunConfig& config, DataPair pair) {
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
      setting_error("test", data.test->name + " has " + std::to_string(data.test->dim) +
                                " features, the training data " + std::to_string(data.train.dim));
    if (data.test->num_classes > data.train.num_classes)
      setting_error("test", data.test->name + " has labels up to " +
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
      load_weights_for(config.init_from, arch).copy_to(net);
    } catch (const SettingError&) {
      throw;  // already names --init-from (a bad ,layout=)
    } catch (const Error& e) {
      // Errors of the weights readers already start with the path; others get it here.
      const std::string message = e.what();
      const std::string path = config.init_from.substr(0, config.init_from.rfind(",layout="));
      setting_error("init-from", message.starts_with(path) ? message : path + ": " + message);
    }
    return net;
  }
  Rng rng(config.seed, 1);
  net.initialize(config.init, config.bias_init, config.init_scale, rng);
  return net;
}

// The run's state in one precision; TrainingRun holds one of the two.
struct TrainingRun::State {
  virtual ~State() = default;
  virtual bool step() = 0;
  virtual bool epoch() = 0;
  virtual void run() = 0;
  virtual void stop() = 0;
  virtual bool finished() const = 0;
  virtual const TrainSummary& summary() const = 0;
  virtual RunResult result(const TrainSummary& judged) const = 0;
};

namespace {

template <class T>
struct TypedRun final : TrainingRun::State {
  const RunConfig config;
  const Target target;
  const PreparedData& data;
  const Architecture arch;
  Network<T> net;
  std::unique_ptr<Prober<T>> prober;
  Recorder<T> recorder;
  Stepper<T> stepper;

  TypedRun(const RunConfig& c, const PreparedData& d, const std::vector<TrainObserver*>& listeners,
           const WatchConfig& watch, const std::atomic<bool>* stop)
      : config(c),
        target(watch.target),
        data(d),
        arch(checked_architecture(c, d, watch)),
        net(initial_network<T>(c, arch)),
        prober(watch.probe_samples > 0
                   ? std::make_unique<Prober<T>>(d.train, watch.probe_samples, c.seed,
                                                 watch.sharpness_every, watch.sharpness_memo)
                   : nullptr),
        recorder(with_listeners(
            Recorder<T>(d.train, d.test ? &*d.test : nullptr, prober.get(), !watch.history),
            listeners)),
        stepper(net, d.train, train_config(c, watch, stop), recorder) {}

  static Architecture checked_architecture(const RunConfig& c, const PreparedData& d,
                                           const WatchConfig& watch) {
    Architecture arch = make_architecture(c, d.train);
    check_run_memory(c, arch, d, watch);
    return arch;
  }
  static Recorder<T> with_listeners(Recorder<T> r, const std::vector<TrainObserver*>& listeners) {
    for (TrainObserver* l : listeners) r.add_listener(l);
    return r;
  }
  static TrainConfig train_config(const RunConfig& c, const WatchConfig& watch,
                                  const std::atomic<bool>* stop) {
    return TrainConfig{c.optimizer,
                       c.lr,
                       c.batch,
                       c.epochs,
                       c.seed,
                       watch.every,
                       thresholds::kDivergedLossFactor,
                       thresholds::kDivergedSteps,
                       thresholds::kSpikeSmoothingSamples,
                       stop,
                       !watch.history,
                       c.threads};
  }

  bool step() override { return stepper.step(); }
  bool epoch() override { return stepper.epoch(); }
  void run() override { stepper.run(); }
  void stop() override { stepper.stop(); }
  bool finished() const override { return stepper.finished(); }
  const TrainSummary& summary() const override { return stepper.summary(); }

  RunResult result(const TrainSummary& judged) const override {
    RunResult result;
    result.summary = judged;
    result.facts =
        run_facts(config, arch, prober ? prober->input_moments() : std::optional<InputMoments>());
    result.facts.sharpness_at_init = result.summary.history.front().sharpness;
    result.facts.target = target;
    result.facts.budget_steps = static_cast<long long>(config.epochs) * stepper.steps_per_epoch();
    result.verdict = judge_run(result.summary, result.facts);
    result.model = Model::from_network(net);
    result.model.transform = data.train.transform;
    result.model.class_names = data.train.class_names;
    result.model.options = config.to_json();
    return result;
  }
};

}  // namespace

TrainingRun::TrainingRun(const RunConfig& config, const PreparedData& data,
                         std::vector<TrainObserver*> listeners, const WatchConfig& watch,
                         const std::atomic<bool>* stop) {
  set_threads(config.threads);
  if (config.f64)
    state_ = std::make_unique<TypedRun<double>>(config, data, listeners, watch, stop);
  else
    state_ = std::make_unique<TypedRun<float>>(config, data, listeners, watch, stop);
}

TrainingRun::~TrainingRun() = default;
TrainingRun::TrainingRun(TrainingRun&&) noexcept = default;
TrainingRun& TrainingRun::operator=(TrainingRun&&) noexcept = default;
bool TrainingRun::step() { return state_->step(); }
bool TrainingRun::epoch() { return state_->epoch(); }
void TrainingRun::run() { state_->run(); }
void TrainingRun::stop() { state_->stop(); }
bool TrainingRun::finished() const { return state_->finished(); }
const TrainSummary& TrainingRun::summary() const { return state_->summary(); }

RunResult TrainingRun::result() const {
  if (!finished()) throw Error("the run has not finished: its result is not known yet");
  return state_->result(summary());
}

RunResult TrainingRun::snapshot() const {
  if (finished()) return state_->result(summary());
  // The final fields as the stepper fills them when a run ends (train/stepper.cpp, finish).
  TrainSummary judged = summary();
  const EpochRecord& last = judged.history.back();
  judged.final_loss = last.loss;
  judged.train_accuracy = last.accuracy;
  judged.test_accuracy = last.test_accuracy;
  return state_->result(judged);
}

RunResult run_training(const RunConfig& config, const PreparedData& data, TrainObserver* observer,
                       const WatchConfig& watch, const std::atomic<bool>* stop) {
  std::vector<TrainObserver*> listeners;
  if (observer) listeners.push_back(observer);
  TrainingRun run(config, data, std::move(listeners), watch, stop);
  run.run();
  return run.result();
}

RunFacts run_facts(const RunConfig& config, const Architecture& arch,
                   const std::optional<InputMoments>& probe_inputs) {
  RunFacts f;
  f.arch = arch;
  f.init_name = config.init_from.empty() ? config.init.name() : "from " + config.init_from;
  f.init_scale = config.init_scale;
  f.optimizer_name = std::string(config.optimizer.row().name);
  f.lr = config.lr;
  f.momentum = config.optimizer.momentum();
  f.adaptive = config.optimizer.row().adaptive;
  if (probe_inputs && config.init_from.empty())
    f.theory = predict_preactivations(arch, config.init, config.bias_init, config.init_scale,
                                      *probe_inputs);
  return f;
}

template Network<float> initial_network<float>(const RunConfig&, const Architecture&);
template Network<double> initial_network<double>(const RunConfig&, const Architecture&);

}  // namespace mlpscope
