// mlpscope check end to end, on networks and backprops that numpy writes in the test
// (tests/check/numpy_backprop.py makes each mistake for real): every bug class of the
// contract is named, with its layer and factor; a right gradient is never called wrong; the
// JSON has the contract's fields; bad input is one line and exit status 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/fixtures.h"
#include "support/numpy.h"
#include "support/read_text.h"
#include "support/run_command.h"

namespace {

using mlpscope::testing::CommandResult;
using mlpscope::testing::run_mlpscope;
using nlohmann::json;

class CheckCli : public mlpscope::testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    SKIP_WITHOUT_NUMPY();
  }
  // Writes each case of `cases` (numpy_backprop.py's form) under the test's directory.
  void write_cases(const json& cases) {
    mlpscope::testing::run_numpy(dir_.string(), "sys.path.insert(0, '" MLPSCOPE_SOURCE_DIR
                                                "/tests/check')\n"
                                                "import json, numpy_backprop\n"
                                                "for c in json.loads(r'''" +
                                                    cases.dump() +
                                                    "'''):\n"
                                                    "    numpy_backprop.make_case('.', c)\n");
  }
  std::vector<std::string> args_of(const json& c) const {
    const std::string d = path(c["name"].get<std::string>());
    return {"check",
            "--weights",
            d + "/net.npz",
            "--data",
            "npz:" + d + "/batch.npz",
            "--grads",
            d + "/grads.npz",
            "--activation",
            c["activation"].get<std::string>(),
            "--output",
            c["output"].get<std::string>(),
            "--loss",
            c["loss"].get<std::string>(),
            "--probe-samples",
            "64"};
  }
  json check_json(const json& c) {
    std::vector<std::string> args = args_of(c);
    args.push_back("--json");
    const CommandResult r = run_mlpscope(args);
    EXPECT_EQ(r.status, 0) << r.command << "\n" << r.err;
    return r.status == 0 ? json::parse(r.out) : json();
  }
};

json one_case(const std::string& name, const std::string& bug, json layer = nullptr,
              json extra = json::object()) {
  json c = {{"name", name},
            {"sizes", {6, 9, 9, 4}},
            {"activation", "sigmoid"},
            {"output", "softmax"},
            {"loss", "mse"},
            {"bug", bug.empty() ? json(nullptr) : json(bug)},
            {"layer", layer},
            {"n", 50},
            {"seed", 5}};
  c.update(extra);
  return c;
}

struct Expected {
  json the_case;
  std::string bug_class;
  json layer;   // as check reports it: from 1
  json factor;  // null: none
};

TEST_F(CheckCli, EveryBugClassOfTheContractIsNamedWithItsLayerAndFactor) {
  const std::vector<Expected> expected{
      {one_case("right", ""), "none", nullptr, nullptr},
      {one_case("right_f32_torch", "", nullptr,
                {{"dtype", "float32"}, {"layout", "torch"}, {"activation", "relu"}}),
       "none", nullptr, nullptr},
      {one_case("story", "p_minus_y", nullptr, {{"activation", "relu"}, {"init", 1.0}}),
       "softmax_jacobian_missing", nullptr, nullptr},
      {one_case("sum", "sum_over_batch", nullptr, {{"loss", "cross_entropy"}}), "scale", nullptr,
       50.0},
      {one_case("half", "half_sum_over_outputs", nullptr, {{"dtype", "float32"}}), "scale", nullptr,
       2.0},
      {one_case("ascent", "sign"), "sign", nullptr, -1.0},
      {one_case("sigmoid_twice", "output_derivative", nullptr, {{"loss", "cross_entropy"}}),
       "output_activation_derivative", nullptr, nullptr},
      {one_case("no_derivative", "missing_derivative", 1, {{"layout", "torch"}}),
       "missing_activation_derivative", 2, nullptr},
      {one_case("at_a", "derivative_at_activation", 0, {{"activation", "tanh"}}),
       "derivative_at_activation", 1, nullptr},
      {one_case("z_input", "wrong_input", 2, {{"activation", "elu"}}), "wrong_layer_input", 3,
       nullptr},
      {one_case("square", "transposed", 1), "transposed", 2, nullptr},
      {one_case("noise", "random"), "unknown", 3, nullptr},
  };
  json cases = json::array();
  for (const Expected& e : expected) cases.push_back(e.the_case);
  write_cases(cases);
  for (const Expected& e : expected) {
    const json result = check_json(e.the_case);
    if (result.is_null()) continue;
    const json& bug = result["bug"];
    EXPECT_EQ(bug["class"], e.bug_class) << e.the_case["name"] << ": " << bug.dump(2);
    EXPECT_EQ(bug["layer"], e.layer) << e.the_case["name"];
    if (e.factor.is_null())
      EXPECT_TRUE(bug["factor"].is_null()) << e.the_case["name"] << ": " << bug["factor"];
    else
      EXPECT_NEAR(bug["factor"].get<double>(), e.factor.get<double>(),
                  0.02 * std::abs(e.factor.get<double>()))
          << e.the_case["name"];
    EXPECT_FALSE(bug["explanation"].get<std::string>().empty());
    EXPECT_EQ(bug["fix"].is_null(), e.bug_class == "none") << e.the_case["name"];
  }
}

