#include "data/npy.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string_view>

#include "core/error.h"
#include "data/npy_header.h"

namespace mlpscope {

namespace {

constexpr std::string_view kMagic = "\x93NUMPY";
// numpy's own limit: an array's size in bytes fits a signed pointer-sized integer (intp).
constexpr std::uint64_t kMaxArrayBytes = std::numeric_limits<std::int64_t>::max();

std::uint32_t little_endian(const std::uint8_t* p, int bytes) {
  std::uint32_t value = 0;
  for (int k = bytes - 1; k >= 0; --k) value = value << 8 | p[k];
  return value;
}

// The data's size in bytes; Error when it exceeds kMaxArrayBytes. Sizes of 0 are left out of
// the product, as numpy does, so that (0, 2^62) is refused like (1, 2^62) rather than slipping
// through as an empty array with an absurd dimension.
std::uint64_t data_bytes(const NpyHeader& header, const std::string& where) {
  std::uint64_t bytes = static_cast<std::uint64_t>(header.dtype.size);
  bool empty = false;
  for (const std::uint64_t d : header.shape) {
    if (d == 0) {
      empty = true;
      continue;
    }
    if (bytes > kMaxArrayBytes / d)
      throw Error(where + ": the shape " + shape_text(header.shape) + " of " + header.dtype.name() +
                  " is absurd: more than 2^63 bytes of data");
    bytes *= d;
  }
  return empty ? 0 : bytes;
}

void swap_elements(std::vector<std::uint8_t>& data, int size) {
  for (std::size_t at = 0; at + static_cast<std::size_t>(size) <= data.size(); at += size)
    std::reverse(data.begin() + static_cast<std::ptrdiff_t>(at),
                 data.begin() + static_cast<std::ptrdiff_t>(at) + size);
}

template <class S>
S load(const std::uint8_t* data, std::uint64_t k) {
  S value;
  std::memcpy(&value, data + k * sizeof(S), sizeof(S));
  return value;
}

// Calls fn(S{}) with S the C++ type of the elements (bool as uint8, normalized to 0 or 1).
template <class Fn>
void with_element_type(const NpyDtype& dtype, Fn&& fn) {
  switch (dtype.kind) {
    case NpyKind::Float:
      return dtype.size == 4 ? fn(float{}) : fn(double{});
    case NpyKind::Signed:
      if (dtype.size == 1) return fn(std::int8_t{});
      if (dtype.size == 2) return fn(std::int16_t{});
      return dtype.size == 4 ? fn(std::int32_t{}) : fn(std::int64_t{});
    case NpyKind::Unsigned:
    case NpyKind::Bool:
      if (dtype.size == 1) return fn(std::uint8_t{});
      if (dtype.size == 2) return fn(std::uint16_t{});
      return dtype.size == 4 ? fn(std::uint32_t{}) : fn(std::uint64_t{});
  }
}

// Calls visit(storage index) for each element in C order (last index fastest). Fortran
// storage puts the first index fastest: an odometer over the indices, last one turning
// fastest, carries the storage offset along with it.
template <class Visit>
void walk_c_order(const std::vector<std::uint64_t>& shape, bool fortran_order, std::uint64_t n,
                  Visit&& visit) {
  if (!fortran_order || shape.size() < 2) {
    for (std::uint64_t k = 0; k < n; ++k) visit(k);
    return;
  }
  const std::size_t rank = shape.size();
  std::vector<std::uint64_t> stride(rank, 1), index(rank, 0);
  for (std::size_t d = 1; d < rank; ++d) stride[d] = stride[d - 1] * shape[d - 1];
  std::uint64_t offset = 0;
  for (std::uint64_t k = 0; k < n; ++k) {
    visit(offset);
    for (std::size_t d = rank; d-- > 0;) {
      offset += stride[d];
      if (++index[d] < shape[d]) break;
      offset -= stride[d] * shape[d];
      index[d] = 0;
    }
  }
}

}  // namespace

std::string shape_text(const std::vector<std::uint64_t>& shape) {
  std::string text = "(";
  for (std::size_t d = 0; d < shape.size(); ++d)
    text += (d == 0 ? "" : ", ") + std::to_string(shape[d]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

std::string NpyDtype::name() const {
  if (kind == NpyKind::Bool) return "bool";
  const std::string bits = std::to_string(8 * size);
  if (kind == NpyKind::Float) return "float" + bits;
  return (kind == NpyKind::Signed ? "int" : "uint") + bits;
}

std::uint64_t NpyArray::size() const {
  std::uint64_t n = 1;
  for (const std::uint64_t d : shape) n *= d;  // bounded by the data's size when parsed
  return n;
}

std::string NpyArray::shape_text() const { return mlpscope::shape_text(shape); }

std::vector<double> NpyArray::to_doubles() const {
  std::vector<double> out(static_cast<std::size_t>(size()));
  with_element_type(dtype, [&]<class S>(S) {
    double* next = out.data();
    walk_c_order(shape, fortran_order, out.size(), [&](std::uint64_t at) {
      *next++ = static_cast<double>(load<S>(data_.data(), at));
    });
  });
  return out;
}

std::vector<std::int64_t> NpyArray::to_integers() const {
  if (dtype.kind == NpyKind::Float)
    throw Error(where + ": dtype " + dtype.name() + " where integers are expected");
  std::vector<std::int64_t> out(static_cast<std::size_t>(size()));
  with_element_type(dtype, [&]<class S>(S) {
    std::size_t k = 0;
    walk_c_order(shape, fortran_order, out.size(), [&](std::uint64_t at) {
      const S value = load<S>(data_.data(), at);
      if constexpr (std::is_same_v<S, std::uint64_t>) {
        if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
          throw Error(where + ": element " + std::to_string(k) + " (in C order) is " +
                      std::to_string(value) + ", above 2^63 - 1");
      }
      out[k++] = static_cast<std::int64_t>(value);
    });
  });
  return out;
}

template <class T>
Matrix<T> NpyArray::matrix() const {
  if (shape.size() != 1 && shape.size() != 2)
    throw Error(where + ": shape " + shape_text() + " has " + std::to_string(shape.size()) +
                " dimensions; expected a matrix (2) or a vector (1)");
  const auto rows = static_cast<Index>(shape[0]);
  const auto cols = static_cast<Index>(shape.size() == 2 ? shape[1] : 1);
  Matrix<T> m(rows, cols);
  with_element_type(dtype, [&]<class S>(S) {
    // Fortran storage is the matrix's own column-major order; C storage is its transpose's.
    const bool same_order = fortran_order || shape.size() == 1;
    std::uint64_t at = 0;
    if (same_order) {
      for (Index k = 0; k < m.size(); ++k)
        m.data()[k] = static_cast<T>(load<S>(data_.data(), at++));
    } else {
      for (Index i = 0; i < rows; ++i)
        for (Index j = 0; j < cols; ++j) m(i, j) = static_cast<T>(load<S>(data_.data(), at++));
    }
  });
  return m;
}

template Matrix<float> NpyArray::matrix<float>() const;
template Matrix<double> NpyArray::matrix<double>() const;

NpyArray parse_npy(std::vector<std::uint8_t> bytes, const std::string& where) {
  const std::string_view head(reinterpret_cast<const char*>(bytes.data()),
                              std::min(bytes.size(), kMagic.size()));
  if (head != kMagic) {
    const bool zip = bytes.size() >= 4 && std::memcmp(bytes.data(), "PK\x03\x04", 4) == 0;
    throw Error(where + ": not a .npy file: it does not start with \"\\x93NUMPY\"" +
                (zip ? " but with a zip header (an .npz archive?)" : ""));
  }
  if (bytes.size() < 8) throw Error(where + ": truncated: the file ends inside the version");
  const int major = bytes[6], minor = bytes[7];
  if (major < 1 || major > 3 || minor != 0)
    throw Error(where + ": format version " + std::to_string(major) + "." + std::to_string(minor) +
                " is not one mlpscope reads (1.0, 2.0 or 3.0)");
  const int length_bytes = major == 1 ? 2 : 4;
  const std::size_t header_start = 8 + static_cast<std::size_t>(length_bytes);
  if (bytes.size() < header_start)
    throw Error(where + ": truncated: the file ends inside the header length");
  const std::uint64_t header_length = little_endian(bytes.data() + 8, length_bytes);
  if (header_length > bytes.size() - header_start)
    throw Error(where + ": the header length at byte offset 8 claims " +
                std::to_string(header_length) + " bytes, but only " +
                std::to_string(bytes.size() - header_start) + " follow it");

  const std::string_view text(reinterpret_cast<const char*>(bytes.data()) + header_start,
                              static_cast<std::size_t>(header_length));
  NpyHeader header = parse_npy_header(text, where);
  const std::uint64_t expected = data_bytes(header, where);
  const std::size_t data_start = header_start + static_cast<std::size_t>(header_length);
  const std::uint64_t found = bytes.size() - data_start;
  const std::string what = "shape " + shape_text(header.shape) + " of " + header.dtype.name() +
                           " (" + std::to_string(expected) + " bytes from byte offset " +
                           std::to_string(data_start) + ")";
  if (found < expected)
    throw Error(where + ": truncated data: " + what + ", but the file holds " +
                std::to_string(found));
  if (found > expected)
    throw Error(where + ": " + std::to_string(found - expected) + " unexpected bytes after the " +
                "data of " + what + "; the header's shape does not match the file");

  NpyArray array;
  array.where = where;
  array.dtype = header.dtype;
  array.shape = std::move(header.shape);
  array.fortran_order = header.fortran_order;
  bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(data_start));
  if (header.swap_bytes) swap_elements(bytes, header.dtype.size);
  if (header.dtype.kind == NpyKind::Bool)
    for (std::uint8_t& b : bytes) b = b != 0;  // numpy reads any non-zero byte as True
  array.data_ = std::move(bytes);
  return array;
}

NpyArray read_npy(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error(path + ": no such file");
  if (std::filesystem::is_directory(path, ec)) throw Error(path + ": is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open: " + std::strerror(errno));
  const std::uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) throw Error(path + ": cannot read its size: " + ec.message());
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
  if (static_cast<std::uint64_t>(in.gcount()) != size) throw Error(path + ": read error");
  return parse_npy(std::move(bytes), path);
}

}  // namespace mlpscope
