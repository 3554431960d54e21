#include "data/idx.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <utility>

#include "core/error.h"

namespace mlpscope {

namespace {

std::string hex32(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", value);
  return text;
}

std::uint32_t big_endian_u32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 |
         std::uint32_t{p[3]};
}

// Throws Error when `path` cannot be read; returns whether it starts with gzip's 1f 8b.
bool check_readable_and_detect_gzip(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error(path + ": no such file");
  if (std::filesystem::is_directory(path, ec)) throw Error(path + ": is a directory, not a file");
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) throw Error(path + ": cannot open: " + std::strerror(errno));
  unsigned char magic[2] = {0, 0};
  const std::size_t got = std::fread(magic, 1, 2, file);
  std::fclose(file);
  return got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

// Reads a file front to back through zlib, which passes raw files through unchanged
// ("transparent" mode) and inflates gzip ones; counts the bytes delivered so that errors
// can name the offset in the IDX stream.
class ByteReader {
 public:
  explicit ByteReader(const std::string& path)
      : path_(path), gzip_(check_readable_and_detect_gzip(path)) {
    file_ = gzopen(path.c_str(), "rb");
    if (file_ == nullptr) throw Error(path + ": cannot open: " + std::strerror(errno));
    // A raw file holds its size exactly. Deflate's largest compression ratio is 1032:1
    // (zlib FAQ, "maximum compression factor"), so a gzip file of S bytes inflates to at most
    // 1032·S. When the size is unknown (a pipe), most_bytes_ keeps its default.
    constexpr std::uint64_t kMaxDeflateRatio = 1032;
    std::error_code ec;
    const std::uint64_t size = std::filesystem::file_size(path, ec);
    if (ec) return;
    most_bytes_ = !gzip_ ? size
                  : size > std::numeric_limits<std::uint64_t>::max() / kMaxDeflateRatio
                      ? std::numeric_limits<std::uint64_t>::max()
                      : size * kMaxDeflateRatio;
  }
  ~ByteReader() { gzclose(file_); }
  ByteReader(const ByteReader&) = delete;
  ByteReader& operator=(const ByteReader&) = delete;

  // Reads up to n bytes; fewer only at the end of the data. A damaged gzip stream throws.
  std::size_t read(std::uint8_t* out, std::size_t n) {
    constexpr std::size_t kMaxCall = std::size_t{1} << 30;  // gzread takes an unsigned count
    std::size_t total = 0;
    while (total < n) {
      const auto want = static_cast<unsigned>(std::min(n - total, kMaxCall));
      const int got = gzread(file_, out + total, want);
      if (got < 0) throw_stream_error(offset_ + total);
      total += static_cast<std::size_t>(got);
      if (got == 0) break;
    }
    offset_ += total;
    return total;
  }

  std::uint64_t offset() const { return offset_; }
  // At most how many more bytes the stream can deliver, from the file's size: what a parser
  // may allocate before it has read them, whatever a header claims.
  std::uint64_t most_bytes_left() const {
    return most_bytes_ > offset_ ? most_bytes_ - offset_ : 0;
  }
  const std::string& path() const { return path_; }
  // Said after a short read: why the data ended early.
  std::string end_note() const {
    int code = Z_OK;
    gzerror(file_, &code);
    if (code == Z_BUF_ERROR) return " (the gzip stream itself is cut short)";
    return gzip_ ? " (in the decompressed stream)" : "";
  }

 private:
  [[noreturn]] void throw_stream_error(std::uint64_t at) const {
    int code = Z_OK;
    std::string message = gzerror(file_, &code) ? gzerror(file_, &code) : "unknown zlib error";
    // zlib's message starts with the path it was opened with; ours already does.
    if (message.starts_with(path_ + ": ")) message.erase(0, path_.size() + 2);
    throw Error(path_ + ": corrupt gzip stream near decompressed byte offset " +
                std::to_string(at) + ": " + message);
  }

