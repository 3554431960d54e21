#include "core/small_gemm.h"

#include <type_traits>
#include <vector>

#ifdef MLPSCOPE_HAVE_LIBXSMM
#include <libxsmm.h>
#endif

namespace mlpscope {

bool small_gemm_available() {
#ifdef MLPSCOPE_HAVE_LIBXSMM
  return true;
#else
  return false;
#endif
}

template <class T>
bool small_gemm_suits(Index m, Index n, Index k) {
#ifdef MLPSCOPE_HAVE_LIBXSMM
  // Two AVX2 vectors of rows (16 floats, 8 doubles): below that the generated kernels
  // measured slower than OpenBLAS (m = 2 and 10 in the header's table).
  constexpr Index least_rows = 64 / sizeof(T);
  return m >= least_rows && m <= 64 && n >= 1 && k >= 1 && m * n * k <= (Index{1} << 21);
#else
  (void)m, (void)n, (void)k;
  return false;
#endif
}

#ifdef MLPSCOPE_HAVE_LIBXSMM

namespace {

using Kernel = void (*)(const void*, const void*, void*);

// The kernel for C ← A·op(B) + β·C, β ∈ {0, 1}; null when libxsmm cannot generate one
// (a CPU it has no code generator for), and the caller falls back to BLAS. libxsmm keeps
// generated kernels in a registry: asking again for a shape is a hash lookup.
template <class T>
Kernel dispatch(Index m, Index n, Index k, Index lda, Index ldb, Index ldc, bool transpose_b,
                T beta) {
  const libxsmm_blasint M = static_cast<libxsmm_blasint>(m), N = static_cast<libxsmm_blasint>(n),
                        K = static_cast<libxsmm_blasint>(k),
                        LDA = static_cast<libxsmm_blasint>(lda),
                        LDB = static_cast<libxsmm_blasint>(ldb),
                        LDC = static_cast<libxsmm_blasint>(ldc);
  const int flags = transpose_b ? LIBXSMM_GEMM_FLAG_TRANS_B : LIBXSMM_GEMM_FLAG_NONE;
  const T one = 1;
  if constexpr (std::is_same_v<T, float>)
    return reinterpret_cast<Kernel>(
        libxsmm_smmdispatch(M, N, K, &LDA, &LDB, &LDC, &one, &beta, &flags, nullptr));
  else
    return reinterpret_cast<Kernel>(
        libxsmm_dmmdispatch(M, N, K, &LDA, &LDB, &LDC, &one, &beta, &flags, nullptr));
}

// Per-thread scratch of at least `size` values; it only grows, so that the alternating
// shapes of a training step allocate nothing after the first step.
template <class T>
T* scratch(int which, Index size) {
  thread_local std::vector<T> buffers[2];
  std::vector<T>& buffer = buffers[which];
  if (buffer.size() < static_cast<std::size_t>(size)) buffer.resize(static_cast<std::size_t>(size));
  return buffer.data();
}

}  // namespace

template <class T>
bool small_gemm(Op op_a, Op op_b, Index m, Index n, Index k, T alpha, const T* A, Index lda,
                const T* B, Index ldb, T beta, T* C, Index ldc) {
  if (!small_gemm_suits<T>(m, n, k)) return false;
  const bool direct = alpha == T(1) && (beta == T(0) || beta == T(1));
  const Index ld_out = direct ? ldc : m;
  const Index ld_a = op_a == Op::none ? lda : m;
  const Kernel kernel =
      dispatch<T>(m, n, k, ld_a, ldb, ld_out, op_b == Op::transpose, direct ? beta : T(0));
  if (!kernel) return false;
  if (op_a == Op::transpose) {  // A is stored k×m: copy it as m×k
    T* a = scratch<T>(0, m * k);
    MatrixMap<T>(a, m, k).noalias() =
        Eigen::Map<const Matrix<T>, 0, Eigen::OuterStride<>>(A, k, m, Eigen::OuterStride<>(lda))
            .transpose();
    A = a;
  }
  if (direct) {
    kernel(A, B, C);
    return true;
  }
  T* c = scratch<T>(1, m * n);
  kernel(A, B, c);
  const MatrixMap<T> product(c, m, n);
  Eigen::Map<Matrix<T>, 0, Eigen::OuterStride<>> out(C, m, n, Eigen::OuterStride<>(ldc));
  if (beta == T(0))
    out.noalias() = alpha * product;  // β = 0 never reads C
  else
    out = beta * out + alpha * product;
  return true;
}

#else

template <class T>
bool small_gemm(Op, Op, Index, Index, Index, T, const T*, Index, const T*, Index, T, T*, Index) {
  return false;
}

#endif

template bool small_gemm<float>(Op, Op, Index, Index, Index, float, const float*, Index,
                                const float*, Index, float, float*, Index);
template bool small_gemm<double>(Op, Op, Index, Index, Index, double, const double*, Index,
                                 const double*, Index, double, double*, Index);
template bool small_gemm_suits<float>(Index, Index, Index);
template bool small_gemm_suits<double>(Index, Index, Index);

}  // namespace mlpscope
