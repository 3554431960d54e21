// Every option that shapes a run, as one table (name, default, help) and as typed values.
//
// The table is the single source of truth: the command line registers one --NAME per row,
// --config FILE accepts exactly these keys, sweeps vary them by name, and a run's summary
// lists them all (as given or defaulted). Values travel as strings until
// parse_run_config() checks them; every check throws SettingError naming the option (core/error.h).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "nn/activation.h"
#include "nn/init.h"
#include "nn/loss.h"
#include "nn/network.h"
#include "train/optimizer.h"

namespace mlpscope {

struct OptionInfo {
  const char* name;
  const char* default_value;
  const char* help;
};

// The options of the network and its training, shared by train, diagnose and sweep.
std::span<const OptionInfo> run_options();

using OptionValues = std::map<std::string, std::string>;
OptionValues default_run_options();

struct RunConfig {
  std::string data = "fashion-mnist";
  std::string test;  // empty: the data's own test split; "none": no test set
  Index limit = 0;   // 0: every training sample
  bool standardize = false;
  std::vector<Index> hidden;  // empty: a linear model (--hidden none)
  Activation activation;
  OutputKind output = OutputKind::softmax;
  LossKind loss = LossKind::cross_entropy;
  Init init;
  double init_scale = 1.0;
  BiasInit bias_init;
  std::string init_from;
  OptimizerSpec optimizer;
  double lr = 0.01;
  Index batch = 32;  // 0: full batch
  int epochs = 10;
  std::uint64_t seed = 0;
  bool f64 = false;
  int threads = 1;

  // Canonical values of every option, numbers as numbers: the summary's "options".
  nlohmann::json to_json() const;
};

// Unknown names and malformed values throw Error naming the option.
RunConfig parse_run_config(const OptionValues& values);

}  // namespace mlpscope
