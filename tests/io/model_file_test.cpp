#include "io/model_file.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>

#include "core/error.h"
#include "core/random.h"
#include "io/atomic_file.h"
#include "nn/network.h"
#include "support/fixtures.h"

namespace mlpscope {
namespace {

namespace fs = std::filesystem;
using testing::error_of;
using testing::make_arch;
using testing::make_network;
using testing::same_bits;

// A 4-8-5-3 model with everything a model file holds filled in.
Model sample_model() {
  Model m = Model::from_network(make_network<double>(make_arch({4, 8, 5, 3}), 7));
  m.transform.mean = {0.1, 1.0 / 3.0, -0.0, 1e-300};
  m.transform.inv_std = {1.0, 2.5, 1e300, 3.0000000000000004};
  m.class_names = {"cat", "dog", "naïve ünïcode"};
  m.options = {{"lr", 0.01}, {"init", "uniform:-1,1"}, {"hidden", {8, 5}}, {"seed", 7}};
  return m;
}

void expect_same_model(const Model& a, const Model& b) {
  EXPECT_EQ(a.arch.sizes, b.arch.sizes);
  EXPECT_EQ(a.arch.activation.kind, b.arch.activation.kind);
  EXPECT_EQ(a.arch.activation.slope, b.arch.activation.slope);
  EXPECT_EQ(a.arch.head.output, b.arch.head.output);
  EXPECT_EQ(a.arch.head.loss, b.arch.head.loss);
  EXPECT_TRUE(same_bits(a.params, b.params));
  EXPECT_TRUE(same_bits(a.transform.mean, b.transform.mean));
  EXPECT_TRUE(same_bits(a.transform.inv_std, b.transform.inv_std));
  EXPECT_EQ(a.class_names, b.class_names);
  EXPECT_EQ(a.options, b.options);
}

std::string error_loading(const std::string& bytes) {
  return error_of([&] { model_from_bytes(bytes, "m.bin"); });
}

// A model file assembled by hand, so that tests can put anything in it and still have
// a valid checksum.
std::string assemble(const std::string& header, const std::vector<double>& params,
                     std::uint32_t version = 1) {
  std::string out = "MLPSCOPE";
  const std::uint64_t header_bytes = header.size(), count = params.size();
  out.append(reinterpret_cast<const char*>(&version), 4);
  out.append(reinterpret_cast<const char*>(&header_bytes), 8);
  out += header;
  out.append(reinterpret_cast<const char*>(&count), 8);
  out.append(reinterpret_cast<const char*>(params.data()), 8 * params.size());
  const auto crc = static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(out.data()), static_cast<uInt>(out.size())));
  out.append(reinterpret_cast<const char*>(&crc), 4);
  return out;
}

// The header of the sample model as saved, for hand-made variants of it.
nlohmann::json sample_header() {
  const std::string bytes = model_to_bytes(sample_model());
  std::uint64_t header_bytes = 0;
  std::memcpy(&header_bytes, bytes.data() + 12, 8);
  return nlohmann::json::parse(bytes.substr(20, header_bytes));
}

class ModelFileTest : public testing::TempDirTest {};

TEST_F(ModelFileTest, SaveThenLoadIsBitIdentical) {
  const Model saved = sample_model();
  save_model(saved, path("m.bin"));
  expect_same_model(saved, load_model(path("m.bin")));
  EXPECT_EQ(fs::file_size(path("m.bin")), model_to_bytes(saved).size());
}

TEST_F(ModelFileTest, LayoutMatchesTheDocumentedFormat) {
  const Model m = sample_model();
  const std::string bytes = model_to_bytes(m);
  EXPECT_EQ(bytes.substr(0, 8), "MLPSCOPE");
  std::uint32_t version = 0;
  std::uint64_t header_bytes = 0, count = 0;
  std::memcpy(&version, bytes.data() + 8, 4);
  std::memcpy(&header_bytes, bytes.data() + 12, 8);
  std::memcpy(&count, bytes.data() + 20 + header_bytes, 8);
  EXPECT_EQ(version, 1u);
  EXPECT_EQ(count, m.params.size());
  EXPECT_EQ(bytes.size(), 32 + header_bytes + 8 * count);
  double first = 0;
  std::memcpy(&first, bytes.data() + 28 + header_bytes, 8);
  EXPECT_EQ(first, m.params[0]);
  const auto header = nlohmann::json::parse(bytes.substr(20, header_bytes));
  EXPECT_EQ(header["sizes"], nlohmann::json({4, 8, 5, 3}));
  EXPECT_EQ(header["activation"], "relu");
  EXPECT_EQ(header["output"], "softmax");
  EXPECT_EQ(header["loss"], "cross_entropy");
}

