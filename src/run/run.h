// One training run from a RunConfig: load the data, build the network, draw (or load)
// its initial weights, train, and return the summary with the trained model.
// TrainingRun is that run as an object a caller advances (a Stepper, train/stepper.h, in
// the precision the config asks for): the server pauses and steps it, Python streams it.
// run_training runs one to the end: `mlpscope train` and, run after run, sweeps.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "data/dataset.h"
#include "data/load.h"
#include "diagnose/verdict.h"
#include "io/model.h"
#include "run/run_config.h"
#include "run/watch_config.h"
#include "train/trainer.h"

namespace mlpscope {

struct PreparedData {
  Dataset train;
  std::optional<Dataset> test;
};

// Loads --data (with --limit) and --test, standardizes both with the training set's
// statistics when asked, and checks that the test set fits the training set.
PreparedData prepare_data(const RunConfig& config);
// The same from data sets already loaded (Python's numpy arrays): --limit, --test (loaded
// when it names one, else pair.test), the test set's fit and --standardize; config.data is
// not read.
PreparedData prepare_data(const RunConfig& config, DataPair pair);

// inputs and outputs from the data, hidden widths, activation and head from the config.
Architecture make_architecture(const RunConfig& config, const Dataset& train);

// The initial network: drawn from --init (stream 1 of --seed) or read from --init-from.
template <class T>
Network<T> initial_network(const RunConfig& config, const Architecture& arch);

struct RunResult {
  TrainSummary summary;
  Verdict verdict;
  RunFacts facts;  // what the verdict was judged on
  Model model;     // the trained network with the data transform and the run's options
};

class TrainingRun {
 public:
  // Refuses a run that would not fit in memory (run/memory.h) before allocating it, then
  // builds the network and takes the record at initialization, which the listeners (nulls
  // skipped, called in order) see first. `stop`, when given, is polled before every step of
  // run() and epoch() (TrainConfig::stop). `data` must outlive the run.
  TrainingRun(const RunConfig& config, const PreparedData& data,
              std::vector<TrainObserver*> listeners = {}, const WatchConfig& watch = {},
              const std::atomic<bool>* stop = nullptr);
  ~TrainingRun();
  TrainingRun(TrainingRun&&) noexcept;
  TrainingRun& operator=(TrainingRun&&) noexcept;

  bool step();   // one optimizer step; false once the run has ended
  bool epoch();  // to the end of the current epoch; false once the run has ended
  void run();    // to the end
  void stop();   // ends the run here: the summary says interrupted
  bool finished() const;
  const TrainSummary& summary() const;  // the records so far
  // Once finished: the summary, the verdict on it and the trained model.
  RunResult result() const;
  // At any time: the run judged as if it had ended at its last record, and the network as
  // it is now (the server shows the verdict forming while the run trains). The same as
  // result() once finished.
  RunResult snapshot() const;

  struct State;  // the run in one precision (run.cpp)

 private:
  std::unique_ptr<State> state_;
};

// A TrainingRun to the end: its result.
RunResult run_training(const RunConfig& config, const PreparedData& data,
                       TrainObserver* observer = nullptr, const WatchConfig& watch = {},
                       const std::atomic<bool>* stop = nullptr);

// The facts a verdict needs about a run: architecture, lr, and theory at initialization
// from the moments of the probe set's inputs (none without a probe set: no theory).
RunFacts run_facts(const RunConfig& config, const Architecture& arch,
                   const std::optional<InputMoments>& probe_inputs);

}  // namespace mlpscope
