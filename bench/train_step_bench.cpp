// Throughput of mlpscope's training step and of the machine's SGEMM, measured by Google
// Benchmark. The side-by-side comparison with PyTorch and numpy (issue 6) builds on these
// numbers; the figures and the commands that produced them go to bench/RESULTS.md.
//
//   TrainStep/B     one epoch's worth of steps of 784-256-128-10 relu, softmax +
//                   cross-entropy, plain SGD, float32, batch B, on Fashion-MNIST-shaped data
//                   (random uint8 images: the speed does not depend on the pixels);
//                   items/s = training samples per second
//   Sgemm/N         cblas_sgemm of N×N by N×N; the counter GFLOP/s is the roofline
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <numeric>
#include <vector>

#include "core/random.h"
#include "core/threads.h"
#include "data/dataset.h"
#include "nn/network.h"
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
  for (auto& l : d.labels) l = static_cast<std::int32_t>(rng.below(static_cast<std::uint32_t>(classes)));
  return d;
}

void TrainStep(benchmark::State& state) {
  set_threads(1);
  const Index batch = state.range(0);
  const Dataset data = random_images(4096, 784, 10);
  Network<float> net(Architecture{{784, 256, 128, 10}, Activation::parse("relu"),
                                  Head::make(OutputKind::softmax, LossKind::cross_entropy)});
  Rng rng(0);
  net.initialize(Init::parse("he_normal"), BiasInit{}, 1.0, rng);
  Optimizer<float> sgd(OptimizerSpec::parse("sgd"), net.params().size());
  std::vector<std::int32_t> order(static_cast<std::size_t>(data.size()));
  std::iota(order.begin(), order.end(), 0);
  std::vector<std::int32_t> labels(static_cast<std::size_t>(batch));
  Workspace<float> ws;
  Matrix<float> X;
  Index first = 0;
  for (auto _ : state) {
    if (first + batch > data.size()) first = 0;
    data.gather(order.data() + first, batch, X, labels.data());
    net.forward(X, ws);
    net.backward(X, labels.data(), ws);
    sgd.step(net.params(), net.grads(), 0.01);
    first += batch;
  }
  state.SetItemsProcessed(state.iterations() * batch);
  const double flops = 6.0 * static_cast<double>(net.params().size()) * static_cast<double>(batch);
  state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9 * static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(TrainStep)->Arg(1)->Arg(16)->Arg(128)->Arg(512)->Unit(benchmark::kMicrosecond);

void Sgemm(benchmark::State& state) {
  set_threads(1);
  const int n = static_cast<int>(state.range(0));
  std::vector<float> a(static_cast<std::size_t>(n) * n, 1.0f), b(a), c(a);
  for (auto _ : state) {
    cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a.data(), n, b.data(), n,
                0.0f, c.data(), n);
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * n * n * n * 1e-9 * static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(Sgemm)->Arg(512)->Arg(1024)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mlpscope

BENCHMARK_MAIN();
