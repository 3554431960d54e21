// libFuzzer's entry point for one target, chosen at build time (fuzz/CMakeLists.txt compiles
// this file once per target with MLPSCOPE_FUZZ_FUNCTION set to it). A refusal by
// mlpscope::Error is the expected outcome and returns normally; any other exception escapes
// and aborts, which libFuzzer reports as a crash with the input that caused it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)MLPSCOPE_FUZZ_FUNCTION(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
