// numpy's .npy files, read by their spec: numpy.lib.format ("A simple file format for NumPy
// arrays", NEP 1; numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
//   bytes 0-5  the magic string "\x93NUMPY"
//   bytes 6-7  the format version, major and minor: 1.0, 2.0 or 3.0
//   then HLEN, the header's length, little-endian: uint16 in 1.0, uint32 in 2.0 and 3.0
//   then HLEN bytes of header: a Python dict literal holding exactly the keys 'descr' (the
//     dtype, e.g. '<f8'), 'fortran_order' (True or False) and 'shape' (a tuple of ints, () for
//     a scalar), padded with spaces and ended by '\n'; latin-1 in 1.0 and 2.0, UTF-8 in 3.0
//     (which only structured dtypes' field names need, and those are refused here)
//   then the data: product(shape) elements, in C order (last index fastest) or, when
//     fortran_order is True, in Fortran order (first index fastest); nothing follows.
// The alignment padding the writers add (data at a multiple of 64 bytes) is not required.
//
// Read: float32, float64, signed and unsigned integers of 1, 2, 4 and 8 bytes, and bool, in
// either byte order ('<', '>'; '|' and '=' mean this machine's). Refused, naming the dtype:
// object arrays (pickled Python objects), structured dtypes (a list as 'descr'), float16,
// long double, complex, strings, datetimes. Every error is one line naming the file (or the
// archive and the array) and the problem; a header that promises more data than the file
// holds is refused before anything is allocated for it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/types.h"

namespace mlpscope {

enum class NpyKind { Bool, Signed, Unsigned, Float };

struct NpyDtype {
  NpyKind kind = NpyKind::Float;
  int size = 8;              // bytes per element: 1, 2, 4 or 8
  std::string name() const;  // numpy's name: "float64", "int32", "uint8", "bool"
};

class NpyArray {
 public:
  std::string where;  // names the array in errors: "w.npy" or "net.npz: array 'W1'"
  NpyDtype dtype;
  std::vector<std::uint64_t> shape;  // empty for a 0-d array (a scalar)
  bool fortran_order = false;

  std::uint64_t size() const;      // the number of elements, the product of the shape
  std::string shape_text() const;  // as numpy prints it: "(3, 4)", "(5,)", "()"

  // Every element as double, in C order (last index fastest) whatever the storage order:
  // for an (n, d) array, row i starts at i·d.
  std::vector<double> to_doubles() const;
  // Every element as int64, in C order. Integer and bool arrays only; a uint64 above
  // 2^63 - 1 is an Error naming its position.
  std::vector<std::int64_t> to_integers() const;
  // A 2-D array (rows, cols) as the Matrix M(rows, cols) with M(i, j) = a[i, j], a 1-D array
  // of n as (n, 1); any other rank is an Error naming the array and its shape.
  template <class T>
  Matrix<T> matrix() const;

 private:
  friend NpyArray parse_npy(std::vector<std::uint8_t> bytes, const std::string& where);
  std::vector<std::uint8_t> data_;  // the elements in storage order, this machine's byte order
};

// A shape as numpy prints it: "(3, 4)", "(5,)", "()".
std::string shape_text(const std::vector<std::uint64_t>& shape);

// Parses the bytes of a whole .npy file; `where` names it in errors. The buffer becomes the
// array's storage, so a file costs its own size in memory once.
NpyArray parse_npy(std::vector<std::uint8_t> bytes, const std::string& where);

// Reads and parses the .npy file at `path`; Error when it is missing or unreadable.
NpyArray read_npy(const std::string& path);

}  // namespace mlpscope
