// A training step allocates nothing once its buffers exist (core/types.h, issue 6): every
// heap allocation of this executable is counted by replacing malloc and its relatives
// (operator new, Eigen's aligned allocations and std::vector all end in them), and
// steps after the first must leave the count unchanged.
//
// Under AddressSanitizer the allocator belongs to the sanitizer and cannot be replaced:
// there the test is skipped (the plain build runs it).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <numeric>
#include <utility>

#include "core/random.h"
#include "core/spin_worker.h"
#include "core/threads.h"
#include "data/dataset.h"
#include "nn/network.h"
#include "support/fixtures.h"
#include "train/fused_sgd.h"
#include "train/optimizer.h"

#if defined(__SANITIZE_ADDRESS__)
#define MLPSCOPE_COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define MLPSCOPE_COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef MLPSCOPE_COUNT_ALLOCATIONS
#define MLPSCOPE_COUNT_ALLOCATIONS 1
#endif

namespace {
std::atomic<long long> allocations{0};
}  // namespace

#if MLPSCOPE_COUNT_ALLOCATIONS
// glibc's own entry points, which the replacements forward to.
extern "C" void* __libc_malloc(std::size_t size);
extern "C" void* __libc_calloc(std::size_t count, std::size_t size);
extern "C" void* __libc_realloc(void* pointer, std::size_t size);
extern "C" void* __libc_memalign(std::size_t alignment, std::size_t size);

extern "C" void* malloc(std::size_t size) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(size);
}
extern "C" void* calloc(std::size_t count, std::size_t size) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_calloc(count, size);
}
extern "C" void* realloc(void* pointer, std::size_t size) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_realloc(pointer, size);
}
extern "C" void* aligned_alloc(std::size_t alignment, std::size_t size) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_memalign(alignment, size);
}
extern "C" int posix_memalign(void** out, std::size_t alignment, std::size_t size) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  *out = __libc_memalign(alignment, size);
  return *out ? 0 : ENOMEM;
}
#endif

