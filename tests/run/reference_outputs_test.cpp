// Reference outputs: a refactor changes no result. Each case below runs the binary with
// fixed options and compares what it writes (the --json summary or diagnosis, the run log,
// a saved model's bytes, a sweep's rows and map) with the text captured from the build
// before the refactor began, in tests/run/reference/<case>.txt. Wall-clock fields are left
// out (docs/determinism.md lists them); everything else must match to the last bit: doubles
// are written as JSON writes them, with enough digits to round-trip.
//
// The cases cover every path of the training loop: minibatch SGD (fused into backward),
// online SGD (the look-ahead walk, on one thread and split over two), full batch (one
// forward pass serving the record and the step), every optimizer, --every records,
// divergence, f64, a test set, probes with λmax, diagnose with homogeneity, the toy and a
// sweep.
//
// Last bits depend on the CPU's vector instructions and on the build's optimisation flags
// (docs/determinism.md), so the references hold for the machine and build they were
// captured with, named in reference/machine.txt; elsewhere (another CPU, the -O1
// sanitizer build) the test skips, saying so. To capture them anew (only from a commit whose
// results are known good, never to make a failing refactor pass):
//   MLPSCOPE_UPDATE_REFERENCE=1 build/tests/run_tests --gtest_filter='*ReferenceOutputs*'
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/machine.h"
#include "support/read_text.h"
#include "support/run_command.h"
#include "support/sweep_rows.h"

namespace {

namespace fs = std::filesystem;
using Args = std::vector<std::string>;
using mlpscope::testing::read_text;

const fs::path kReferenceDir = fs::path(MLPSCOPE_SOURCE_DIR) / "tests/run/reference";

bool updating() {
  const char* v = std::getenv("MLPSCOPE_UPDATE_REFERENCE");
  return v && std::string(v) == "1";
}

using mlpscope::testing::machine_signature;

// JSON without its wall-clock fields, at any depth.
void drop_times(nlohmann::json& j) {
  if (j.is_object()) {
    j.erase("seconds");
    for (auto& [key, value] : j.items()) drop_times(value);
  } else if (j.is_array()) {
    for (auto& value : j) drop_times(value);
  }
}

std::string canonical_json_lines(const std::string& text) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line);
    drop_times(j);
    out += j.dump() + "\n";
  }
  return out;
}

std::string canonical_json(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text);
  drop_times(j);
  return j.dump(1) + "\n";
}

// FNV-1a over a file's bytes: a saved model compared whole without storing it.
std::string file_digest(const fs::path& path) {
  const std::string bytes = read_text(path.string());
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%zu bytes, fnv1a %016llx\n", bytes.size(),
                static_cast<unsigned long long>(h));
  return buffer;
}

template <class T>
std::string number(const std::optional<T>& v) {
  return v ? nlohmann::json(*v).dump() : "null";
}

std::string sweep_rows(const fs::path& dir) {
  std::string out;
  for (const auto& [key, r] : mlpscope::testing::rows_of(dir.string())) {
    out += key + " | " + std::to_string(r.grid_index) + " | " + r.options.dump() + " | " +
           std::string(name(r.verdict)) + " | " + std::string(name(r.cause)) + " | " +
           number(r.initial_loss) + " " + number(r.final_loss) + " " + number(r.best_loss) + " " +
           number(r.train_accuracy) + " " + number(r.test_accuracy) + " " +
           number(r.epochs_to_target) + " " + number(r.sharpness_init) + "\n  " +
           canonical_json_lines(r.summary);
  }
  return out;
}

enum Capture : unsigned { kStdoutJson = 1, kLog = 2, kModel = 4, kSweep = 8 };

