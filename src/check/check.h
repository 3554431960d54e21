// `mlpscope check` as a library call: a user's own network and data (DESIGN.md, "Your own
// network"). Without gradients, the diagnosis `diagnose` gives for that network; with the
// user's gradients, each parameter's against the exact one and the bug class that explains
// them (check/bug_class.h).
//
// The network comes from --weights: an .npz (io/weights_npz.h: numpy's or PyTorch's layout,
// fitted to the data's width), an mlpscope weights JSON or a model file. An .npz holds
// only arrays, so --activation, --output and --loss say what the network computes; a
// weights JSON or a model file says it itself, and those three options are then not used.
// The gradients of a network from a weights JSON or a model file are read from an .npz
// whose arrays are named W1, b1, W2, … and stored (out, in), as the JSON stores them.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "check/bug_class.h"
#include "check/gradient_check.h"
#include "io/weights_npz.h"
#include "run/diagnosis.h"

namespace mlpscope {

struct CheckConfig {
  std::string weights;                            // the network's file
  WeightLayout layout = WeightLayout::automatic;  // for an .npz
  std::string grads;                              // empty: no gradient check
};

// check's own settings: weights, layout, grads.
std::span<const OptionInfo> check_options();
// The run options check takes: all but those the weights decide (hidden, init, init-scale,
// bias-init, init-from).
std::span<const OptionInfo> check_run_options();
// Their values checked; a bad one is a SettingError.
CheckConfig parse_check_config(const OptionValues& values);

struct CheckedLayer {
  std::string name, bias;            // the arrays' names; bias empty where there is none
  std::vector<std::uint64_t> shape;  // the weight's, as stored
};

struct CheckResult {
  Architecture arch;
  WeightLayout layout = WeightLayout::torch;  // how the weights were stored
  std::vector<CheckedLayer> layers;
  Index samples = 0;  // the batch the gradients are over: all of --data (after --limit)
  Diagnosis diagnosis;
  std::optional<GradientCheck> gradient_check;
  std::optional<Bug> bug;
};

// The user's network, whatever it was read from: its parameters, and its arrays' names,
// shapes and layout (for a weights JSON or a model file: W1, b1, …, (out, in)).
struct UserNetwork {
  Model model;
  NpzNetwork named;
};

// The network of --weights, for data `input_width` wide. A weights JSON or a model file sets
// run's activation, output and loss to its own. Errors name the setting "weights".
UserNetwork read_user_network(const CheckConfig& config, RunConfig& run, Index input_width);
// The network that `arrays` hold (Python's numpy arrays), with run's activation and head.
UserNetwork user_network_from_arrays(const std::vector<NamedArray>& arrays, WeightLayout layout,
                                     const RunConfig& run, Index input_width);

// The check of `user` on `data` (all of data.train is the gradients' batch); `grads`, flat
// in the parameters' layout (read_npz_gradients, gradients_from_arrays), or none.
CheckResult check_network(RunConfig run, PreparedData data, const UserNetwork& user,
                          const std::optional<std::vector<double>>& grads,
                          const DiagnoseConfig& diagnose_config);

// The whole command: data from run, the network from config.weights, gradients from
// config.grads. `run` holds --data, --lr and the rest; the network options come from the
// weights.
CheckResult check_network(RunConfig run, const CheckConfig& config,
                          const DiagnoseConfig& diagnose_config);

// The object `mlpscope check --json` prints (DESIGN.md).
nlohmann::json check_to_json(const CheckResult& result);

}  // namespace mlpscope