  std::string path_;
  bool gzip_ = false;
  gzFile file_ = nullptr;
  std::uint64_t offset_ = 0;
  std::uint64_t most_bytes_ = std::uint64_t{1} << 24;  // 16 MB, a chunk of read_values
};

[[noreturn]] void throw_truncated(const ByteReader& in, const std::string& part,
                                  std::uint64_t expected, std::uint64_t found) {
  throw Error(in.path() + ": truncated " + part + ": expected " + std::to_string(expected) +
              " bytes, found " + std::to_string(found) + "; the data ends at byte offset " +
              std::to_string(in.offset()) + in.end_note());
}

void read_exactly(ByteReader& in, std::uint8_t* out, std::size_t n, const std::string& part) {
  const std::size_t got = in.read(out, n);
  if (got < n) throw_truncated(in, part, n, got);
}

std::string dimensions(int rank) {
  return std::to_string(rank) + (rank == 1 ? " dimension" : " dimensions");
}

void check_magic(const ByteReader& in, std::uint32_t found, int rank) {
  const std::uint32_t expected = 0x00000800u | static_cast<std::uint32_t>(rank);
  if (found == expected) return;
  std::string hint;
  if ((found & 0xffff0000u) != 0)
    hint = "; this is not an IDX file";
  else if ((found & 0xff00u) != 0x0800u)
    hint = "; this IDX file does not hold unsigned bytes";
  else
    hint = "; this IDX file has " + dimensions(int(found & 0xffu));
  throw Error(in.path() + ": wrong magic number " + hex32(found) + " at byte offset 0, expected " +
              hex32(expected) + " (IDX unsigned bytes, " + dimensions(rank) + ")" + hint);
}

// Product of the sizes, refused when it exceeds kMaxIdxBytes (checked before each multiply,
// so the product never overflows).
std::uint64_t checked_size(const ByteReader& in, const std::vector<std::uint32_t>& dims) {
  std::string shape;
  for (const auto d : dims) shape += (shape.empty() ? "" : " x ") + std::to_string(d);
  std::uint64_t product = 1;
  for (const auto d : dims) {
    if (d != 0 && product > kMaxIdxBytes / d)
      throw Error(in.path() + ": absurd dimensions " + shape +
                  " in the header at byte offset 4: more than the limit of 2^34 bytes");
    product *= d;
  }
  return product;
}

// Reads the values in chunks, so that a header promising far more than the file holds fails
// on the missing bytes instead of allocating all of them first. Memory follows what the file
// can hold, never the header alone: a 30-byte file claiming 256 MB once reserved all of it
// (found by fuzz/targets/idx.cpp; fuzz/regressions/idx/).
std::vector<std::uint8_t> read_values(ByteReader& in, std::uint64_t expected) {
  constexpr std::uint64_t kChunk = std::uint64_t{1} << 24;
  const std::uint64_t possible = std::min(expected, in.most_bytes_left());
  std::vector<std::uint8_t> values;
  values.reserve(static_cast<std::size_t>(possible));
  while (values.size() < expected) {
    const std::size_t old = values.size();
    // Past what the file can hold, one more byte is enough to see that it ends early.
    const std::uint64_t room = possible > old ? possible - old : 1;
    const auto want = static_cast<std::size_t>(std::min({kChunk, expected - old, room}));
    values.resize(old + want);
    const std::size_t got = in.read(values.data() + old, want);
    if (got < want) throw_truncated(in, "data", expected, old + got);
  }
  return values;
}

void check_nothing_follows(ByteReader& in) {
  std::uint8_t extra[4096];
  const std::uint64_t end = in.offset();
  std::uint64_t count = 0;
  for (std::size_t got; (got = in.read(extra, sizeof extra)) > 0;) count += got;
  if (count > 0)
    throw Error(in.path() + ": " + std::to_string(count) + " unexpected bytes after the data, " +
                "from byte offset " + std::to_string(end) +
                "; the header's sizes do not match the file");
}

}  // namespace

IdxArray read_idx(const std::string& path, int rank) {
  if (rank < 1 || rank > 255) throw Error(path + ": IDX rank " + std::to_string(rank) + " asked");
  ByteReader in(path);
  std::uint8_t magic[4];
  read_exactly(in, magic, 4, "header (magic number)");
  check_magic(in, big_endian_u32(magic), rank);

  std::vector<std::uint8_t> sizes(static_cast<std::size_t>(rank) * 4);
  read_exactly(in, sizes.data(), sizes.size(), "header (" + std::to_string(rank) + " sizes)");
  IdxArray array;
  for (std::size_t k = 0; k < sizes.size(); k += 4) array.dims.push_back(big_endian_u32(&sizes[k]));

  array.values = read_values(in, checked_size(in, array.dims));
  check_nothing_follows(in);
  return array;
}

Dataset load_idx(const std::string& images_path, const std::string& labels_path,
                 const std::string& name) {
  IdxArray images = read_idx(images_path, 3);
  const IdxArray labels = read_idx(labels_path, 1);
  const std::uint32_t count = images.dims[0];
  if (count == 0) throw Error(images_path + ": holds no images (count 0 at byte offset 4)");
  if (images.dims[1] == 0 || images.dims[2] == 0)
    throw Error(images_path + ": images of " + std::to_string(images.dims[1]) + " x " +
                std::to_string(images.dims[2]) + " pixels have no pixels");
  if (labels.dims[0] != count)
    throw Error(labels_path + " holds " + std::to_string(labels.dims[0]) + " labels but " +
                images_path + " holds " + std::to_string(count) + " images");
  if (count > static_cast<std::uint32_t>(std::numeric_limits<std::int32_t>::max()))
    throw Error(images_path + ": " + std::to_string(count) + " images, more than 2^31 - 1");

  Dataset data;
  data.name = name;
  data.dim = static_cast<Index>(images.dims[1]) * static_cast<Index>(images.dims[2]);
  data.bytes = std::move(images.values);
  data.labels.assign(labels.values.begin(), labels.values.end());
  const std::uint8_t max_label = *std::max_element(labels.values.begin(), labels.values.end());
  data.num_classes = std::max<Index>(2, Index{max_label} + 1);
  data.validate();
  return data;
}

}  // namespace mlpscope