struct Case {
  std::string name;
  Args args;
  unsigned capture;
};

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {"train_minibatch_sgd",
       {"train", "--data", "spiral:n=300", "--hidden", "16,16", "--batch", "32", "--epochs", "6",
        "--lr", "0.1", "--seed", "3"},
       kStdoutJson | kLog | kModel},
      {"train_online_mse_story",
       {"train", "--data", "moons:n=200,noise=0.2", "--hidden", "12,8", "--batch", "1", "--epochs",
        "4", "--loss", "mse", "--init", "uniform:-1,1", "--lr", "0.01", "--seed", "1"},
       kStdoutJson | kLog | kModel},
      {"train_online_two_threads",
       {"train", "--data", "fashion-mnist", "--limit", "300", "--test", "none", "--hidden", "32",
        "--batch", "1", "--epochs", "2", "--threads", "2", "--lr", "0.01", "--seed", "2"},
       kStdoutJson | kLog | kModel},
      {"train_full_batch_adam",
       {"train", "--data", "circles:n=200", "--hidden", "8,8", "--batch", "full", "--epochs", "25",
        "--optimizer", "adam", "--lr", "0.02", "--activation", "tanh", "--every", "7"},
       kStdoutJson | kLog | kModel},
      {"train_momentum_f64_every",
       {"train",
        "--data",
        "gaussians:n=240,classes=3",
        "--hidden",
        "10",
        "--batch",
        "16",
        "--epochs",
        "5",
        "--optimizer",
        "momentum:0.8",
        "--lr",
        "0.05",
        "--dtype",
        "f64",
        "--every",
        "6",
        "--sharpness-every",
        "2",
        "--init",
        "xavier_uniform"},
       kStdoutJson | kLog | kModel},
      {"train_nesterov_sigmoid_bce",
       {"train",   "--data",      "xor:n=200", "--hidden",    "8",        "--batch",
        "20",      "--epochs",    "5",         "--optimizer", "nesterov", "--activation",
        "sigmoid", "--output",    "sigmoid",   "--loss",      "mse",      "--lr",
        "0.5",     "--bias-init", "same"},
       kStdoutJson | kLog},
      {"train_rmsprop_gelu",
       {"train", "--data", "spiral:n=200,classes=3", "--hidden", "16,16", "--batch", "50",
        "--epochs", "4", "--optimizer", "rmsprop", "--activation", "gelu", "--lr", "0.003",
        "--init", "lecun_normal", "--init-scale", "1.5"},
       kStdoutJson | kLog},
      {"train_diverges",
       {"train", "--data", "spiral:n=200", "--hidden", "32,32", "--batch", "10", "--epochs", "5",
        "--lr", "5", "--init", "uniform:-1,1", "--loss", "mse", "--output", "identity"},
       kStdoutJson | kLog},
      {"train_fashion_test_set",
       {"train", "--data", "fashion-mnist", "--limit", "600", "--hidden", "24", "--batch", "64",
        "--epochs", "2", "--lr", "0.05", "--activation", "leaky_relu:0.1", "--init", "he_uniform"},
       kStdoutJson | kLog},
      {"diagnose_story",
       {"diagnose", "--data", "fashion-mnist", "--limit", "500", "--hidden", "32,16", "--loss",
        "mse", "--init", "uniform:-1,1", "--lr", "0.01", "--homogeneity", "--scales", "0.5,2,3",
        "--json"},
       kStdoutJson},
      {"diagnose_elu_orthogonal",
       {"diagnose", "--data", "spiral:n=200", "--hidden", "16,16", "--activation", "elu", "--init",
        "orthogonal", "--lr", "0.3", "--json"},
       kStdoutJson},
      {"toy_x4",
       {"toy", "--f", "x^4", "--lr", "0.1", "--x0", "1.5", "--steps", "30", "--json"},
       kStdoutJson},
      {"toy_scan", {"toy", "--f", "|x|^3", "--lr", "0.05", "--scan", "--json"}, kStdoutJson},
      {"sweep_spiral",
       {"sweep", "--data", "spiral:n=120", "--hidden", "8,8", "--batch", "full", "--epochs", "15",
        "--vary", "lr=0.03,0.3", "--vary", "init=uniform:-1,1;he_normal", "--seeds", "2", "--jobs",
        "2"},
       kSweep},
  };
  return all;
}

class ReferenceOutputs : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "mlpscope_reference_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

std::string produce(const Case& c, const fs::path& dir) {
  Args args = c.args;
  args.insert(args.begin(), MLPSCOPE_BINARY);
  if (c.capture & kLog) args.insert(args.end(), {"--log", (dir / "run.jsonl").string()});
  if (c.capture & kModel) args.insert(args.end(), {"--save", (dir / "model.mlps").string()});
  if (c.capture & kSweep) args.insert(args.end(), {"--out", (dir / "sweep").string()});
  if (c.args[0] == "train") args.push_back("--json");
  const auto result = mlpscope::testing::run_command(args);
  // A case that fails to run is a failure, never a reference.
  EXPECT_EQ(result.status, 0) << result.command << "\n" << result.err;
  if (result.status != 0) return "exit " + std::to_string(result.status) + ": " + result.err;
  std::string text;
  if (c.capture & kStdoutJson) text += "## stdout\n" + canonical_json(result.out);
  if (c.capture & kLog)
    text += "## log\n" + canonical_json_lines(read_text((dir / "run.jsonl").string()));
  if (c.capture & kModel) text += "## model\n" + file_digest(dir / "model.mlps");
  if (c.capture & kSweep) {
    text += "## rows\n" + sweep_rows(dir / "sweep");
    text += "## map.csv\n" + read_text((dir / "sweep" / "map.csv").string());
  }
  return text;
}

TEST_P(ReferenceOutputs, AreBitIdentical) {
  const Case& c = GetParam();
  const std::string text = produce(c, dir_);
  const fs::path expected_path = kReferenceDir / (c.name + ".txt");
  if (updating()) {
    fs::create_directories(kReferenceDir);
    std::ofstream(expected_path) << text;
    std::ofstream(kReferenceDir / "machine.txt") << machine_signature();
    return;
  }
  const std::string machine = read_text((kReferenceDir / "machine.txt").string());
  if (machine != machine_signature())
    GTEST_SKIP() << "the references were captured on " << machine << "this machine is "
                 << machine_signature() << "last bits may differ: capture them anew from a "
                 << "known-good commit (see the top of this file)";
  const std::string expected = read_text(expected_path.string());
  ASSERT_FALSE(expected.empty()) << expected_path << " is missing";
  EXPECT_EQ(text, expected) << "case " << c.name << ": the output differs from " << expected_path;
}

INSTANTIATE_TEST_SUITE_P(Cases, ReferenceOutputs, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
