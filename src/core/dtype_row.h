// The concept tables (activation, init, loss, optimizer) keep each row's code twice, as
// members f32 and f64, since the dtype is chosen at run time: the one for T.
#pragma once

#include <type_traits>

namespace mlpscope {

template <class T, class Row>
const auto& for_dtype(const Row& row) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>);
  if constexpr (std::is_same_v<T, float>)
    return row.f32;
  else
    return row.f64;
}

}  // namespace mlpscope
