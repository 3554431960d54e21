// A user's network and gradients from .npz archives that numpy itself writes: both layouts
// give the same parameters, biases in every shape numpy code keeps them, no biases at all,
// names sorted into weights and biases, and one-line refusals for what does not fit.
#include "io/weights_npz.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "support/fixtures.h"
#include "support/numpy.h"

namespace mlpscope {
namespace {

using testing::error_of;

class WeightsNpz : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    SKIP_WITHOUT_NUMPY();
    // One 3-4-2 network saved five ways, and gradients under every spelling.
    testing::run_numpy(dir_.string(), R"(
W1 = np.arange(12.0).reshape(3, 4) / 10; b1 = np.array([1.0, 2, 3, 4])
W2 = np.arange(8.0).reshape(4, 2) - 3;   b2 = np.array([-1.0, 1])
np.savez('numpy.npz', W1=W1, b1=b1.reshape(1, 4), W2=W2.astype(np.float32), b2=b2.reshape(2, 1))
np.savez('torch.npz', **{'fc1.weight': W1.T, 'fc1.bias': b1, 'fc2.weight': W2.T, 'fc2.bias': b2})
np.savez('unnamed.npz', first=np.asfortranarray(W1), second=b1, third=W2, fourth=b2)
np.savez('weights_first.npz', W1=W1, W2=W2, b1=b1, b2=b2)
np.savez('no_bias.npz', w0=W1, w1=W2)
np.savez('grads.npz', dW1=W1, grad_b1=b1, W2_grad=W2, b2=b2)
np.savez('torch_grads.npz', **{'fc1.weight.grad': W1.T, 'fc1.bias.grad': b1, 'fc2.weight.grad': W2.T, 'fc2.bias.grad': b2})
np.savez('one_bias.npz', W1=W1, b1=b1, W2=W2)
np.savez('nan.npz', W1=np.full((3, 4), np.nan), b1=b1)
np.savez('square.npz', W1=np.eye(3), W2=np.eye(3))
np.savez('cube.npz', W1=np.ones((3, 4, 1)))
)");
  }
  NpzNetwork read(const std::string& name, WeightLayout layout = WeightLayout::automatic,
                  Index width = 3) {
    return read_npz_network(path(name), layout, width, "choose one");
  }
};

TEST_F(WeightsNpz, BothLayoutsAndEveryBiasShapeGiveTheSameParameters) {
  const NpzNetwork numpy = read("numpy.npz");
  EXPECT_EQ(numpy.layout, WeightLayout::numpy);
  EXPECT_EQ(numpy.sizes, (std::vector<Index>{3, 4, 2}));
  // W1 (out × in, column-major): W(o, i) = numpy's W1[i][o] = (4i + o)/10.
  EXPECT_DOUBLE_EQ(numpy.params[0 * 4 + 1], 0.1);  // W(1, 0)
  EXPECT_DOUBLE_EQ(numpy.params[2 * 4 + 3], 1.1);  // W(3, 2)
  EXPECT_DOUBLE_EQ(numpy.params[12 + 3], 4.0);     // b1[3]
  for (const char* other : {"torch.npz", "unnamed.npz", "weights_first.npz"}) {
    const NpzNetwork n = read(other);
    EXPECT_TRUE(testing::same_bits(n.params, numpy.params)) << other;
  }
  EXPECT_EQ(read("torch.npz").layout, WeightLayout::torch);
  EXPECT_EQ(read("torch.npz").layers[1].bias_name, "fc2.bias");
  EXPECT_EQ(read("weights_first.npz").layers[1].bias_name, "b2");
}

TEST_F(WeightsNpz, AnArchiveWithoutBiasesIsANetworkWithZeroBiases) {
  const NpzNetwork n = read("no_bias.npz");
  EXPECT_FALSE(n.has_biases());
  EXPECT_EQ(n.params[12 + 0], 0.0);
  EXPECT_EQ(n.layers[0].weight_name, "w0");
}

TEST_F(WeightsNpz, GradientsAreFoundUnderEverySpellingInTheNetworksLayout) {
  const NpzNetwork numpy = read("numpy.npz");
  EXPECT_TRUE(testing::same_bits(read_npz_gradients(path("grads.npz"), numpy), numpy.params));
  const NpzNetwork torch = read("torch.npz");
  EXPECT_TRUE(testing::same_bits(read_npz_gradients(path("torch_grads.npz"), torch), numpy.params));
  EXPECT_MESSAGE_HAS(error_of([&] { read_npz_gradients(path("torch.npz"), numpy); }),
                     "no gradient for 'W1'");
}

TEST_F(WeightsNpz, WhatDoesNotFitIsRefusedNamingTheArray) {
  EXPECT_MESSAGE_HAS(error_of([&] { read("one_bias.npz"); }),
                     "2 weight matrices but 1 bias vectors");
  EXPECT_MESSAGE_HAS(error_of([&] { read("nan.npz"); }), "array 'W1': element 0 is nan");
  EXPECT_MESSAGE_HAS(error_of([&] { read("cube.npz"); }), "a weight matrix must be 2-D");
  EXPECT_MESSAGE_HAS(error_of([&] { read("numpy.npz", WeightLayout::automatic, 5); }),
                     "array 'W1' has shape (3, 4), expected (5, …) in numpy layout");
  EXPECT_MESSAGE_HAS(error_of([&] { read("numpy.npz", WeightLayout::torch); }),
                     "expected (…, 3) in torch layout");
}

TEST_F(WeightsNpz, SquareLayersAsWideAsTheInputAreAmbiguousUnlessALayoutIsGiven) {
  const std::string message = error_of([&] { read("square.npz"); });
  EXPECT_MESSAGE_HAS(message, "every weight matrix is square and 3 wide");
  EXPECT_MESSAGE_HAS(message, "choose one");
  EXPECT_EQ(read("square.npz", WeightLayout::torch).layout, WeightLayout::torch);
}

TEST_F(WeightsNpz, InitFromFitsTheArchiveToTheNetworksArchitecture) {
  const Architecture arch = testing::make_arch({3, 4, 2}, "tanh");
  const Model model = load_weights_for(path("torch.npz") + ",layout=torch", arch);
  EXPECT_EQ(model.arch.activation.kind, ActivationKind::tanh);
  EXPECT_TRUE(testing::same_bits(model.params, read("numpy.npz").params));
  EXPECT_MESSAGE_HAS(error_of([&] { load_weights_for(path("torch.npz") + ",layout=numpy", arch); }),
                     "in numpy layout");
  EXPECT_THROW(load_weights_for(path("torch.npz") + ",layout=up", arch), SettingError);
}

}  // namespace
}  // namespace mlpscope
