// IDX files, the layout of MNIST and Fashion-MNIST (LeCun et al., "THE MNIST DATABASE of
// handwritten digits", http://yann.lecun.com/exdb/mnist/):
//   bytes 0-1   zero
//   byte  2     type code; 0x08 = unsigned byte, the only type read here
//   byte  3     number of dimensions d
//   then d big-endian uint32 sizes, then the values, row-major, nothing after them.
// Images: magic 0x00000803, sizes (count, rows, cols). Labels: magic 0x00000801, (count).
// A file may be raw or gzip-compressed; gzip is recognised by its magic bytes 1f 8b, never by
// the file name. Byte offsets in error messages count from the start of the (decompressed)
// IDX stream, so they point at the same byte with or without compression.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace mlpscope {

// One uint8 IDX array.
struct IdxArray {
  std::vector<std::uint32_t> dims;
  std::vector<std::uint8_t> values;  // product of dims values, row-major
};

// The largest array accepted: a header that claims more (or whose sizes overflow) is refused
// before anything is allocated, so a corrupt header cannot exhaust memory.
inline constexpr std::uint64_t kMaxIdxBytes = std::uint64_t{1} << 34;

// Reads an IDX file of uint8 values with `rank` dimensions (magic 0x00000800 | rank).
// Throws Error naming the file (and the byte offset where it applies) when the file is
// missing or unreadable, the magic number is wrong, the header or the data is truncated,
// the sizes are absurd, bytes follow the data, or the gzip stream is corrupt.
IdxArray read_idx(const std::string& path, int rank);

// Images (count, rows, cols) and their labels (count) as one data set named `name`:
// dim = rows·cols, pixels kept as uint8 in Dataset::bytes, num_classes = max label + 1 but
// at least 2 (10 for MNIST-like data). The two counts must agree.
Dataset load_idx(const std::string& images_path, const std::string& labels_path,
                 const std::string& name);

}  // namespace mlpscope
