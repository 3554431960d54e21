// What many tests build the same way, written once: a fresh directory per test, the message
// of the Error an action throws, a network of given sizes and its random data, and the lists
// of every activation and every output/loss pair. A test that needs one of them slightly
// otherwise says so through their parameters rather than keeping its own copy.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/random.h"
#include "nn/network.h"

// EXPECT that `message` contains `part`, printing the whole message when it does not.
#define EXPECT_MESSAGE_HAS(message, part) \
  EXPECT_NE((message).find(part), std::string::npos) << "message: " << (message)

namespace mlpscope::testing {

// Runs `action` and returns the message of the Error it throws ("" when none). Any other
// exception escapes, and fails the test.
template <class F>
std::string error_of(F&& action) {
  try {
    std::forward<F>(action)();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// A fixture that gives each test a fresh, empty directory `dir_` and removes it, with all it
// holds, when the test ends. mkdtemp makes it under the system's temporary directory, named
// mlpscope_<Suite>_<Test>_XXXXXX (letters, digits and '_' only: no dot that code could take
// for an extension), so that a leftover says which test left it. A fixture that overrides
// SetUp or TearDown calls TempDirTest's own where it wants the directory made or removed.
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    for (char& c : name)
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    std::string pattern =
        (std::filesystem::temp_directory_path() / ("mlpscope_" + name + "_XXXXXX")).string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << pattern << ": " << std::strerror(errno);
    dir_ = pattern;
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // The path of `name` inside the test's directory.
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

// sizes = (input, hidden…, output); the activation as --activation spells it.
inline Architecture make_arch(std::vector<Index> sizes, const char* activation = "relu",
                              OutputKind output = OutputKind::softmax,
                              LossKind loss = LossKind::cross_entropy) {
  return Architecture{std::move(sizes), Activation::parse(activation), Head::make(output, loss)};
}

// A network of `arch` initialised as a trained model might be: He-normal weights and
// N(0, 0.1²) biases, from `seed`.
template <class T>
Network<T> make_network(Architecture arch, std::uint64_t seed) {
  Network<T> net(std::move(arch));
  Rng rng(seed);
  net.initialize(Init::parse("he_normal"), BiasInit::parse("normal:0,0.1"), 1.0, rng);
  return net;
}

// A rows × cols matrix of N(0, 1) draws from `rng`, in storage (column-major) order.
template <class T = double>
Matrix<T> normal_matrix(Index rows, Index cols, Rng& rng) {
  Matrix<T> M(rows, cols);
  for (Index i = 0; i < M.size(); ++i) M(i) = static_cast<T>(rng.normal());
  return M;
}

// n labels drawn uniformly from 0 … classes − 1 by `rng`, in order.
inline std::vector<std::int32_t> random_labels(Index n, Index classes, Rng& rng) {
  std::vector<std::int32_t> labels(static_cast<std::size_t>(n));
  for (auto& y : labels)
    y = static_cast<std::int32_t>(rng.below(static_cast<std::uint32_t>(classes)));
  return labels;
}

// Whether two vectors hold the same doubles to the bit (so -0.0 ≠ 0.0, and NaN = NaN of the
// same payload).
inline bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), 8 * a.size()) == 0);
}

// Every activation of the table (nn/activation.cpp), as --activation spells it, with a
// slope of 0.1 where a row takes one: a row added there is tested everywhere this is used.
inline std::vector<std::string> every_activation() {
  std::vector<std::string> specs;
  for (const ActivationRow& row : activation_table())
    specs.push_back(std::string(row.name) + (row.takes_slope ? ":0.1" : ""));
  return specs;
}
inline const std::vector<std::string> kEveryActivation = every_activation();

// Every output/loss pair that Head::make accepts, from the tables (nn/loss.cpp): an output
// or a loss added there is tested everywhere this is used.
struct OutputLoss {
  OutputKind output;
  LossKind loss;
};
inline std::vector<OutputLoss> every_head() {
  std::vector<OutputLoss> pairs;
  for (const OutputRow& output : output_table())
    for (const LossRow& loss : loss_table())
      if (Head::defined(output.kind, loss.kind)) pairs.push_back({output.kind, loss.kind});
  return pairs;
}
inline const std::vector<OutputLoss> kEveryHead = every_head();

}  // namespace mlpscope::testing
