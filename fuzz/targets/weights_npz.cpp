// A network and its gradients from .npz archives (io/weights_npz.h), as check --weights and
// --grads and --init-from FILE.npz read them: arrays sorted into weights and biases by name
// and rank, shapes fitted to an input width in each layout, parameters checked finite, and
// the archive read back as that network's own gradients. The widths tried are those the
// archive's first matrix suggests; the npz target fuzzes the container and the members.
#include "io/weights_npz.h"
#include "core/error.h"
#include "data/npz.h"
#include "scratch_file.h"
#include "targets.h"

namespace mlpscope::fuzz {

namespace {

// The two dimensions of the archive's first 2-D array: the input widths it can take.
std::vector<Index> candidate_widths(const std::string& path) {
  const NpzArchive archive(path);
  for (const std::string& name : archive.names()) {
    const NpyArray a = archive.read(name);
    if (a.shape.size() == 2)
      return {static_cast<Index>(std::min<std::uint64_t>(a.shape[0], 1 << 20)),
              static_cast<Index>(std::min<std::uint64_t>(a.shape[1], 1 << 20))};
  }
  return {1};
}

}  // namespace

bool weights_npz(std::string_view bytes) {
  const std::string& path = write_scratch_file("weights.npz", bytes);
  bool accepted = false;
  try {
    for (const Index width : candidate_widths(path))
      for (const WeightLayout layout :
           {WeightLayout::automatic, WeightLayout::numpy, WeightLayout::torch}) {
        try {
          const NpzNetwork network = read_npz_network(path, layout, width, "choose a layout");
          (void)read_npz_gradients(path, network);
          accepted = true;
        } catch (const Error&) {}
      }
  } catch (const Error&) {
    return false;
  }
  return accepted;
}

}  // namespace mlpscope::fuzz
