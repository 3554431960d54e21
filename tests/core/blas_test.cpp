// core/blas.h against Eigen's product expressions, for every transpose combination, with
// α and β that scale and accumulate, on shapes from empty to blocked sizes.
#include "core/blas.h"
#include "core/small_gemm.h"

#include <gtest/gtest.h>

#include <limits>

#include "core/random.h"
#include "support/fixtures.h"

namespace mlpscope {
namespace {

using testing::normal_matrix;

// ‖a − b‖ / max(‖b‖, 1): the same products summed in another order differ by a few units
// in the last place of each term, about k·ε relative to the sum of |terms|.
template <class T>
double relative_difference(const Matrix<T>& a, const Matrix<T>& b) {
  return (a - b).template cast<double>().norm() / std::max(b.template cast<double>().norm(), 1.0);
}

template <class T>
void check_gemm(Index m, Index n, Index k, double tolerance) {
  Rng rng(static_cast<std::uint64_t>(m * 10007 + n * 101 + k));
  for (Op op_a : {Op::none, Op::transpose})
    for (Op op_b : {Op::none, Op::transpose})
      for (const auto& [alpha, beta] : {std::pair<T, T>{1, 0}, {-0.25, 1}, {2, 0.5}}) {
        const Matrix<T> A =
            op_a == Op::none ? normal_matrix<T>(m, k, rng) : normal_matrix<T>(k, m, rng);
        const Matrix<T> B =
            op_b == Op::none ? normal_matrix<T>(k, n, rng) : normal_matrix<T>(n, k, rng);
        Matrix<T> C = normal_matrix<T>(m, n, rng);
        Matrix<T> opA = op_a == Op::none ? A : Matrix<T>(A.transpose());
        Matrix<T> opB = op_b == Op::none ? B : Matrix<T>(B.transpose());
        // β = 0 must not read C: a NaN there must not reach the result.
        if (beta == T(0)) C.setConstant(std::numeric_limits<T>::quiet_NaN());
        Matrix<T> expected = alpha * (opA * opB);
        if (beta != T(0)) expected += beta * C;
        gemm<T>(op_a, op_b, alpha, A, B, beta, C);
        EXPECT_LT(relative_difference(C, expected), tolerance)
            << m << "x" << n << "x" << k << " op_a " << (op_a == Op::transpose) << " op_b "
            << (op_b == Op::transpose) << " alpha " << alpha << " beta " << beta;
      }
}

TEST(Blas, GemmMatchesEigenForEveryTransposeAlphaAndBeta) {
  for (Index m : {1, 3, 17, 70})
    for (Index n : {1, 2, 33})
      for (Index k : {1, 5, 64}) {
        check_gemm<double>(m, n, k, 1e-13);
        check_gemm<float>(m, n, k, 1e-5);
      }
}

// Shapes small_gemm takes (16 to 64 rows) and its neighbours, in both precisions: the
// generated kernels, the transposed-A copy and the scratch for α ≠ 1 or β ∉ {0, 1}.
TEST(Blas, SmallGemmMatchesEigenForEveryTransposeAlphaAndBeta) {
  for (Index m : {8, 15, 16, 32, 64, 65})
    for (Index n : {1, 2, 40, 400})
      for (Index k : {1, 2, 32, 400}) {
        check_gemm<double>(m, n, k, 1e-13);
        check_gemm<float>(m, n, k, 1e-5);
      }
}

TEST(Blas, SmallGemmTakesTheShapesItWasMeasuredOn) {
  if (small_gemm_available()) {
    EXPECT_TRUE(small_gemm_suits<float>(32, 400, 32));
    EXPECT_TRUE(small_gemm_suits<float>(32, 400, 2));
    EXPECT_TRUE(small_gemm_suits<double>(8, 400, 32));
  }
  EXPECT_FALSE(small_gemm_suits<float>(2, 400, 32));     // fewer rows than a vector
  EXPECT_FALSE(small_gemm_suits<float>(128, 128, 128));  // large: OpenBLAS's packing pays
  EXPECT_FALSE(small_gemm_suits<float>(64, 1000, 64));   // m·n·k above 2^21
}

TEST(Blas, SmallGemmWritesIntoABlockOfALargerMatrix) {
  Rng rng(7);
  const Matrix<float> A = normal_matrix<float>(32, 20, rng), B = normal_matrix<float>(20, 10, rng);
  Matrix<float> big = Matrix<float>::Zero(40, 14);
  gemm<float>(Op::none, Op::none, 1.0f, A, B, 0.0f, big.block(3, 2, 32, 10));
  EXPECT_LT(relative_difference<float>(big.block(3, 2, 32, 10), A * B), 1e-6);
  EXPECT_EQ(big.topRows(3).norm() + big.bottomRows(5).norm(), 0.0f);
  EXPECT_EQ(big.leftCols(2).norm() + big.rightCols(2).norm(), 0.0f);
}

TEST(Blas, GemmWithAnEmptySumScalesC) {
  Matrix<double> A(3, 0), B(0, 2), C = Matrix<double>::Constant(3, 2, 4.0);
  gemm<double>(Op::none, Op::none, 1.0, A, B, 0.5, C);
  EXPECT_EQ(C, Matrix<double>::Constant(3, 2, 2.0));
  C.setConstant(std::numeric_limits<double>::quiet_NaN());
  gemm<double>(Op::none, Op::none, 1.0, A, B, 0.0, C);
  EXPECT_EQ(C, Matrix<double>::Zero(3, 2));
}

TEST(Blas, GemmWritesIntoABlockOfALargerMatrix) {
  Rng rng(5);
  const Matrix<double> A = normal_matrix<double>(4, 3, rng), B = normal_matrix<double>(3, 2, rng);
  Matrix<double> big = Matrix<double>::Zero(6, 5);
  gemm<double>(Op::none, Op::none, 1.0, A, B, 0.0, big.block(1, 2, 4, 2));
  EXPECT_LT((big.block(1, 2, 4, 2) - A * B).norm(), 1e-14);
  EXPECT_EQ(big.col(0).norm() + big.col(1).norm() + big.col(4).norm(), 0.0);
  EXPECT_EQ(big.row(0).norm() + big.row(5).norm(), 0.0);
}

template <class T>
void check_gemv(Index m, Index n, double tolerance) {
  Rng rng(static_cast<std::uint64_t>(m * 31 + n));
  const Matrix<T> A = normal_matrix<T>(m, n, rng);
  for (Op op : {Op::none, Op::transpose}) {
    const Index in = op == Op::none ? n : m, out = op == Op::none ? m : n;
    const Vector<T> x = normal_matrix<T>(in, 1, rng);
    const Vector<T> y0 = normal_matrix<T>(out, 1, rng);
    for (const auto& [alpha, beta] : {std::pair<T, T>{1, 0}, {-3, 1}, {0.5, 2}}) {
      Vector<T> y = y0;
      if (beta == T(0)) y.setConstant(std::numeric_limits<T>::quiet_NaN());
      gemv<T>(op, alpha, A, x.data(), beta, y.data());
      Vector<T> expected =
          op == Op::none ? Vector<T>(alpha * (A * x)) : Vector<T>(alpha * (A.transpose() * x));
      if (beta != T(0)) expected += beta * y0;
      EXPECT_LT(relative_difference<T>(y, expected), tolerance) << m << "x" << n;
    }
  }
}

TEST(Blas, GemvMatchesEigenBothWays) {
  for (Index m : {1, 7, 100})
    for (Index n : {1, 9, 64}) {
      check_gemv<double>(m, n, 1e-13);
      check_gemv<float>(m, n, 1e-5);
    }
}

}  // namespace
}  // namespace mlpscope
