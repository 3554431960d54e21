#include "run/evaluate_model.h"

#include "core/error.h"

namespace mlpscope {

namespace {

template <class T>
Evaluation evaluate_as(const Model& model, const Dataset& data) {
  Network<T> net(model.arch);
  model.copy_to(net);
  Workspace<T> ws;
  return evaluate(net, data, ws);
}

}  // namespace

Evaluation evaluate_model(const Model& model, Dataset& data, const std::string& data_setting) {
  if (data.dim != model.arch.sizes.front())
    setting_error(data_setting, data.name + " has " + std::to_string(data.dim) +
                                    " features, the model " + model.arch.describe() + " expects " +
                                    std::to_string(model.arch.sizes.front()));
  data.transform = model.transform;
  // The dtype it was trained in; f64 where the model's options do not say.
  const bool f64 = model.options.value("dtype", "f64") == "f64";
  return f64 ? evaluate_as<double>(model, data) : evaluate_as<float>(model, data);
}

}  // namespace mlpscope
