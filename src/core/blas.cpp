#include "core/blas.h"

#include <cassert>
#include <cstddef>

#include "core/shared_work.h"
#include "core/small_gemm.h"

#ifdef MLPSCOPE_HAVE_OPENBLAS
#include <cblas.h>
#endif

namespace mlpscope {

namespace {

#ifdef MLPSCOPE_HAVE_OPENBLAS
CBLAS_TRANSPOSE to_cblas(Op op) { return op == Op::transpose ? CblasTrans : CblasNoTrans; }

void call_gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, float alpha,
               const float* a, int lda, const float* b, int ldb, float beta, float* c, int ldc) {
  cblas_sgemm(CblasColMajor, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
void call_gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, double alpha,
               const double* a, int lda, const double* b, int ldb, double beta, double* c,
               int ldc) {
  cblas_dgemm(CblasColMajor, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
void call_gemv(CBLAS_TRANSPOSE ta, int m, int n, float alpha, const float* a, int lda,
               const float* x, float beta, float* y) {
  cblas_sgemv(CblasColMajor, ta, m, n, alpha, a, lda, x, 1, beta, y, 1);
}
void call_gemv(CBLAS_TRANSPOSE ta, int m, int n, double alpha, const double* a, int lda,
               const double* x, double beta, double* y) {
  cblas_dgemv(CblasColMajor, ta, m, n, alpha, a, lda, x, 1, beta, y, 1);
}
#endif

// BLAS wants a leading dimension of at least 1, even for a matrix with no rows.
int leading(Index stride) { return static_cast<int>(stride > 0 ? stride : 1); }

#ifdef MLPSCOPE_HAVE_OPENBLAS
// One BLAS call on a block of C (a SpinWorker task).
template <class T>
struct GemmCall {
  CBLAS_TRANSPOSE ta, tb;
  int m, n, k;
  T alpha;
  const T* a;
  int lda;
  const T* b;
  int ldb;
  T beta;
  T* c;
  int ldc;
  void operator()() const { call_gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); }
  static void run(void* context) { (*static_cast<const GemmCall*>(context))(); }
};

// The two halves of one product: columns of C [0, n/2) and [n/2, n) when n ≥ m, else rows.
// Each half packs all of the operand it does not split: splitting the longer side of C
// duplicates the smaller operand's packing (measured at batch 128: the same speed as always
// splitting columns, 215k samples/s either way). The helper is offered the second half; the
// caller computes the first.
template <class T>
void shared_gemm(SpinWorker& helper, const GemmCall<T>& whole) {
  GemmCall<T> first = whole, second = whole;
  if (whole.n >= whole.m) {
    const int half = whole.n / 2;
    first.n = half;
    second.n = whole.n - half;
    second.b += static_cast<std::ptrdiff_t>(half) * (whole.tb == CblasNoTrans ? whole.ldb : 1);
    second.c += static_cast<std::ptrdiff_t>(half) * whole.ldc;
  } else {
    const int half = whole.m / 2;
    first.m = half;
    second.m = whole.m - half;
    second.a += static_cast<std::ptrdiff_t>(half) * (whole.ta == CblasNoTrans ? 1 : whole.lda);
    second.c += half;
  }
  helper.start(&GemmCall<T>::run, &second);
  first();
  helper.wait();
}
#endif

}  // namespace

template <class T>
void gemm(Op op_a, Op op_b, T alpha, Eigen::Ref<const Matrix<T>> A, Eigen::Ref<const Matrix<T>> B,
          T beta, Eigen::Ref<Matrix<T>> C) {
  const Index m = C.rows(), n = C.cols();
  const Index k = op_a == Op::none ? A.cols() : A.rows();
  assert((op_a == Op::none ? A.rows() : A.cols()) == m);
  assert((op_b == Op::none ? B.rows() : B.cols()) == k);
  assert((op_b == Op::none ? B.cols() : B.rows()) == n);
  if (m == 0 || n == 0) return;
  if (k == 0) {  // an empty sum: C ← β·C (β = 0 clears C, whatever it held)
    if (beta == T(0))
      C.setZero();
    else
      C *= beta;
    return;
  }
  if (small_gemm(op_a, op_b, m, n, k, alpha, A.data(), A.outerStride(), B.data(), B.outerStride(),
                 beta, C.data(), C.outerStride()))
    return;
#ifdef MLPSCOPE_HAVE_OPENBLAS
  const GemmCall<T> call{to_cblas(op_a),
                         to_cblas(op_b),
                         static_cast<int>(m),
                         static_cast<int>(n),
                         static_cast<int>(k),
                         alpha,
                         A.data(),
                         leading(A.outerStride()),
                         B.data(),
                         leading(B.outerStride()),
                         beta,
                         C.data(),
                         leading(C.outerStride())};
  SpinWorker* helper = SharedWork::helper();
  const Index split = n >= m ? n : m;  // the side shared_gemm halves
  if (helper && split >= 2 &&
      double(m) * double(n) * double(k) / double(split) * double(split / 2) > kShareMinHalfMnk)
    shared_gemm(*helper, call);
  else
    call();
#else
  // Eigen's own kernels; β = 0 must not read C (it may hold NaN from an earlier run).
  auto product = [&](const auto& a, const auto& b) {
    if (beta == T(0))
      C.noalias() = alpha * (a * b);
    else {
      C *= beta;
      C.noalias() += alpha * (a * b);
    }
  };
  if (op_a == Op::none && op_b == Op::none)
    product(A, B);
  else if (op_a == Op::none)
    product(A, B.transpose());
  else if (op_b == Op::none)
    product(A.transpose(), B);
  else
    product(A.transpose(), B.transpose());
#endif
}

template <class T>
void gemv(Op op_a, T alpha, Eigen::Ref<const Matrix<T>> A, const T* x, T beta, T* y) {
  const Index m = A.rows(), n = A.cols();
  const Index out = op_a == Op::none ? m : n, in = op_a == Op::none ? n : m;
  if (out == 0) return;
  VectorMap<T> Y(y, out);
  if (in == 0) {
    if (beta == T(0))
      Y.setZero();
    else
      Y *= beta;
    return;
  }
#ifdef MLPSCOPE_HAVE_OPENBLAS
  call_gemv(to_cblas(op_a), static_cast<int>(m), static_cast<int>(n), alpha, A.data(),
            leading(A.outerStride()), x, beta, y);
#else
  ConstVectorMap<T> X(x, in);
  if (beta == T(0))
    Y.setZero();
  else
    Y *= beta;
  if (op_a == Op::none)
    Y.noalias() += alpha * (A * X);
  else
    Y.noalias() += alpha * (A.transpose() * X);
#endif
}

template void gemm<float>(Op, Op, float, Eigen::Ref<const Matrix<float>>,
                          Eigen::Ref<const Matrix<float>>, float, Eigen::Ref<Matrix<float>>);
template void gemm<double>(Op, Op, double, Eigen::Ref<const Matrix<double>>,
                           Eigen::Ref<const Matrix<double>>, double, Eigen::Ref<Matrix<double>>);
template void gemv<float>(Op, float, Eigen::Ref<const Matrix<float>>, const float*, float, float*);
template void gemv<double>(Op, double, Eigen::Ref<const Matrix<double>>, const double*, double,
                           double*);

}  // namespace mlpscope
