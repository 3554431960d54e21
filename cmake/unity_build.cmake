# Unity builds: each target's files compiled in batches of MLPSCOPE_UNITY_BATCH, one
# translation unit per batch. After precompiled headers (precompiled_headers.cmake), most
# of a file's compile time was still the headers and templates it shares with its
# neighbours: measured with g++ 12 -O3 on this project's 2-core machine, a test file took
# 6 to 22 s, of which parsing (Eigen and its AVX-512 intrinsics above all, 250,000 lines
# preprocessed, which the precompiled header cannot hold: see there) was half. Six
# diagnose and nn test files took 46 s one by one and 24 s as one batch. Batches change no
# generated arithmetic: ISO C++ mode (-std=c++20, no GNU extensions) keeps
# -ffp-contract=off, so inlining across a batch cannot fuse or reorder floating-point
# operations (tests/run/reference_outputs_test holds every result to its bits).
#
# A batch is one translation unit, so two files of a batch cannot both define a helper of
# the same name in an anonymous namespace. The few library files whose helpers share names
# by design (each table file's `kernels`, `choices`; the output heads' Sigmoid and Identity
# against the activations') are compiled alone: mlpscope_unity_alone below.
#
# MLPSCOPE_UNITY=OFF compiles every file alone (quicker to rebuild after editing one file,
# and it checks that each file includes what it uses). The fuzz build keeps it off.
option(MLPSCOPE_UNITY "Compile each target's files in batches (cmake/unity_build.cmake)" ON)
set(MLPSCOPE_UNITY_BATCH 8 CACHE STRING "Files per unity batch (cmake/unity_build.cmake)")

# Unity batches for `target`, when MLPSCOPE_UNITY is on.
function(mlpscope_unity target)
  if(MLPSCOPE_UNITY AND NOT MLPSCOPE_FUZZ)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON
                                               UNITY_BUILD_BATCH_SIZE ${MLPSCOPE_UNITY_BATCH})
  endif()
endfunction()

# For targets whose files include cpp-httplib: it includes <resolv.h>, whose macro _res is
# a parameter name inside Eigen, so a batch that meets httplib before Eigen does not
# compile. Eigen (through core/types.h) starts each batch.
function(mlpscope_unity_eigen_first target)
  set_target_properties(${target} PROPERTIES UNITY_BUILD_CODE_BEFORE_INCLUDE
                                             "#include \"core/types.h\"")
endfunction()

# Files compiled alone even in a unity build.
function(mlpscope_unity_alone)
  set_source_files_properties(${ARGN} PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
endfunction()