namespace mlpscope {
namespace {

Dataset byte_images(Index n, Index dim, Index classes) {
  Dataset d;
  d.name = "bytes";
  d.dim = dim;
  d.num_classes = classes;
  Rng rng(7);
  d.bytes.resize(static_cast<std::size_t>(n * dim));
  // About half the pixels 0, as in Fashion-MNIST: the batch-1 kernels' skipping path too.
  for (auto& b : d.bytes) b = rng.below(2) == 0 ? 0 : static_cast<std::uint8_t>(rng.below(256));
  d.labels = testing::random_labels(n, classes, rng);
  return d;
}

// Allocations made by `steps` training steps after a first, warming one.
template <class T>
long long allocations_per_steps(Index batch, const char* optimizer, const char* activation,
                                int steps) {
  set_threads(1);
  const Dataset data = byte_images(64, 30, 5);
  Network<T> net(Architecture{{30, 16, 12, 5},
                              Activation::parse(activation),
                              Head::make(OutputKind::softmax, LossKind::cross_entropy)});
  Rng rng(3);
  net.initialize(Init::parse("he_normal"), BiasInit{}, 1.0, rng);
  const auto update = make_update<T>(OptimizerSpec::parse(optimizer), net.params().size());
  std::vector<std::int32_t> order(static_cast<std::size_t>(data.size()));
  std::iota(order.begin(), order.end(), 0);
  std::vector<std::int32_t> labels(static_cast<std::size_t>(batch));
  Workspace<T> ws;
  Matrix<T> X;
  auto step = [&](int s) {
    data.gather(order.data() + (s * batch) % (data.size() - batch + 1), batch, X, labels.data());
    net.forward(X, ws);
    if (net.loss_sum(ws, labels.data()) < 0) ADD_FAILURE() << "negative loss";
    update->step(net, X, labels.data(), ws, 0.01);
  };
  step(0);
  const long long before = allocations.load();
  for (int s = 1; s <= steps; ++s) step(s);
  return allocations.load() - before;
}

// Allocations made by `steps` online SGD steps with look-ahead (the trainer's batch-1 path:
// gather the next sample, step and forward it, swap) after a first, warming one.
template <class T>
long long allocations_per_look_ahead_steps(int steps, SpinWorker* helper = nullptr) {
  set_threads(1);
  const Dataset data = byte_images(64, 30, 5);
  Network<T> net(Architecture{{30, 16, 12, 5},
                              Activation::parse("relu"),
                              Head::make(OutputKind::softmax, LossKind::cross_entropy)});
  Rng rng(3);
  net.initialize(Init::parse("he_normal"), BiasInit{}, 1.0, rng);
  std::vector<std::int32_t> order(static_cast<std::size_t>(data.size()));
  std::iota(order.begin(), order.end(), 0);
  std::vector<std::int32_t> labels(1), labels_next(1);
  Workspace<T> ws;
  Matrix<T> X, X_next;
  FusedSgd<T> sgd;
  data.gather(order.data(), 1, X, labels.data());
  net.forward(X, ws);
  auto step = [&](int s) {
    if (net.loss_sum(ws, labels.data()) < 0) ADD_FAILURE() << "negative loss";
    data.gather(order.data() + s + 1, 1, X_next, labels_next.data());
    sgd.step_then_forward(net, X, labels.data(), ws, 0.01, X_next, helper);
    std::swap(X, X_next);
    std::swap(labels, labels_next);
  };
  step(0);
  const long long before = allocations.load();
  for (int s = 1; s <= steps; ++s) step(s);
  return allocations.load() - before;
}

TEST(NoAllocation, TheCounterSeesAllocations) {
  if (!MLPSCOPE_COUNT_ALLOCATIONS) GTEST_SKIP() << "allocator owned by a sanitizer";
  const long long before = allocations.load();
  Matrix<float> M = Matrix<float>::Constant(100, 100, 2.0f);
  auto* v = new std::vector<int>(10, 1);
  // Used, so that the compiler cannot elide the allocations.
  volatile double sink = static_cast<double>(M.sum()) + static_cast<double>(v->back());
  delete v;
  EXPECT_GE(allocations.load() - before, 3) << "Eigen's matrix, the vector object and its storage";
  EXPECT_EQ(sink, 20001.0);
}

TEST(NoAllocation, TrainingStepsAllocateNothing) {
  if (!MLPSCOPE_COUNT_ALLOCATIONS) GTEST_SKIP() << "allocator owned by a sanitizer";
  for (Index batch : {1, 8, 64})
    for (const char* optimizer : {"sgd", "momentum", "adam", "rmsprop"})
      for (const char* activation : {"relu", "tanh"}) {
        EXPECT_EQ(allocations_per_steps<float>(batch, optimizer, activation, 5), 0)
            << "f32 batch " << batch << " " << optimizer << " " << activation;
        EXPECT_EQ(allocations_per_steps<double>(batch, optimizer, activation, 5), 0)
            << "f64 batch " << batch << " " << optimizer << " " << activation;
      }
}

TEST(NoAllocation, OnlineLookAheadStepsAllocateNothing) {
  if (!MLPSCOPE_COUNT_ALLOCATIONS) GTEST_SKIP() << "allocator owned by a sanitizer";
  EXPECT_EQ(allocations_per_look_ahead_steps<float>(5), 0) << "f32";
  EXPECT_EQ(allocations_per_look_ahead_steps<double>(5), 0) << "f64";
  SpinWorker helper;  // started outside the count: a thread's creation allocates
  EXPECT_EQ(allocations_per_look_ahead_steps<float>(5, &helper), 0)
      << "f32, split between two threads";
  EXPECT_EQ(allocations_per_look_ahead_steps<double>(5, &helper), 0)
      << "f64, split between two threads";
}

}  // namespace
}  // namespace mlpscope