TEST_F(CheckCli, ARightGradientIsNeverAlarmedOnInEveryActivationAndHead) {
  json cases = json::array();
  const std::vector<std::pair<std::string, std::string>> heads{{"softmax", "mse"},
                                                               {"softmax", "cross_entropy"},
                                                               {"sigmoid", "bce"},
                                                               {"sigmoid", "mse"},
                                                               {"identity", "mse"}};
  int i = 0;
  for (const char* activation : {"relu", "leaky_relu", "sigmoid", "tanh", "elu", "softplus"})
    for (const auto& [output, loss] : heads)
      cases.push_back(one_case(std::to_string(i++) + "_right", "", nullptr,
                               {{"activation", activation},
                                {"output", output},
                                {"loss", loss},
                                {"dtype", i % 2 ? "float32" : "float64"},
                                {"init", i % 3 ? json(nullptr) : json(1.0)}}));
  write_cases(cases);
  for (const json& c : cases) {
    const json result = check_json(c);
    if (result.is_null()) continue;
    EXPECT_EQ(result["bug"]["class"], "none") << c.dump() << "\n" << result["bug"].dump(2);
    EXPECT_TRUE(result["gradient_check"]["agrees"].get<bool>()) << c.dump();
  }
}

TEST_F(CheckCli, JsonHoldsTheContractsFields) {
  const json c = one_case("fields", "p_minus_y", nullptr, {{"layout", "torch"}});
  write_cases(json::array({c}));
  const json r = check_json(c);
  ASSERT_FALSE(r.is_null());
  const json& layers = r["network"]["layers"];
  ASSERT_EQ(layers.size(), 3u);
  EXPECT_EQ(layers[0]["name"], "0.weight");
  EXPECT_EQ(layers[0]["shape"], json({9, 6}));
  EXPECT_EQ(layers[0]["layout"], "torch");
  EXPECT_EQ(r["network"]["activation"], "sigmoid");
  EXPECT_EQ(r["network"]["output"], "softmax");
  EXPECT_EQ(r["network"]["loss"], "mse");
  for (const char* key : {"predicted_verdict", "sharpness", "max_stable_lr", "layers"})
    EXPECT_TRUE(r["diagnosis"].contains(key)) << key;
  const json& parameters = r["gradient_check"]["parameters"];
  ASSERT_EQ(parameters.size(), 6u);
  EXPECT_EQ(parameters[1]["name"], "0.bias");
  for (const char* key : {"shape", "rel_error", "cosine", "scale"})
    EXPECT_TRUE(parameters[0].contains(key)) << key;
  EXPECT_FALSE(r["gradient_check"]["agrees"].get<bool>());
  EXPECT_GT(r["gradient_check"]["max_rel_error"].get<double>(), 1e-3);
  for (const char* key : {"class", "factor", "layer", "explanation", "fix"})
    EXPECT_TRUE(r["bug"].contains(key)) << key;
}

TEST_F(CheckCli, WithoutGradsItIsTheDiagnosisAlone) {
  const json c = one_case("diagnosis", "", nullptr, {{"activation", "relu"}, {"init", 1.0}});
  write_cases(json::array({c}));
  std::vector<std::string> args = args_of(c);
  args.erase(args.begin() + 5, args.begin() + 7);  // --grads FILE
  args.insert(args.end(), {"--lr", "0.5", "--json"});
  const CommandResult r = run_mlpscope(args);
  ASSERT_EQ(r.status, 0) << r.err;
  const json result = json::parse(r.out);
  EXPECT_TRUE(result["gradient_check"].is_null());
  EXPECT_TRUE(result["bug"].is_null());
  EXPECT_EQ(result["diagnosis"]["lr"], 0.5);
  EXPECT_TRUE(result["diagnosis"]["predicted_verdict"].is_string());
}

TEST_F(CheckCli, TheTextEndsWithTheBugAndTheNumpyLineToFix) {
  const json c = one_case("text", "missing_derivative", 0);
  write_cases(json::array({c}));
  const CommandResult r = run_mlpscope(args_of(c));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_MESSAGE_HAS(r.out, "weights   ");
  EXPECT_MESSAGE_HAS(r.out, "sharpness");
  EXPECT_MESSAGE_HAS(r.out, "bug       missing_activation_derivative, layer 1");
  EXPECT_MESSAGE_HAS(r.out, "fix       delta1 = (delta2 @ W2.T) * a1 * (1 - a1)");
}

