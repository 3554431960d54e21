// SharedWork: with a helper thread, products and activation passes are computed in two
// halves, one per thread: activations give the bits one thread gives, products the same
// bits run to run and one thread's to rounding; without a helper, or below the sizes worth
// sharing, nothing is handed over.
#include "core/shared_work.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <limits>
#include <vector>

#include "core/blas.h"
#include "core/threads.h"
#include "nn/activation.h"

namespace mlpscope {
namespace {

template <class T>
bool same_bits(const Matrix<T>& a, const Matrix<T>& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(T) * static_cast<std::size_t>(a.size())) == 0;
}

struct Shape {
  Op op_a, op_b;
  Index m, n, k;
};

// The products of a training step of 784-256-128-10 at batch 128 (forward, the fused SGD
// update, the backward pass) and of a probe's output layer, with α = −lr and β = 1 as the
// update calls them, and shapes on both sides of OpenBLAS's small-kernel line.
template <class T>
void expect_shared_products_match_one_thread() {
  set_threads(1);
  SpinWorker helper;
  const Shape shapes[] = {
      {Op::none, Op::none, 256, 128, 784},      {Op::none, Op::transpose, 256, 784, 128},
      {Op::none, Op::none, 128, 128, 256},      {Op::none, Op::transpose, 128, 256, 128},
      {Op::transpose, Op::none, 256, 128, 128}, {Op::none, Op::transpose, 10, 128, 1000},
      {Op::none, Op::none, 10, 128, 128},       {Op::none, Op::none, 64, 128, 200},
      {Op::none, Op::none, 300, 7, 1000},       {Op::transpose, Op::transpose, 100, 99, 300}};
  for (const Shape& s : shapes) {
    SCOPED_TRACE(::testing::Message() << s.m << "×" << s.n << "×" << s.k);
    const Matrix<T> A =
        Matrix<T>::Random(s.op_a == Op::none ? s.m : s.k, s.op_a == Op::none ? s.k : s.m);
    const Matrix<T> B =
        Matrix<T>::Random(s.op_b == Op::none ? s.k : s.n, s.op_b == Op::none ? s.n : s.k);
    const Matrix<T> C = Matrix<T>::Random(s.m, s.n);
    Matrix<T> alone = C, shared = C;
    gemm<T>(s.op_a, s.op_b, T(-0.01), A, B, T(1), alone);
    const auto before = helper.run_by_helper() + helper.run_by_caller();
    {
      SharedWork work(helper);
      gemm<T>(s.op_a, s.op_b, T(-0.01), A, B, T(1), shared);
    }
    // The same bits run to run; one call's to rounding (to the bit with OpenBLAS's AVX-512
    // kernels; with the Haswell kernel about 1% of elements differ in the last bit).
    Matrix<T> again = C;
    {
      SharedWork work(helper);
      gemm<T>(s.op_a, s.op_b, T(-0.01), A, B, T(1), again);
    }
    EXPECT_TRUE(same_bits(shared, again));
    // |C| ≤ 1 + |α|·k for entries in [−1, 1]: a few units in the last place of that.
    const T bound = T(1) + T(0.01) * static_cast<T>(s.k);
    EXPECT_LE((alone - shared).cwiseAbs().maxCoeff(),
              4 * std::numeric_limits<T>::epsilon() * bound);
    const double half_mnk = double(s.m) * double(s.n) * double(s.k) / 2;
    const auto handed = helper.run_by_helper() + helper.run_by_caller() - before;
    EXPECT_EQ(handed, half_mnk > kShareMinHalfMnk ? 2u : 0u);
  }
}

TEST(SharedWork, ProductsRepeatAndAgreeWithOneThreadFloat) {
  expect_shared_products_match_one_thread<float>();
}
TEST(SharedWork, ProductsRepeatAndAgreeWithOneThreadDouble) {
  expect_shared_products_match_one_thread<double>();
}

// Every activation, forward and backward, on shapes whose halves do not end on a packet (33
// rows) and on the trainer's; float and double.
template <class T>
void expect_shared_activations_match_one_thread() {
  SpinWorker helper;
  for (const ActivationRow& row : activation_table()) {
    Activation act;
    act.kind = row.kind;
    for (const auto& [rows, cols] : {std::pair<Index, Index>{33, 1000}, {256, 128}, {7, 4000}}) {
      SCOPED_TRACE(::testing::Message() << row.name << " " << rows << "×" << cols);
      const Matrix<T> Z = Matrix<T>::Random(rows, cols) * T(4);
      const Matrix<T> dA = Matrix<T>::Random(rows, cols);
      Matrix<T> A1, A2, dZ1, dZ2;
      act.forward(Z, A1);
      act.backward(Z, A1, dA, dZ1);
      const auto before = helper.run_by_helper() + helper.run_by_caller();
      {
        SharedWork work(helper);
        act.forward(Z, A2);
        act.backward(Z, A2, dA, dZ2);
      }
      EXPECT_EQ(helper.run_by_helper() + helper.run_by_caller() - before, 2u);
      EXPECT_TRUE(same_bits(A1, A2));
      EXPECT_TRUE(same_bits(dZ1, dZ2));
    }
  }
}

TEST(SharedWork, ActivationsGiveTheBitsOfOneThreadFloat) {
  expect_shared_activations_match_one_thread<float>();
}
TEST(SharedWork, ActivationsGiveTheBitsOfOneThreadDouble) {
  expect_shared_activations_match_one_thread<double>();
}

TEST(SharedWork, HalvesCoverTheColumnsOnceAndSplitWhereALineStarts) {
  SpinWorker helper;
  for (const auto& [rows, cols] : {std::pair<Index, Index>{256, 128}, {33, 1000}, {7, 4000}}) {
    // The two parts may run at once, one on each thread: each writes its own columns of
    // `seen` and its own slot of `parts` (the lower part slot 0, the upper slot 1), and
    // counts itself atomically.
    std::vector<int> seen(static_cast<std::size_t>(cols), 0);
    std::pair<Index, Index> parts[2] = {{-1, -1}, {-1, -1}};
    std::atomic<int> calls{0};
    {
      SharedWork work(helper);
      in_column_halves<float>(rows, cols, 0, [&](Index first, Index count) {
        for (Index j = first; j < first + count; ++j) ++seen[static_cast<std::size_t>(j)];
        parts[first == 0 ? 0 : 1] = {first, count};
        calls.fetch_add(1);
      });
    }
    for (int times : seen) ASSERT_EQ(times, 1);
    ASSERT_EQ(calls.load(), 2);
    ASSERT_EQ(parts[0].first, 0);
    const Index split = parts[0].second;
    EXPECT_EQ(parts[1].first, split);
    EXPECT_EQ(parts[1].second, cols - split);
    EXPECT_EQ(split * rows % 16, 0) << rows << "×" << cols;  // 16 floats: 64 bytes
    EXPECT_NEAR(double(split), cols / 2.0, 16.0);
  }
}

TEST(SharedWork, NothingIsHandedOverWithoutAHelperOrBelowTheMinimum) {
  int calls = 0;
  in_column_halves<float>(256, 128, 0, [&](Index first, Index count) {
    EXPECT_EQ(first, 0);
    EXPECT_EQ(count, 128);
    ++calls;
  });
  EXPECT_EQ(calls, 1);
  SpinWorker helper;
  SharedWork work(helper);
  in_column_halves<float>(16, 16, 1000, [&](Index, Index count) {
    EXPECT_EQ(count, 16);
    ++calls;
  });
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(helper.run_by_helper() + helper.run_by_caller(), 0u);
  {
    SpinWorker other;
    SharedWork inner(other);
    EXPECT_EQ(SharedWork::helper(), &other);
  }
  EXPECT_EQ(SharedWork::helper(), &helper);  // nested: the outer one is back
}

}  // namespace
}  // namespace mlpscope
