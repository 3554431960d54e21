#include "io/weights_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <string>

#include "core/error.h"
#include "core/random.h"
#include "io/atomic_file.h"
#include "io/model_file.h"
#include "nn/network.h"
#include "support/fixtures.h"

namespace mlpscope {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using testing::error_of;
using testing::make_arch;
using testing::make_network;
using testing::same_bits;

// Import of `weights` after `edit`, as its error message ("" when it loads).
std::string error_after(const std::function<void(json&)>& edit) {
  json weights =
      weights_to_json(Model::from_network(make_network<double>(make_arch({3, 4, 2}), 5)));
  edit(weights);
  return error_of([&] { weights_from_json(weights, "w.json"); });
}

class WeightsJsonTest : public testing::TempDirTest {};

TEST_F(WeightsJsonTest, FieldsAndShapesFollowPyTorch) {
  const Network<double> net = make_network<double>(make_arch({4, 6, 3}), 1);
  const json weights = weights_to_json(Model::from_network(net));
  EXPECT_EQ(weights["format"], "mlpscope-weights");
  EXPECT_EQ(weights["version"], 1);
  EXPECT_EQ(weights["activation"], "relu");
  EXPECT_EQ(weights["output"], "softmax");
  EXPECT_EQ(weights["loss"], "cross_entropy");
  ASSERT_EQ(weights["layers"].size(), 2u);
  for (Index l = 0; l < 2; ++l) {
    const json& layer = weights["layers"][static_cast<std::size_t>(l)];
    ASSERT_EQ(static_cast<Index>(layer["weight"].size()), net.arch().fan_out(l));  // rows = out
    for (const json& row : layer["weight"])
      ASSERT_EQ(static_cast<Index>(row.size()), net.arch().fan_in(l));  // columns = in
    ASSERT_EQ(static_cast<Index>(layer["bias"].size()), net.arch().fan_out(l));
  }
  // Row r is output unit r: one element of W (out, in), away from the diagonal.
  EXPECT_EQ(weights["layers"][1]["weight"][2][5].get<double>(), net.W(1)(2, 5));
  EXPECT_EQ(weights["layers"][0]["weight"][5][1].get<double>(), net.W(0)(5, 1));
  EXPECT_EQ(weights["layers"][0]["bias"][4].get<double>(), net.b(0)(4));
}

TEST_F(WeightsJsonTest, ExportThenImportIsBitIdenticalForAwkwardDoubles) {
  Model m = Model::from_network(make_network<double>(make_arch({3, 5, 2}), 2));
  const double awkward[] = {0.1,
                            1.0 / 3.0,
                            1e-300,
                            -0.0,
                            0.0,
                            5e-324,
                            std::numeric_limits<double>::max(),
                            -std::numeric_limits<double>::min(),
                            2.0 / 3.0,
                            123456789.123456789,
                            -1e300,
                            1.0 + 1e-15,
                            std::nextafter(1.0, 2.0)};
  std::size_t i = 0;
  for (double v : awkward) m.params[i++] = v;
  const std::string text = weights_to_json(m).dump();
  const Model back = weights_from_json(json::parse(text), "w.json");
  EXPECT_TRUE(same_bits(m.params, back.params));
  EXPECT_TRUE(std::signbit(back.params[3]));  // -0.0 keeps its sign
  EXPECT_EQ(back.arch.sizes, m.arch.sizes);
}

TEST_F(WeightsJsonTest, SaveThenLoadThroughFiles) {
  const Network<float> net = make_network<float>(make_arch({2, 7, 7, 3}, "leaky_relu:0.2"), 9);
  Model m = Model::from_network(net);
  m.arch.activation.slope = 1.0 / 3.0;  // exact in the file, not rounded to 6 digits
  save_weights_json(m, path("w.json"));
  const Model back = load_weights_json(path("w.json"));
  EXPECT_TRUE(same_bits(m.params, back.params));
  EXPECT_EQ(back.arch.sizes, m.arch.sizes);
  EXPECT_EQ(back.arch.activation.kind, ActivationKind::leaky_relu);
  EXPECT_EQ(back.arch.activation.slope, 1.0 / 3.0);
  Network<float> into(make_arch({2, 7, 7, 3}));
  back.copy_to(into);
  EXPECT_EQ(std::memcmp(into.params().data(), net.params().data(), 4 * net.params().size()), 0);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(WeightsJsonTest, LoadWeightsReadsModelFilesAndJson) {
  Model m = Model::from_network(
      make_network<double>(make_arch({3, 4, 2}, "tanh", OutputKind::sigmoid, LossKind::bce), 4));
  m.class_names = {"no", "yes"};
  save_model(m, path("m.bin"));
  save_weights_json(m, path("w.json"));
  const Model from_model = load_weights(path("m.bin"));
  const Model from_json = load_weights(path("w.json"));
  EXPECT_TRUE(same_bits(from_model.params, m.params));
  EXPECT_TRUE(same_bits(from_json.params, m.params));
  EXPECT_EQ(from_model.class_names, m.class_names);
  EXPECT_EQ(from_json.arch.head.loss, LossKind::bce);
  write_file_atomically(path("junk.txt"), "hello");
  EXPECT_MESSAGE_HAS(error_of([&] { load_weights(path("junk.txt")); }),
                     path("junk.txt") + ": neither an mlpscope model file nor valid JSON weights");
  EXPECT_MESSAGE_HAS(error_of([&] { load_weights(path("missing.json")); }), "cannot read");
}

TEST_F(WeightsJsonTest, MalformedJsonNamesPathAndPosition) {
  write_file_atomically(path("bad.json"),
                        "{\n  \"format\": \"mlpscope-weights\",\n  \"layers\": [1,,2]\n}\n");
  const std::string message = error_of([&] { load_weights_json(path("bad.json")); });
  EXPECT_MESSAGE_HAS(message, path("bad.json") + ": malformed JSON: ");
  EXPECT_MESSAGE_HAS(message, "line 3");
  EXPECT_EQ(message.find("[json.exception"), std::string::npos) << message;
}

TEST_F(WeightsJsonTest, FormatAndVersionAreChecked) {
  EXPECT_MESSAGE_HAS(error_after([](json& w) { w["format"] = "keras"; }),
                     "w.json: not an mlpscope weights file (\"format\" is \"keras\"");
  EXPECT_MESSAGE_HAS(error_after([](json& w) { w.erase("format"); }), "\"format\" is missing");
  EXPECT_MESSAGE_HAS(error_after([](json& w) { w["version"] = 2; }),
                     "unknown weights format version 2");
  EXPECT_MESSAGE_HAS(error_after([](json& w) { w = json::array(); }), "not a JSON object");
  EXPECT_MESSAGE_HAS(error_after([](json& w) { w["activation"] = "swish"; }), "unknown activation");
  EXPECT_MESSAGE_HAS(error_after([](json& w) { w.erase("output"); }), "missing \"output\"");
  EXPECT_MESSAGE_HAS(error_after([](json& w) { w["layers"] = json::array(); }), "\"layers\"");
}

TEST_F(WeightsJsonTest, LossDefaultsToTheOutputsPartner) {
  json weights = weights_to_json(Model::from_network(make_network<double>(make_arch({2, 2}), 1)));
  weights.erase("loss");
  EXPECT_EQ(weights_from_json(weights, "w.json").arch.head.loss, LossKind::cross_entropy);
  weights["output"] = "sigmoid";
  EXPECT_EQ(weights_from_json(weights, "w.json").arch.head.loss, LossKind::bce);
  weights["output"] = "identity";
  EXPECT_EQ(weights_from_json(weights, "w.json").arch.head.loss, LossKind::mse);
}

TEST_F(WeightsJsonTest, RaggedRowsNameTheLayer) {
  const std::string message =
      error_after([](json& w) { w["layers"][1]["weight"][1].push_back(0.5); });
  EXPECT_MESSAGE_HAS(message, "w.json: layer 2: weight row 1 has 5 entries, row 0 has 4");
  EXPECT_MESSAGE_HAS(error_after([](json& w) { w["layers"][0]["weight"][2] = 1.0; }),
                     "layer 1: weight row 2");
  EXPECT_MESSAGE_HAS(error_after([](json& w) { w["layers"][0]["weight"] = json::array(); }),
                     "layer 1: ");
}

TEST_F(WeightsJsonTest, ShapeMismatchBetweenLayersNamesTheLayer) {
  const std::string message = error_after([](json& w) {
    for (json& row : w["layers"][1]["weight"]) row.push_back(0.0);  // 2x5 after a 4-output layer
  });
  EXPECT_MESSAGE_HAS(message,
                     "w.json: layer 2: weight is 2x5 (out x in), but layer 1 has 4 outputs");
}

TEST_F(WeightsJsonTest, BiasMustHaveOneEntryPerRow) {
  EXPECT_MESSAGE_HAS(error_after([](json& w) { w["layers"][1]["bias"].push_back(1.0); }),
                     "layer 2: bias has 3 entries, weight has 2 rows");
  EXPECT_MESSAGE_HAS(error_after([](json& w) { w["layers"][0].erase("bias"); }),
                     "layer 1: missing \"bias\"");
}

TEST_F(WeightsJsonTest, NonNumbersAndNonFiniteValuesNameTheLayer) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_MESSAGE_HAS(error_after([&](json& w) { w["layers"][1]["weight"][0][3] = nan; }),
                     "layer 2: weight[0][3] is not a finite number");
  EXPECT_MESSAGE_HAS(error_after([](json& w) { w["layers"][0]["weight"][1][2] = "0.5"; }),
                     "layer 1: weight[1][2] is not a finite number (it is \"0.5\")");
  EXPECT_MESSAGE_HAS(error_after([](json& w) { w["layers"][1]["bias"][1] = nullptr; }),
                     "layer 2: bias[1] is not a finite number (it is null)");
  EXPECT_MESSAGE_HAS(error_after([](json& w) { w["layers"][0]["weight"][0][0] = true; }),
                     "layer 1: weight[0][0]");
  // nlohmann refuses 1e999 while parsing, which must still end as an Error naming the file.
  const std::string text = R"({"format": "mlpscope-weights", "version": 1, "activation": "relu",
    "output": "softmax", "layers": [{"weight": [[1e999]], "bias": [0]}]})";
  write_file_atomically(path("inf.json"), text);
  EXPECT_MESSAGE_HAS(error_of([&] { load_weights_json(path("inf.json")); }),
                     path("inf.json") + ": malformed JSON: number overflow");
}

