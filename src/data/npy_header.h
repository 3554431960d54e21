// The header dict of a .npy file (data/npy.h has the whole format), e.g.
//   {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }
// numpy writes it with repr() and reads it back with ast.literal_eval; this reads the part of
// Python's literal syntax those headers use: a dict whose keys are exactly 'descr',
// 'fortran_order' and 'shape' (numpy refuses other keys too), single- or double-quoted
// strings without escapes, True and False, and a tuple of non-negative integers (an old
// Python 2 writer's "3L" included). A list as 'descr' is a structured dtype: refused by name.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "data/npy.h"

namespace mlpscope {

struct NpyHeader {
  NpyDtype dtype;
  bool swap_bytes = false;  // stored in the other byte order than this machine's
  bool fortran_order = false;
  std::vector<std::uint64_t> shape;
};

// Parses the header text (without the magic, version and length before it); Error
// "WHERE: header: PROBLEM" on anything the format does not allow or mlpscope does not read.
NpyHeader parse_npy_header(std::string_view text, const std::string& where);

}  // namespace mlpscope
