// .npy files (data/npy.h) parsed from memory, as an .npz member is, then converted every way
// the product converts one: to doubles (features), to integers (labels) and, for one or two
// dimensions, to a matrix (weights), so that mutations reach the Fortran-order walk, the
// byte swapping and the conversions as well as the header.
#include "data/npy.h"
#include "core/error.h"
#include "targets.h"

namespace mlpscope::fuzz {

bool npy(std::string_view bytes) {
  try {
    const NpyArray array =
        parse_npy(std::vector<std::uint8_t>(bytes.begin(), bytes.end()), "fuzz.npy");
    (void)array.to_doubles();
    if (array.dtype.kind != NpyKind::Float) (void)array.to_integers();
    if (array.shape.size() == 1 || array.shape.size() == 2) (void)array.matrix<float>();
    return true;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace mlpscope::fuzz
