// Throughput of mlpscope's training step, fast path against the reference path, in one
// invocation (so that a loaded machine slows both alike), and of the machine's SGEMM.
// The side-by-side comparison with PyTorch and numpy is bench/driver.py; figures and the
// commands that produced them go to bench/RESULTS.md.
//
//   Step/batch:B/data:D/path:P/threads:T
//        one training step of 784-256-128-10 relu, softmax + cross-entropy, plain SGD,
//        float32, batch B: gather the uint8 batch, forward, backward, update.
//        data 0: random uint8 images (no zero pixels to speak of); data 1: the real
//        Fashion-MNIST training images where dataset-fashion-mnist is installed (about
//        half their pixels are 0, which the batch-1 kernels skip; falls back to random).
//        path 0: the reference (reference_forward + reference_backward + Optimizer::step:
//        the engine before issue 6); path 1: the fast path the trainer takes for plain
//        SGD (forward + FusedSgd::step); path 2: the fast path for every other optimizer
//        (forward + backward + Optimizer::step, here with sgd).
//        items/s = training samples per second; GFLOP/s counts 6·params·samples.
//   Large/path:P/threads:T   784-1024-1024-10 relu at batch 512 (DESIGN.md's roofline bar)
//   Tiny/path:P    2-32-32-2 relu on 400 two-spiral points, full batch: one step (the
//                  sweep regime; items/s = steps per second)
//   Sgemm/N/threads:T   cblas_sgemm of N×N by N×N; GFLOP/s is the roofline
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <filesystem>
#include <numeric>
#include <optional>
#include <vector>

#include "core/random.h"
#include "core/shared_work.h"
#include "core/threads.h"
#include "data/dataset.h"
#include "data/load.h"
#include "nn/network.h"
#include "train/fused_sgd.h"
#include "train/optimizer.h"

namespace mlpscope {
namespace {

Dataset random_images(Index n, Index dim, Index classes) {
  Dataset d;
  d.name = "random";
  d.dim = dim;
  d.num_classes = classes;
  Rng rng(1);
  d.bytes.resize(static_cast<std::size_t>(n * dim));
  for (auto& b : d.bytes) b = static_cast<std::uint8_t>(rng.below(256));
  d.labels.resize(static_cast<std::size_t>(n));
  for (auto& l : d.labels)
    l = static_cast<std::int32_t>(rng.below(static_cast<std::uint32_t>(classes)));
  return d;
}

const Dataset& images(bool real) {
  static const Dataset random = random_images(4096, 784, 10);
  static const std::optional<Dataset> fashion = []() -> std::optional<Dataset> {
    if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist")) return std::nullopt;
    return load_data("fashion-mnist").train;
  }();
  return real && fashion ? *fashion : random;
}

enum Path { kReference = 0, kFusedSgd = 1, kSeparateStep = 2 };

// Runs the benchmark loop: one step per iteration over consecutive batches of `data`.
void run_steps(benchmark::State& state, const std::vector<Index>& sizes, const Dataset& data,
               Index batch, Path path, int threads) {
  Network<float> net(Architecture{sizes, Activation::parse("relu"),
                                  Head::make(OutputKind::softmax, LossKind::cross_entropy)});
  Rng rng(0);
  net.initialize(Init::parse("he_normal"), BiasInit{}, 1.0, rng);
  Optimizer<float> sgd(OptimizerSpec::parse("sgd"), net.params().size());
  FusedSgd<float> fused_sgd;
  Vector<float> grads(net.params().size());
  std::vector<std::int32_t> order(static_cast<std::size_t>(data.size()));
  std::iota(order.begin(), order.end(), 0);
  std::vector<std::int32_t> labels(static_cast<std::size_t>(batch));
  Workspace<float> ws;
  Matrix<float> X;
  const float lr = 0.01f;
  Index first = 0;
  // Two threads as the trainer runs them (train/stepper.h): a helper shares the work.
  std::optional<SpinWorker> helper;
  std::optional<SharedWork> shared;
  if (threads >= 2) {
    set_threads(1);
    helper.emplace();
    shared.emplace(*helper);
  }
  for (auto _ : state) {
    if (first + batch > data.size()) first = 0;
    if (batch < data.size() || X.cols() != batch)
      data.gather(order.data() + first, batch, X, labels.data());
    switch (path) {
      case kReference:
        net.reference_forward(X, ws);
        net.reference_backward(X, labels.data(), ws, grads);
        sgd.step(net.params(), grads, lr);
        break;
      case kFusedSgd:
        net.forward(X, ws);
        fused_sgd.step(net, X, labels.data(), ws, lr);
        break;
      case kSeparateStep:
        net.forward(X, ws);
        net.backward(X, labels.data(), ws, grads);
        sgd.step(net.params(), grads, lr);
        break;
    }
    first += batch;
  }
  benchmark::DoNotOptimize(net.params().data());
  state.SetItemsProcessed(state.iterations() * batch);
  const double flops = 6.0 * static_cast<double>(net.params().size()) * static_cast<double>(batch);
  state.counters["GFLOP/s"] = benchmark::Counter(
      flops * 1e-9 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void Step(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(3));
  set_threads(threads);
  run_steps(state, {784, 256, 128, 10}, images(state.range(1) != 0), state.range(0),
            static_cast<Path>(state.range(2)), threads);
}
BENCHMARK(Step)
    ->ArgNames({"batch", "data", "path", "threads"})
    ->ArgsProduct({{1, 16}, {0, 1}, {0, 1, 2}, {1}})
    ->ArgsProduct({{128, 512}, {1}, {0, 1, 2}, {1, 2}})
    ->Unit(benchmark::kMicrosecond);

void Large(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(1));
  set_threads(threads);
  run_steps(state, {784, 1024, 1024, 10}, images(true), 512, static_cast<Path>(state.range(0)),
            threads);
}
BENCHMARK(Large)
    ->ArgNames({"path", "threads"})
    ->ArgsProduct({{0, 1}, {1, 2}})
    ->Unit(benchmark::kMillisecond);

void Tiny(benchmark::State& state) {
  set_threads(1);
  static const Dataset spiral = load_data("spiral:n=400").train;
  run_steps(state, {2, 32, 32, 2}, spiral, spiral.size(), static_cast<Path>(state.range(0)), 1);
}
BENCHMARK(Tiny)->ArgNames({"path"})->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

void Sgemm(benchmark::State& state) {
  set_threads(static_cast<int>(state.range(1)));
  const int n = static_cast<int>(state.range(0));
  std::vector<float> a(static_cast<std::size_t>(n) * n, 1.0f), b(a), c(a);
  for (auto _ : state) {
    cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a.data(), n, b.data(), n,
                0.0f, c.data(), n);
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * n * n * n * 1e-9 * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(Sgemm)
    ->ArgNames({"n", "threads"})
    ->ArgsProduct({{512, 1024}, {1, 2}})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mlpscope

BENCHMARK_MAIN();
