// One training run from a RunConfig: load the data, build the network, draw (or load)
// its initial weights, train, and return the summary with the trained model.
// Used by `mlpscope train` and, run after run, by sweeps.
#pragma once

#include <atomic>
#include <optional>

#include "data/dataset.h"
#include "diagnose/verdict.h"
#include "io/model.h"
#include "train/run_config.h"
#include "train/trainer.h"

namespace mlpscope {

struct PreparedData {
  Dataset train;
  std::optional<Dataset> test;
};

// Loads --data (with --limit) and --test, standardizes both with the training set's
// statistics when asked, and checks that the test set fits the training set.
PreparedData prepare_data(const RunConfig& config);

// inputs and outputs from the data, hidden widths, activation and head from the config.
Architecture make_architecture(const RunConfig& config, const Dataset& train);

// The initial network: drawn from --init (stream 1 of --seed) or read from --init-from.
template <class T>
Network<T> initial_network(const RunConfig& config, const Architecture& arch);

// What to watch while training; none of it changes the run's numbers.
struct WatchConfig {
  Index probe_samples = 1000;  // 0: probes off (no per-layer statistics, no cause)
  int sharpness_every = 0;     // λmax at init (0), also every N epochs, or never (< 0)
  long long every = 0;         // also record every N steps
  // Probe every record (train: the log's per-layer history), or only the first and the
  // last (a sweep, whose verdicts read nothing else: TrainConfig::probe_ends_only).
  bool probe_history = true;
};

struct RunResult {
  TrainSummary summary;
  Verdict verdict;
  RunFacts facts;  // what the verdict was judged on
  Model model;     // the trained network with the data transform and the run's options
};

// Refuses a run that would not fit in memory (train/memory.h) before allocating it.
// `stop`, when given, is polled between steps (TrainConfig::stop).
RunResult run_training(const RunConfig& config, const PreparedData& data,
                       TrainObserver* observer = nullptr, const WatchConfig& watch = {},
                       const std::atomic<bool>* stop = nullptr);

// The facts a verdict needs about a run: architecture, lr, and theory at initialization
// from the inputs of `probe_inputs`.
template <class T>
RunFacts run_facts(const RunConfig& config, const Architecture& arch, const Matrix<T>& probe_inputs);

}  // namespace mlpscope
