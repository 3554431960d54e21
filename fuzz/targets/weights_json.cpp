// --init-from files (io/weights_json.h): load_weights tells a model file from JSON weights
// by the magic bytes, so this target reaches both readers as the product does.
#include "io/weights_json.h"
#include "core/error.h"
#include "scratch_file.h"
#include "targets.h"

namespace mlpscope::fuzz {

bool weights_json(std::string_view bytes) {
  try {
    (void)load_weights(write_scratch_file("weights.json", bytes));
    return true;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace mlpscope::fuzz
