# Precompiled headers: the build's largest cost was parsing the same few headers again in
# every file. Measured with g++ 12 -O3 on this project's 2-core machine: a test file takes
# about 4.9 s to compile, 3.3 s of which is <gtest/gtest.h>, <Eigen/Core> and
# <nlohmann/json.hpp> alone (user time, GoogleTest, json and the standard headers 1.7 s,
# Eigen 1.1 s). Each target below parses them once into a .gch and every file
# of the target starts from it. A precompiled header changes no generated code: the same
# options give bit-identical results (tests/run/reference_outputs_test).
#
# MLPSCOPE_PCH=OFF turns it off (for a compiler cache that cannot use precompiled headers,
# or to check that every file includes what it uses). The fuzz build keeps it off: clang
# compiles only the parsers there.

# Included by most files of the library. Eigen is left out on purpose: core/types.h
# includes it with GCC 12's false -Wmaybe-uninitialized silenced around it (see there), and
# GCC 12 does not keep that #pragma in a precompiled header, so precompiling Eigen brought
# back some 870 warnings that would hide real ones.
set(MLPSCOPE_PCH_CORE
    <nlohmann/json.hpp>
    <algorithm>
    <filesystem>
    <functional>
    <map>
    <memory>
    <optional>
    <string>
    <vector>)

# target_precompile_headers for `target`, when MLPSCOPE_PCH is on.
function(mlpscope_precompile target)
  if(MLPSCOPE_PCH AND NOT MLPSCOPE_FUZZ)
    target_precompile_headers(${target} PRIVATE ${ARGN})
  endif()
endfunction()
