#include "train/update.h"

#include "train/fused_sgd.h"

namespace mlpscope {

template <class T>
std::unique_ptr<Update<T>> make_update(const OptimizerSpec& spec, Index num_params) {
  if (spec.row().fused) return std::make_unique<FusedSgd<T>>();
  return std::make_unique<OptimizerUpdate<T>>(spec, num_params);
}

template std::unique_ptr<Update<float>> make_update<float>(const OptimizerSpec&, Index);
template std::unique_ptr<Update<double>> make_update<double>(const OptimizerSpec&, Index);

}  // namespace mlpscope