TEST_F(CheckCli, BadInputIsOneLineNamingTheArrayAndExit2) {
  mlpscope::testing::run_numpy(dir_.string(), R"(
rng = np.random.default_rng(0)
np.savez('batch.npz', X=rng.standard_normal((20, 4)), y=rng.integers(0, 3, 20))
np.savez('net.npz', W1=rng.standard_normal((4, 5)), b1=np.zeros(5), W2=rng.standard_normal((5, 3)), b2=np.zeros(3))
np.savez('grads_shape.npz', dW1=np.zeros((4, 6)), db1=np.zeros(5), dW2=np.zeros((5, 3)), db2=np.zeros(3))
np.savez('grads_transposed.npz', dW1=np.zeros((5, 4)), db1=np.zeros(5), dW2=np.zeros((5, 3)), db2=np.zeros(3))
np.savez('grads_missing.npz', dW1=np.zeros((4, 5)), db1=np.zeros(5), db2=np.zeros(3))
np.savez('square.npz', W1=np.eye(4), b1=np.zeros(4), W2=np.eye(4), b2=np.zeros(4))
np.savez('narrow.npz', W1=np.ones((4, 5)), W2=np.ones((5, 2)))
)");
  const std::string data = "npz:" + path("batch.npz");
  struct Bad {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Bad> cases{
      {{"--weights", path("net.npz"), "--grads", path("grads_shape.npz")},
       "grads_shape.npz: array 'dW1' has shape (4, 6), expected (4, 5) (the shape of 'W1')"},
      {{"--weights", path("net.npz"), "--grads", path("grads_transposed.npz")},
       "it is the transpose of that shape, so the gradient is transposed"},
      {{"--weights", path("net.npz"), "--grads", path("grads_missing.npz")},
       "no gradient for 'W2'"},
      {{"--weights", path("square.npz")}, "give --layout numpy or --layout torch"},
      {{"--weights", path("net.npz"), "--layout", "torch"},
       "net.npz: array 'W1' has shape (4, 5), expected (…, 4) in torch layout"},
      {{"--weights", path("narrow.npz")}, "has labels up to 2, but the network has 2 outputs"},
      {{"--weights", path("missing.npz")}, "option --weights: "},
      {{"--weights", path("net.npz"), "--layout", "sideways"}, "option --layout: unknown layout"},
      {{}, "option --weights: names no file"},
  };
  for (const Bad& bad : cases) {
    std::vector<std::string> args{"check", "--data", data};
    args.insert(args.end(), bad.args.begin(), bad.args.end());
    const CommandResult r = run_mlpscope(args);
    EXPECT_EQ(r.status, 2) << r.command << "\n" << r.out << r.err;
    EXPECT_MESSAGE_HAS(r.err, bad.says);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST_F(CheckCli, InitFromAnNpzStartsTrainingFromThoseWeights) {
  // numpy computes the mean cross-entropy of its own network; the run's loss before any
  // step (--epochs 0) must be the same number.
  mlpscope::testing::run_numpy(dir_.string(), R"(
rng = np.random.default_rng(3)
X = rng.standard_normal((40, 3)); y = rng.integers(0, 2, 40)
np.savez('batch.npz', X=X, y=y)
W1, b1, W2, b2 = rng.standard_normal((3, 4)), rng.standard_normal(4), rng.standard_normal((4, 2)), rng.standard_normal(2)
np.savez('net.npz', W1=W1, b1=b1.reshape(1, 4), W2=W2, b2=b2)
z = np.maximum(X @ W1 + b1, 0) @ W2 + b2
z -= z.max(axis=1, keepdims=True)
loss = np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(40), y])
open('loss.txt', 'w').write(repr(loss))
)");
  const CommandResult r =
      run_mlpscope({"train", "--data", "npz:" + path("batch.npz"), "--test", "none", "--init-from",
                    path("net.npz") + ",layout=numpy", "--hidden", "4", "--epochs", "0", "--dtype",
                    "f64", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const double numpy_loss = std::stod(mlpscope::testing::read_text(path("loss.txt")));
  EXPECT_NEAR(json::parse(r.out)["initial_loss"].get<double>(), numpy_loss, 1e-12);
  const CommandResult wrong_width =
      run_mlpscope({"train", "--data", "npz:" + path("batch.npz"), "--init-from", path("net.npz"),
                    "--hidden", "5", "--epochs", "0"});
  EXPECT_EQ(wrong_width.status, 2);
  EXPECT_MESSAGE_HAS(wrong_width.err, "option --init-from: ");
  EXPECT_MESSAGE_HAS(wrong_width.err, "layer 1");
}

}  // namespace