TEST_F(ModelFileTest, FloatNetworkRoundTripsExactly) {
  const Network<float> net =
      make_network<float>(make_arch({3, 6, 2}, "tanh", OutputKind::sigmoid, LossKind::bce), 11);
  save_model(Model::from_network(net), path("f.bin"));
  Network<float> back(make_arch({3, 6, 2}, "tanh", OutputKind::sigmoid, LossKind::bce));
  const Model loaded = load_model(path("f.bin"));
  loaded.copy_to(back);
  EXPECT_EQ(loaded.arch.head.loss, LossKind::bce);
  EXPECT_EQ(std::memcmp(back.params().data(), net.params().data(), 4 * net.params().size()), 0);
}

TEST_F(ModelFileTest, LeakyReluSlopeAndMinimalModelRoundTrip) {
  Model m =
      Model::from_network(make_network<double>(make_arch({2, 3, 2}, "leaky_relu:0.123456789"), 3));
  m.arch.activation.slope = 1.0 / 7.0;  // more digits than Activation::name keeps
  expect_same_model(m, model_from_bytes(model_to_bytes(m), "m.bin"));
}

TEST_F(ModelFileTest, SaveReplacesExistingFileAndLeavesNoTemporary) {
  save_model(sample_model(), path("m.bin"));
  Model other = Model::from_network(make_network<double>(make_arch({2, 2}), 1));
  save_model(other, path("m.bin"));
  expect_same_model(other, load_model(path("m.bin")));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(ModelFileTest, EveryFlippedByteIsDetected) {
  const std::string good = model_to_bytes(sample_model());
  for (std::size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    const std::string message = error_loading(bad);
    ASSERT_FALSE(message.empty()) << "byte " << i << " flipped went unnoticed";
    if (i < 8)
      EXPECT_MESSAGE_HAS(message, "not an mlpscope model file");
    else
      EXPECT_MESSAGE_HAS(message, "damaged");
  }
}

TEST_F(ModelFileTest, FlippedByteInParametersReportsChecksum) {
  std::string bytes = model_to_bytes(sample_model());
  bytes[bytes.size() - 20] ^= 0x01;
  write_file_atomically(path("m.bin"), bytes);
  const std::string message = error_of([&] { load_model(path("m.bin")); });
  EXPECT_MESSAGE_HAS(message, path("m.bin") + ": damaged: checksum mismatch");
}

TEST_F(ModelFileTest, TruncationsFailCleanly) {
  const std::string good = model_to_bytes(sample_model());
  for (std::size_t size : {std::size_t{0}, std::size_t{3}, std::size_t{8}, std::size_t{12},
                           std::size_t{19}, std::size_t{20}, std::size_t{31}, std::size_t{100},
                           good.size() / 2, good.size() - 9, good.size() - 4, good.size() - 1}) {
    const std::string message = error_loading(good.substr(0, size));
    EXPECT_MESSAGE_HAS(message, "truncated");
    EXPECT_MESSAGE_HAS(message, "found " + std::to_string(size));
  }
  const std::string message = error_loading(good.substr(0, good.size() - 1));
  EXPECT_MESSAGE_HAS(message, "expected " + std::to_string(good.size()) + " bytes");
}

TEST_F(ModelFileTest, TrailingBytesAreDamage) {
  EXPECT_MESSAGE_HAS(error_loading(model_to_bytes(sample_model()) + "x"), "damaged");
}

TEST_F(ModelFileTest, WrongMagicIsNotAModelFile) {
  std::string bytes = model_to_bytes(sample_model());
  bytes.replace(0, 8, "MLPSCOPF");
  EXPECT_MESSAGE_HAS(error_loading(bytes), "m.bin: not an mlpscope model file");
  EXPECT_MESSAGE_HAS(error_loading("{\"format\": \"mlpscope-weights\"}"),
                     "not an mlpscope model file");
  EXPECT_FALSE(looks_like_model_file("MLPSCOP"));
  EXPECT_FALSE(looks_like_model_file("{\"format\""));
  EXPECT_TRUE(looks_like_model_file(bytes.replace(0, 8, "MLPSCOPE")));
}

TEST_F(ModelFileTest, UnknownVersionIsRefused) {
  const Model m = sample_model();
  const std::string bytes = assemble(sample_header().dump(), m.params, 2);
  EXPECT_MESSAGE_HAS(error_loading(bytes), "unknown format version 2");
  EXPECT_NO_THROW(model_from_bytes(assemble(sample_header().dump(), m.params, 1), "m.bin"));
}

TEST_F(ModelFileTest, MalformedHeaderIsRefused) {
  const std::vector<double> params = sample_model().params;
  EXPECT_MESSAGE_HAS(error_loading(assemble("{\"sizes\": [4, 8", params)), "malformed header");
  EXPECT_MESSAGE_HAS(error_loading(assemble("", params)), "malformed header");
  EXPECT_MESSAGE_HAS(error_loading(assemble("[1, 2]", params)), "header: not a JSON object");
}

TEST_F(ModelFileTest, BadHeaderFieldsAreNamed) {
  const std::vector<double> params = sample_model().params;
  auto with = [&](const std::string& key, const nlohmann::json& value) {
    nlohmann::json header = sample_header();
    if (value.is_discarded())
      header.erase(key);
    else
      header[key] = value;
    return error_loading(assemble(header.dump(), params));
  };
  const nlohmann::json removed = nlohmann::json(nlohmann::json::value_t::discarded);
  EXPECT_MESSAGE_HAS(with("sizes", removed), "header: missing \"sizes\"");
  EXPECT_MESSAGE_HAS(with("sizes", "4-8-5-3"), "\"sizes\" is not an array");
  EXPECT_MESSAGE_HAS(with("sizes", {4, 8.5, 5, 3}), "\"sizes\"[1]");
  EXPECT_MESSAGE_HAS(with("sizes", {4, 0, 5, 3}), "every width must be at least 1");
  EXPECT_MESSAGE_HAS(with("sizes", {4, -8, 5, 3}), "every width must be at least 1");
  EXPECT_MESSAGE_HAS(with("sizes", {4, 1ull << 40, 1ull << 40, 3}), "more than the limit");
  // The largest Index as a width: counting its parameters once overflowed Index, undefined
  // behaviour that UBSan reported (fuzz/regressions/model_file/ub-width-int64-max.model).
  const auto widest = std::numeric_limits<std::int64_t>::max();
  EXPECT_MESSAGE_HAS(with("sizes", {widest, 2}), "more than the limit");
  EXPECT_MESSAGE_HAS(with("sizes", {2, widest, widest}), "more than the limit");
  EXPECT_MESSAGE_HAS(with("activation", "swish"), "unknown activation 'swish'");
  EXPECT_MESSAGE_HAS(with("activation", 3), "\"activation\" is not a string");
  EXPECT_MESSAGE_HAS(with("loss", "bce"), "bce needs --output sigmoid");
  EXPECT_MESSAGE_HAS(with("transform", {{"mean", {1, 2}}}),
                     "\"transform\" has 2 values for 4 inputs");
  EXPECT_MESSAGE_HAS(with("transform", {{"inv_std", {1, 2, "x", 4}}}), "\"inv_std\"[2]");
  EXPECT_MESSAGE_HAS(with("class_names", {"a", 2}), "\"class_names\"");
  EXPECT_MESSAGE_HAS(with("options", 5), "\"options\" is not an object");
}

TEST_F(ModelFileTest, ParameterCountMustMatchArchitecture) {
  std::vector<double> params = sample_model().params;
  params.pop_back();
  const std::string message = error_loading(assemble(sample_header().dump(), params));
  EXPECT_MESSAGE_HAS(message, "holds " + std::to_string(params.size()) + " parameters");
  EXPECT_MESSAGE_HAS(message, "4-8-5-3 needs " + std::to_string(params.size() + 1));
}

TEST_F(ModelFileTest, AbsurdLengthsAreRefusedWithoutAllocating) {
  std::string bytes = model_to_bytes(sample_model());
  std::string huge_header = bytes;
  const std::uint64_t absurd = std::numeric_limits<std::uint64_t>::max() - 3;
  std::memcpy(huge_header.data() + 12, &absurd, 8);
  EXPECT_MESSAGE_HAS(error_loading(huge_header),
                     "truncated or damaged: expected at least more than 2^64");
  std::uint64_t header_bytes = 0;
  std::memcpy(&header_bytes, bytes.data() + 12, 8);
  for (std::uint64_t count : {std::uint64_t{1} << 61, std::uint64_t{1} << 40, absurd}) {
    std::string huge_count = bytes;
    std::memcpy(huge_count.data() + 20 + header_bytes, &count, 8);
    EXPECT_MESSAGE_HAS(error_loading(huge_count), "truncated or damaged");
  }
}

TEST_F(ModelFileTest, MissingFileNamesPath) {
  const std::string message = error_of([&] { load_model(path("nope.bin")); });
  EXPECT_MESSAGE_HAS(message, "cannot read " + path("nope.bin"));
}

TEST_F(ModelFileTest, InconsistentModelIsNotSaved) {
  Model m = sample_model();
  m.params.pop_back();
  EXPECT_MESSAGE_HAS(error_of([&] { save_model(m, path("m.bin")); }),
                     "cannot save model to " + path("m.bin") + ": it holds");
  m = sample_model();
  m.transform.inv_std.push_back(1.0);
  EXPECT_MESSAGE_HAS(error_of([&] { save_model(m, path("m.bin")); }), "feature transform");
  m = sample_model();
  m.class_names.push_back("\xff\xfe");  // not UTF-8
  EXPECT_MESSAGE_HAS(error_of([&] { save_model(m, path("m.bin")); }), "cannot be written as JSON");
  EXPECT_FALSE(fs::exists(path("m.bin")));
}

TEST_F(ModelFileTest, NonFiniteParametersSurviveARoundTrip) {
  // A diverged run is worth saving to look at; only JSON export refuses NaN.
  Model m = sample_model();
  m.params[0] = std::numeric_limits<double>::quiet_NaN();
  m.params[1] = -std::numeric_limits<double>::infinity();
  expect_same_model(m, model_from_bytes(model_to_bytes(m), "m.bin"));
}

}  // namespace
}  // namespace mlpscope
