// The whole idea in thirty lines: build a network, draw its weights, train it on XOR,
// and check that it learned. Built and run by the tests (ctest -R example), so it stays true.
#include <cstdio>

#include "data/load.h"
#include "nn/network.h"
#include "train/evaluate.h"
#include "train/trainer.h"

int main() {
  using namespace mlpscope;
  const Dataset xor_data = load_data("xor:n=200,noise=0").train;  // 2 features, 2 classes

  Architecture arch{{2, 8, 2},
                    Activation::parse("tanh"),
                    Head::make(OutputKind::softmax, LossKind::cross_entropy)};
  Network<float> net(arch);
  Rng rng(/*seed=*/1);
  net.initialize(Init::parse("xavier_uniform"), BiasInit{}, /*scale=*/1.0, rng);

  TrainConfig config;
  config.optimizer = OptimizerSpec::parse("adam");
  config.lr = 0.05;
  config.batch = 0;  // full batch
  config.epochs = 300;
  const TrainSummary summary = train(net, xor_data, /*test_set=*/nullptr, config);

  std::printf("XOR: loss %.4f -> %.4f, accuracy %.1f%%\n", summary.initial_loss, summary.final_loss,
              100.0 * summary.train_accuracy);
  return summary.train_accuracy >= 0.99 ? 0 : 1;
}
