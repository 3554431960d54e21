#include "targets.h"

#include <array>

namespace mlpscope::fuzz {

std::span<const Target> all_targets() {
  static constexpr std::array<Target, 13> kTargets{{
      {"idx", idx},
      {"idx_gzip", idx_gzip},
      {"csv", csv},
      {"config", config},
      {"model_file", model_file},
      {"weights_json", weights_json},
      {"vary", vary},
      {"run_options", run_options},
      {"data_spec", data_spec},
      {"npy", npy},
      {"npz", npz},
      {"weights_npz", weights_npz},
      {"serve_request", serve_request},
  }};
  return kTargets;
}

}  // namespace mlpscope::fuzz
