// .npz archives (data/npz.h, data/npz_data.h) as --data npz:FILE reads them: the archive is
// opened by libzip, every array in it is read and converted, and the archive is loaded as a
// data set of X and y. The npy target fuzzes the members' format itself; this one reaches
// the zip container (stored, deflated, zip64) and the data set's checks of shapes and values.
#include "data/npz.h"
#include "core/error.h"
#include "data/npz_data.h"
#include "scratch_file.h"
#include "targets.h"

namespace mlpscope::fuzz {

bool npz(std::string_view bytes) {
  const std::string& path = write_scratch_file("npz", bytes);
  try {
    const NpzArchive archive(path);
    for (const std::string& name : archive.names()) {
      try {
        (void)archive.read(name).to_doubles();
      } catch (const Error&) {}
    }
    (void)load_npz(path);
    return true;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace mlpscope::fuzz
