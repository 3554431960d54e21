// IDX files (data/idx.h), raw or gzip as stored on disk. The rank asked for is the one the
// header's fourth byte claims (1 to 4), so that mutations get past the magic number and
// reach the sizes and the data; images (3) and labels (1) are what the product reads.
#include <zlib.h>

#include <string>

#include "core/error.h"
#include "data/idx.h"
#include "scratch_file.h"
#include "targets.h"

namespace mlpscope::fuzz {

namespace {

int claimed_rank(std::string_view idx_stream) {
  const int rank = idx_stream.size() >= 4 ? static_cast<unsigned char>(idx_stream[3]) : 3;
  return rank >= 1 && rank <= 4 ? rank : 3;
}

bool read_as_idx(const std::string& path, int rank) {
  try {
    (void)read_idx(path, rank);
    return true;
  } catch (const Error&) {
    return false;
  }
}

// The whole of `bytes` as one gzip member (windowBits 15 + 16 asks zlib for a gzip wrapper).
std::string gzip(std::string_view bytes) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  std::string out(deflateBound(&stream, bytes.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (status != Z_STREAM_END) throw std::runtime_error("deflate did not finish");
  return out;
}

}  // namespace

bool idx(std::string_view bytes) {
  // A gzip file's fourth byte is its flags, not a rank; any rank will do there.
  return read_as_idx(write_scratch_file("idx", bytes), claimed_rank(bytes));
}

bool idx_gzip(std::string_view bytes) {
  return read_as_idx(write_scratch_file("idx.gz", gzip(bytes)), claimed_rank(bytes));
}

}  // namespace mlpscope::fuzz
