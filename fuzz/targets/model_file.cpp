// Model files (io/model_file.h). A mutated file almost always fails its CRC-32 first, so each
// input is also tried with the checksum recomputed: that is the path by which a mutation
// reaches the length fields, the JSON header and the parameters.
#include <zlib.h>

#include <cstring>
#include <string>

#include "core/error.h"
#include "io/model_file.h"
#include "targets.h"

namespace mlpscope::fuzz {

namespace {

bool load(std::string_view bytes) {
  try {
    (void)model_from_bytes(bytes, "fuzz.model");
    return true;
  } catch (const Error&) {
    return false;
  }
}

// `bytes` with its last four bytes replaced by the CRC-32 of everything before them.
std::string with_valid_checksum(std::string_view bytes) {
  std::string fixed(bytes);
  const std::size_t body = fixed.size() - 4;
  const auto crc =
      static_cast<std::uint32_t>(crc32_z(0, reinterpret_cast<const Bytef*>(fixed.data()), body));
  std::memcpy(fixed.data() + body, &crc, 4);  // little-endian, as the format stores it
  return fixed;
}

}  // namespace

// Whether the input as it is was accepted; the retry with a valid checksum only explores.
bool model_file(std::string_view bytes) {
  const bool accepted = load(bytes);
  if (!accepted && bytes.size() >= 4) (void)load(with_valid_checksum(bytes));
  return accepted;
}

}  // namespace mlpscope::fuzz
