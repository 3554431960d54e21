// Small products by kernels generated for their exact shape: libxsmm (Heinecke et al.,
// "LIBXSMM: Accelerating Small Matrix Multiplications by Runtime Code Generation", SC'16)
// writes, the first time a shape is asked for, a kernel that keeps a column block of C in
// vector registers and never packs A or B. OpenBLAS packs both operands into its blocked
// layout on every call, which costs more than the arithmetic when m and k are a few dozen:
// the products of a sweep's 2-32-32-2 network on 400 points.
//
// Measured on this project's CPU (AMD EPYC, Zen 3, one thread; bench/RESULTS.md "Changes"):
//   C(32×400) += A(32×32)·B(32×400)   OpenBLAS 26.5 µs, libxsmm 14.3 µs
//   C(32×400) += A(32×2)·B(2×400)     OpenBLAS  6.8 µs, libxsmm  1.3 µs
//   C(32×32)  += A(32×400)·B(400×32)ᵀ OpenBLAS 23.5 µs, libxsmm 16.5 µs
//   C(2×400)  += A(2×32)·B(32×400)    OpenBLAS  9.3 µs, libxsmm 13.4 µs  (m too small)
//   C(128×128)+= A(128×128)·B         OpenBLAS 96 µs,   libxsmm 151 µs   (large: packing pays)
// so small_gemm takes a product only when C has at least 16 rows (8 in float64: two AVX2
// vectors), at most 64 rows, and m·n·k ≤ 2^21; everything else goes to BLAS.
//
// The generated kernels compute C ← A·op(B) + β·C with β ∈ {0, 1} and A not transposed.
// Other cases are brought to that form: a transposed A is copied transposed (m·k values,
// against the product's m·n·k operations), and α ∉ {1} or β ∉ {0, 1} go through a
// scratch C. Scratch buffers are per thread and grow once.
#pragma once

#include "core/blas.h"

namespace mlpscope {

// C ← α·op(A)·op(B) + β·C for column-major A (lda), B (ldb), C (ldc) as in BLAS, when the
// shape suits a generated kernel; returns false, touching nothing, when it does not (or
// when mlpscope was built without libxsmm), and the caller uses BLAS.
template <class T>
bool small_gemm(Op op_a, Op op_b, Index m, Index n, Index k, T alpha, const T* A, Index lda,
                const T* B, Index ldb, T beta, T* C, Index ldc);

// Whether mlpscope was built with libxsmm (MLPSCOPE_USE_LIBXSMM).
bool small_gemm_available();

// Whether small_gemm takes products of this shape (exposed for tests).
template <class T>
bool small_gemm_suits(Index m, Index n, Index k);

}  // namespace mlpscope