TEST_F(WeightsJsonTest, IntegersFromHandWrittenFilesAreAccepted) {
  const json weights = json::parse(R"({"format": "mlpscope-weights", "version": 1,
    "activation": "identity", "output": "identity",
    "layers": [{"weight": [[1, -2, 3], [4, 5, 6]], "bias": [0, 1]}]})");
  const Model m = weights_from_json(weights, "w.json");
  EXPECT_EQ(m.arch.sizes, (std::vector<Index>{3, 2}));
  // Column-major W (2, 3): 1 4 -2 5 3 6, then b.
  EXPECT_EQ(m.params, (std::vector<double>{1, 4, -2, 5, 3, 6, 0, 1}));
}

TEST_F(WeightsJsonTest, NonFiniteParametersCannotBeExported) {
  Model m = Model::from_network(make_network<double>(make_arch({3, 4, 2}), 5));
  m.params[m.arch.offset(1) + 3] = std::numeric_limits<double>::infinity();  // W(1)(1, 1)
  EXPECT_MESSAGE_HAS(error_of([&] { weights_to_json(m); }), "layer 2: weight[1][1] is inf");
  EXPECT_MESSAGE_HAS(error_of([&] { save_weights_json(m, path("w.json")); }),
                     "cannot save weights to " + path("w.json"));
  EXPECT_FALSE(fs::exists(path("w.json")));
}

}  // namespace
}  // namespace mlpscope
