// A trained (or initial) network detached from its scalar type: what model files and
// weight files hold. Parameters are float64 in the flat layout of nn/architecture.h, so a
// float32 network converts exactly and a float64 one loses nothing.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "nn/architecture.h"
#include "nn/network.h"

namespace mlpscope {

struct Model {
  Architecture arch;
  std::vector<double> params;                         // arch.num_params() values, flat layout
  FeatureTransform transform;                         // what the training data went through
  std::vector<std::string> class_names;               // optional
  nlohmann::json options = nlohmann::json::object();  // every option of the run that made it

  template <class T>
  static Model from_network(const Network<T>& net);
  // Copies params into net; throws Error naming the layer whose shape differs.
  template <class T>
  void copy_to(Network<T>& net) const;
};

}  // namespace mlpscope
