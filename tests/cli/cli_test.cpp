// End-to-end tests of the mlpscope binary: each test runs the real executable in its own
// temporary directory on small synthetic data.
//
// Bad input of any kind must give exit status 2, exactly one line on stderr naming the
// option, file or line at fault, and nothing on stdout. Good input must give the files and
// JSON that DESIGN.md ("Command line", "Files") promises, reproducibly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "run/run_config.h"
#include "support/fixtures.h"
#include "support/run_command.h"

namespace {

namespace fs = std::filesystem;
using mlpscope::testing::CommandResult;
using mlpscope::testing::run_mlpscope;
using nlohmann::json;
using Args = std::vector<std::string>;

::testing::AssertionResult describe(::testing::AssertionResult result, const CommandResult& r) {
  return result << "\n  command: " << r.command << "\n  status:  " << r.status
                << "\n  stdout:  " << r.out << "\n  stderr:  " << r.err;
}

// Exit 2, nothing on stdout, one line on stderr that mentions every piece.
::testing::AssertionResult IsUsageError(const CommandResult& r, const Args& pieces) {
  const auto fail = [&](const std::string& why) {
    return describe(::testing::AssertionFailure() << why, r);
  };
  if (r.status != 2) return fail("exit status is not 2");
  if (!r.out.empty()) return fail("stdout is not empty");
  if (r.err.empty() || r.err.back() != '\n' || std::count(r.err.begin(), r.err.end(), '\n') != 1)
    return fail("stderr is not exactly one line");
  if (!r.err.starts_with("mlpscope: ")) return fail("stderr does not start with 'mlpscope: '");
  for (const auto& piece : pieces)
    if (r.err.find(piece) == std::string::npos)
      return fail("stderr does not mention '" + piece + "'");
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult Succeeded(const CommandResult& r) {
  if (r.status == 0) return ::testing::AssertionSuccess();
  return describe(::testing::AssertionFailure() << "exit status is not 0", r);
}

json parse_json(const CommandResult& r) {
  try {
    return json::parse(r.out);  // strict: trailing text after the object is an error
  } catch (const json::exception& e) {
    ADD_FAILURE() << "stdout is not one JSON value: " << e.what() << "\n  command: " << r.command
                  << "\n  stdout: " << r.out;
    return json();
  }
}

std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

// An IDX image file of n images 2x2 (magic 0x803 unless told), with `body` pixel bytes.
std::string idx_images(std::uint32_t n, std::uint32_t magic = 0x803, std::size_t body = 0) {
  std::string bytes = be32(magic) + be32(n) + be32(2) + be32(2);
  if (body == 0) body = 4 * n;
  for (std::size_t i = 0; i < body; ++i) bytes += static_cast<char>(i * 37 % 256);
  return bytes;
}

std::string idx_labels(std::uint32_t n) {
  std::string bytes = be32(0x801) + be32(n);
  for (std::uint32_t i = 0; i < n; ++i) bytes += static_cast<char>(i % 3);
  return bytes;
}

class CliTest : public mlpscope::testing::TempDirTest {
 protected:
  std::string write(const std::string& name, const std::string& bytes) const {
    std::ofstream(path(name), std::ios::binary) << bytes;
    return path(name);
  }
  // A small model trained on xor, saved as m.model.
  std::string train_model() const {
    EXPECT_TRUE(Succeeded(run_mlpscope({"train", "--data", "xor:n=200", "--hidden", "8", "--epochs",
                                        "2", "--quiet", "--save", path("m.model")})));
    return path("m.model");
  }
};

// ---- options the command line rejects ------------------------------------------------

struct UsageCase {
  const char* name;
  Args args;    // after "train --data xor:n=200 --epochs 1"
  Args pieces;  // what the one line on stderr must mention
};

class RejectedOption : public ::testing::TestWithParam<UsageCase> {};

TEST_P(RejectedOption, ExitsTwoWithOneLineNamingTheOption) {
  Args args{"train", "--data", "xor:n=200", "--epochs", "1"};
  args.insert(args.end(), GetParam().args.begin(), GetParam().args.end());
  EXPECT_TRUE(IsUsageError(run_mlpscope(args), GetParam().pieces));
}

INSTANTIATE_TEST_SUITE_P(
    Cli, RejectedOption,
    ::testing::Values(
        UsageCase{"UnknownOption", {"--bogus"}, {"--bogus"}},
        UsageCase{"UnknownActivation", {"--activation", "swish"}, {"--activation", "swish"}},
        UsageCase{"UnknownOptimizer", {"--optimizer", "lbfgs"}, {"--optimizer", "lbfgs"}},
        UsageCase{"UnknownInit", {"--init", "foo"}, {"--init", "foo"}},
        UsageCase{"UnknownDtype", {"--dtype", "f16"}, {"--dtype", "f16"}},
        UsageCase{"NegativeLr", {"--lr", "-1"}, {"--lr", "-1"}},
        UsageCase{"NonNumericLr", {"--lr", "abc"}, {"--lr", "abc"}},
        UsageCase{"ZeroWidth", {"--hidden", "0"}, {"--hidden", "0"}},
        UsageCase{"EmptyWidth", {"--hidden", "3,,4"}, {"--hidden"}},
        UsageCase{"ZeroBatch", {"--batch", "0"}, {"--batch", "0"}},
        UsageCase{"NegativeEpochs", {"--epochs", "-1"}, {"--epochs"}},
        UsageCase{"CrossEntropyThroughSigmoid",
                  {"--loss", "cross_entropy", "--output", "sigmoid"},
                  {"--loss", "cross_entropy", "--output"}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Cli, UnknownCommandIsNamed) {
  EXPECT_TRUE(IsUsageError(run_mlpscope({"bogus"}), {"bogus", "command"}));
}

TEST(Cli, NoCommandIsAnError) { EXPECT_TRUE(IsUsageError(run_mlpscope({}), {"--help"})); }

// ---- data files that cannot be used -----------------------------------------------------

TEST_F(CliTest, MissingDataFilesAreNamed) {
  EXPECT_TRUE(IsUsageError(run_mlpscope({"train", "--data", "csv:/nonexistent.csv"}),
                           {"/nonexistent.csv"}));
  EXPECT_TRUE(
      IsUsageError(run_mlpscope({"train", "--data", "idx:/nonexistent"}), {"/nonexistent"}));
  const std::string images = write("a-images-idx3-ubyte", idx_images(6));
  EXPECT_TRUE(IsUsageError(run_mlpscope({"train", "--data", "idx:" + images}),
                           {path("a-labels-idx1-ubyte")}));
  EXPECT_TRUE(IsUsageError(
      run_mlpscope({"train", "--data", "idx:" + path("none-images-idx3-ubyte") + "," + path("x")}),
      {path("none-images-idx3-ubyte")}));
}

TEST_F(CliTest, DamagedIdxFilesAreNamed) {
  const std::string labels = write("l-labels-idx1-ubyte", idx_labels(6));
  const std::string good = write("good-images-idx3-ubyte", idx_images(6));
  EXPECT_TRUE(Succeeded(run_mlpscope({"train", "--data", "idx:" + good + "," + labels, "--hidden",
                                      "4", "--epochs", "1", "--quiet"})));

  const std::string magic = write("magic-images-idx3-ubyte", idx_images(6, 0x802));
  EXPECT_TRUE(IsUsageError(run_mlpscope({"train", "--data", "idx:" + magic + "," + labels}),
                           {magic, "magic"}));
  const std::string truncated = write("cut-images-idx3-ubyte", idx_images(6, 0x803, 19));
  EXPECT_TRUE(IsUsageError(run_mlpscope({"train", "--data", "idx:" + truncated + "," + labels}),
                           {truncated, "truncated"}));
  const std::string five = write("five-labels-idx1-ubyte", idx_labels(5));
  EXPECT_TRUE(IsUsageError(run_mlpscope({"train", "--data", "idx:" + good + "," + five}),
                           {good, five, "5", "6"}));
}

TEST_F(CliTest, BadCsvFilesNameTheLine) {
  const std::string ragged = write("ragged.csv", "a,b,label\n1,2,0\n3,4\n");
  EXPECT_TRUE(
      IsUsageError(run_mlpscope({"train", "--data", "csv:" + ragged}), {"ragged.csv", "line 3"}));
  const std::string word = write("word.csv", "a,b,label\n1,2,0\n3,x,1\n");
  EXPECT_TRUE(IsUsageError(run_mlpscope({"train", "--data", "csv:" + word}),
                           {"word.csv", "line 3", "'x'"}));
  const std::string nan = write("nan.csv", "a,b,label\n1,2,0\n3,nan,1\n");
  EXPECT_TRUE(
      IsUsageError(run_mlpscope({"train", "--data", "csv:" + nan}), {"nan.csv", "line 3", "nan"}));
}

TEST_F(CliTest, LabelsOutsideTheClassRangeAreRejected) {
  const std::string train = write("train.csv", "a,b,label\n1,2,0\n3,4,1\n5,6,1\n");
  const std::string test = write("test.csv", "a,b,label\n1,2,0\n3,4,5\n");
  EXPECT_TRUE(IsUsageError(run_mlpscope({"train", "--data", "csv:" + train, "--test", "csv:" + test,
                                         "--hidden", "4", "--epochs", "1"}),
                           {"--test", "test.csv", "5"}));
  EXPECT_TRUE(IsUsageError(run_mlpscope({"train", "--data", "csv:" + test + ",classes=3"}),
                           {"test.csv", "line 3", "classes=3"}));
}

// ---- model files that cannot be used --------------------------------------------------

TEST_F(CliTest, DamagedModelFilesAreErrorsNotCrashes) {
  const std::string good = read_bytes(train_model());
  ASSERT_GT(good.size(), 100u);
  std::string flipped = good;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x5a);
  const std::string files[] = {write("flipped.model", flipped),
                               write("truncated.model", good.substr(0, good.size() / 2)),
                               write("text.model", "this is not a model\n")};
  const Args pieces[] = {{"flipped.model", "damaged"},
                         {"truncated.model", "truncated"},
                         {"text.model", "not an mlpscope model"}};
  // --init-from also reads JSON weights, so a text file is "neither a model nor JSON".
  const Args init_from_pieces[] = {{"--init-from", "flipped.model", "damaged"},
                                   {"--init-from", "truncated.model", "truncated"},
                                   {"--init-from", "text.model", "JSON"}};
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(IsUsageError(
        run_mlpscope({"eval", "--model", files[i], "--data", "xor:n=200", "--json"}), pieces[i]));
    EXPECT_TRUE(IsUsageError(run_mlpscope({"export", "--model", files[i], "-o", path("w.json")}),
                             pieces[i]));
    EXPECT_FALSE(fs::exists(path("w.json"))) << "export wrote weights from " << files[i];
    EXPECT_TRUE(IsUsageError(
        run_mlpscope({"train", "--data", "xor:n=200", "--hidden", "8", "--init-from", files[i]}),
        init_from_pieces[i]));
  }
}

TEST_F(CliTest, EvalOnDataOfAnotherWidthIsAnError) {
  const std::string model = train_model();
  const std::string csv = write("three.csv", "a,b,c,label\n1,2,3,0\n4,5,6,1\n");
  EXPECT_TRUE(IsUsageError(run_mlpscope({"eval", "--model", model, "--data", "csv:" + csv}),
                           {"--data", "3 features", "2"}));
}

TEST_F(CliTest, InitFromWeightsOfTheWrongShapeNamesTheLayer) {
  ASSERT_TRUE(Succeeded(run_mlpscope({"train", "--data", "spiral:n=200", "--hidden", "8,8",
                                      "--epochs", "0", "--quiet", "--save", path("a.model")})));
  ASSERT_TRUE(
      Succeeded(run_mlpscope({"export", "--model", path("a.model"), "-o", path("w.json")})));
  EXPECT_TRUE(IsUsageError(run_mlpscope({"train", "--data", "spiral:n=200", "--hidden", "8,4",
                                         "--init-from", path("w.json")}),
                           {"--init-from", "w.json", "layer 2"}));
  EXPECT_TRUE(IsUsageError(run_mlpscope({"train", "--data", "spiral:n=200,classes=3", "--hidden",
                                         "8,8", "--init-from", path("w.json"), "--json"}),
                           {"--init-from", "w.json", "layer 3"}));
}

TEST_F(CliTest, UnwritableLogIsAnErrorBeforeAnythingIsPrinted) {
  const std::string log = path("no/such/dir/run.jsonl");
  EXPECT_TRUE(IsUsageError(run_mlpscope({"train", "--data", "xor:n=200", "--hidden", "8",
                                         "--epochs", "1", "--log", log}),
                           {log}));
}

TEST_F(CliTest, UnwritableSaveIsAnErrorBeforeTraining) {
  const std::string model = path("no/such/dir/m.model");
  const CommandResult r = run_mlpscope(
      {"train", "--data", "xor:n=200", "--hidden", "8", "--epochs", "1", "--save", model});
  EXPECT_TRUE(IsUsageError(r, {"--save", "does not exist"}));
  EXPECT_TRUE(IsUsageError(
      run_mlpscope({"train", "--data", "xor:n=200", "--epochs", "1", "--save", dir_.string()}),
      {"--save", "is a directory"}));
}

TEST_F(CliTest, ExportTakesItsOptionsFromAConfigFile) {
  const std::string model = train_model();
  const std::string config =
      write("export.toml", "model = \"" + model + "\"\noutput = \"" + path("w.json") + "\"\n");
  ASSERT_TRUE(Succeeded(run_mlpscope({"export", "--config", config})));
  EXPECT_EQ(json::parse(read_bytes(path("w.json")))["format"], "mlpscope-weights");
}

// ---- config files ---------------------------------------------------------------------

TEST_F(CliTest, ConfigErrorsNameTheFileKeyAndLine) {
  const std::string unknown = write("unknown.toml",
                                    "lr = 0.05\nhidden = [8, 8]\nepochs = 2\n"
                                    "bogus_key = 3\n");
  EXPECT_TRUE(IsUsageError(run_mlpscope({"train", "--data", "xor:n=200", "--config", unknown}),
                           {"unknown.toml", "bogus_key", "line 4"}));
  const std::string malformed = write("malformed.toml", "lr = 0.05\nhidden = [8, 8\nepochs = 2\n");
  EXPECT_TRUE(IsUsageError(run_mlpscope({"train", "--data", "xor:n=200", "--config", malformed}),
                           {"malformed.toml", "line 3"}));
  const CommandResult missing =
      run_mlpscope({"train", "--data", "xor:n=200", "--config", path("missing.toml")});
  EXPECT_TRUE(IsUsageError(missing, {"missing.toml"}));
  EXPECT_EQ(missing.err.find("line 0"), std::string::npos) << missing.err;
}

// ---- what train prints and writes -------------------------------------------------------

TEST_F(CliTest, JsonSummaryIsOneObjectWithEveryOption) {
  const CommandResult r = run_mlpscope({"train", "--data", "xor:n=200", "--hidden", "8,4", "--lr",
                                        "0.05", "--epochs", "3", "--seed", "5", "--json"});
  ASSERT_TRUE(Succeeded(r));
  const json s = parse_json(r);
  ASSERT_TRUE(s.is_object());
  for (const char* field :
       {"initial_loss", "final_loss", "best_loss", "train_accuracy", "test_accuracy"})
    EXPECT_TRUE(s[field].is_number()) << field;
  EXPECT_LE(s["best_loss"].get<double>(), s["initial_loss"].get<double>());
  EXPECT_LE(s["best_loss"].get<double>(), s["final_loss"].get<double>());
  for (const char* field : {"train_accuracy", "test_accuracy"}) {
    EXPECT_GE(s[field].get<double>(), 0.0);
    EXPECT_LE(s[field].get<double>(), 1.0);
  }
  EXPECT_EQ(s["epochs"], 3);
  EXPECT_TRUE(s["diverged_at_step"].is_null());

  const json& o = s["options"];
  for (const auto& option : mlpscope::run_options())
    EXPECT_TRUE(o.contains(option.name)) << "options lacks " << option.name;
  EXPECT_EQ(o["lr"], 0.05);
  EXPECT_EQ(o["hidden"], json({8, 4}));
  EXPECT_EQ(o["epochs"], 3);
  EXPECT_EQ(o["seed"], 5);
  EXPECT_EQ(o["data"], "xor:n=200");
  // defaults, as the run-option table gives them
  EXPECT_EQ(o["activation"], "relu");
  EXPECT_EQ(o["optimizer"], "sgd");
  EXPECT_EQ(o["init"], "he_normal");
  EXPECT_EQ(o["loss"], "cross_entropy");
  EXPECT_EQ(o["output"], "softmax");
  EXPECT_EQ(o["batch"], 32);
  EXPECT_EQ(o["dtype"], "f32");
  EXPECT_EQ(o["init-scale"], 1.0);
}

TEST_F(CliTest, LogHasOneRecordPerEpochThenTheSummary) {
  const CommandResult r =
      run_mlpscope({"train", "--data", "spiral:n=200", "--hidden", "8", "--epochs", "3", "--lr",
                    "0.05", "--log", path("run.jsonl"), "--json", "--quiet"});
  ASSERT_TRUE(Succeeded(r));
  const std::vector<std::string> lines = read_lines(path("run.jsonl"));
  ASSERT_EQ(lines.size(), 5u);  // epochs 0..3, then the summary
  std::vector<json> records;
  for (const auto& line : lines) {
    try {
      records.push_back(json::parse(line));
    } catch (const json::exception& e) {
      FAIL() << "not JSON: " << line << ": " << e.what();
    }
  }
  long long previous_step = -1;
  for (int epoch = 0; epoch <= 3; ++epoch) {
    const json& record = records[static_cast<std::size_t>(epoch)];
    for (const char* field :
         {"epoch", "step", "loss", "accuracy", "test_loss", "test_accuracy", "lr", "seconds"})
      EXPECT_TRUE(record.contains(field) && record[field].is_number())
          << "record " << epoch << " lacks a number " << field << ": " << record.dump();
    EXPECT_EQ(record["epoch"], epoch);
    EXPECT_EQ(record["lr"], 0.05);
    EXPECT_GT(record["step"].get<long long>(), previous_step);
    previous_step = record["step"].get<long long>();
  }
  EXPECT_EQ(records[0]["step"], 0);
  EXPECT_EQ(records[3]["step"], 3 * 7);  // 200 samples in batches of 32: 7 steps an epoch
  const json& summary = records.back();
  EXPECT_EQ(summary, parse_json(r));
  EXPECT_EQ(summary["initial_loss"], records[0]["loss"]);
  EXPECT_EQ(summary["final_loss"], records[3]["loss"]);
  EXPECT_EQ(summary["test_accuracy"], records[3]["test_accuracy"]);
}

TEST_F(CliTest, ConfigSetsOptionsAndTheCommandLineWins) {
  const std::string config = write("run.toml",
                                   "data = \"xor:n=200\"\nlr = 0.05\nhidden = [8, 8]\n"
                                   "epochs = 3\nactivation = \"tanh\"\n");
  const CommandResult r =
      run_mlpscope({"train", "--config", config, "--epochs", "1", "--json", "--quiet"});
  ASSERT_TRUE(Succeeded(r));
  const json s = parse_json(r);
  EXPECT_EQ(s["options"]["lr"], 0.05);
  EXPECT_EQ(s["options"]["hidden"], json({8, 8}));
  EXPECT_EQ(s["options"]["activation"], "tanh");
  EXPECT_EQ(s["options"]["data"], "xor:n=200");
  EXPECT_EQ(s["options"]["epochs"], 1);
  EXPECT_EQ(s["epochs"], 1);
}

TEST_F(CliTest, QuietPrintsNothing) {
  const CommandResult r = run_mlpscope({"train", "--data", "xor:n=200", "--hidden", "8", "--epochs",
                                        "2", "--quiet", "--save", path("m.model")});
  ASSERT_TRUE(Succeeded(r));
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(fs::exists(path("m.model")));

  const CommandResult loud =
      run_mlpscope({"train", "--data", "xor:n=200", "--hidden", "8", "--epochs", "2"});
  ASSERT_TRUE(Succeeded(loud));
  EXPECT_NE(loud.out, "");  // so that the quiet run's silence means something
}

TEST_F(CliTest, SameCommandTwiceWritesTheSameLog) {
  const Args options{"train",    "--data", "spiral:n=200,noise=0.2",
                     "--hidden", "16,8",   "--optimizer",
                     "adam",     "--lr",   "0.01",
                     "--batch",  "16",     "--epochs",
                     "3",        "--seed", "11",
                     "--quiet"};
  const auto log_without_seconds = [&](const std::string& name) {
    Args args = options;
    args.insert(args.end(), {"--log", path(name)});
    EXPECT_TRUE(Succeeded(run_mlpscope(args)));
    static const std::regex seconds(R"("seconds":[^,}]*)");
    return std::regex_replace(read_bytes(path(name)), seconds, "\"seconds\":_");
  };
  const std::string first = log_without_seconds("a.jsonl");
  EXPECT_EQ(std::count(first.begin(), first.end(), '\n'), 5);
  EXPECT_EQ(first, log_without_seconds("b.jsonl"));
}

// ---- eval and export agree with train -----------------------------------------------

TEST_F(CliTest, EvalReproducesTheTestAccuracyAndLossOfTrain) {
  for (const char* dtype : {"f32", "f64"}) {
    SCOPED_TRACE(dtype);
    const Args options{"--data", "spiral:n=200", "--hidden", "16",  "--epochs",     "5",
                       "--lr",   "0.1",          "--dtype",  dtype, "--standardize"};
    Args train{"train", "--save", path("m.model"), "--log", path("run.jsonl"), "--json", "--quiet"};
    train.insert(train.end(), options.begin(), options.end());
    const CommandResult trained = run_mlpscope(train);
    ASSERT_TRUE(Succeeded(trained));
    const json summary = parse_json(trained);
    const json last_epoch = json::parse(read_lines(path("run.jsonl")).at(5));
    ASSERT_EQ(last_epoch["epoch"], 5);

    const CommandResult evaluated =
        run_mlpscope({"eval", "--model", path("m.model"), "--data", "spiral:n=200", "--json"});
    ASSERT_TRUE(Succeeded(evaluated));
    const json e = parse_json(evaluated);
    EXPECT_EQ(e["samples"], 200);
    EXPECT_EQ(e["accuracy"], summary["test_accuracy"]);
    const double loss = last_epoch["test_loss"].get<double>();
    EXPECT_NEAR(e["loss"].get<double>(), loss, 1e-12 * std::abs(loss));
  }
}

// Run A saves the initial weights (0 epochs); B starts from them through export and
// --init-from, C draws them again from the seed, D starts from A's model file directly.
TEST_F(CliTest, InitFromExportedWeightsReproducesTheRunBitForBit) {
  for (const char* dtype : {"f32", "f64"}) {
    SCOPED_TRACE(dtype);
    const auto train = [&](Args extra) {
      Args args{"train",    "--data",  "spiral:n=200", "--hidden", "8,8",
                "--seed",   "7",       "--lr",         "0.05",     "--optimizer",
                "momentum", "--dtype", dtype,          "--json",   "--quiet"};
      args.insert(args.end(), extra.begin(), extra.end());
      const CommandResult r = run_mlpscope(args);
      EXPECT_TRUE(Succeeded(r));
      return parse_json(r);
    };
    train({"--epochs", "0", "--save", path("a.model")});
    ASSERT_TRUE(
        Succeeded(run_mlpscope({"export", "--model", path("a.model"), "-o", path("w.json")})));
    const json weights = json::parse(read_bytes(path("w.json")));
    EXPECT_EQ(weights["format"], "mlpscope-weights");
    EXPECT_EQ(weights["version"], 1);
    ASSERT_EQ(weights["layers"].size(), 3u);
    EXPECT_EQ(weights["layers"][0]["weight"].size(), 8u);     // one row per output unit
    EXPECT_EQ(weights["layers"][0]["weight"][0].size(), 2u);  // one column per input

    const json b = train({"--epochs", "4", "--init-from", path("w.json")});
    const json c = train({"--epochs", "4"});
    const json d = train({"--epochs", "4", "--init-from", path("a.model")});
    EXPECT_NE(c["final_loss"], c["initial_loss"]);  // it trained, so equality means something
    for (const char* field :
         {"initial_loss", "final_loss", "best_loss", "train_accuracy", "test_accuracy"}) {
      EXPECT_EQ(b[field], c[field]) << field;
      EXPECT_EQ(d[field], c[field]) << field;
    }
    EXPECT_EQ(b["options"]["init-from"], path("w.json"));
  }
}

TEST_F(CliTest, FashionMnistModelEvaluatesToTheTestAccuracyOfTrain) {
  if (!fs::exists("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "Debian package dataset-fashion-mnist is not installed";
  const CommandResult trained =
      run_mlpscope({"train", "--data", "fashion-mnist", "--limit", "500", "--epochs", "1",
                    "--hidden", "16", "--save", path("f.model"), "--json", "--quiet"});
  ASSERT_TRUE(Succeeded(trained));
  const CommandResult evaluated = run_mlpscope({"eval", "--model", path("f.model"), "--json"});
  ASSERT_TRUE(Succeeded(evaluated));
  const json e = parse_json(evaluated);
  EXPECT_EQ(e["samples"], 10000);
  EXPECT_EQ(e["accuracy"], parse_json(trained)["test_accuracy"]);
}

// ---- help -------------------------------------------------------------------------------

::testing::AssertionResult HelpMentions(const std::string& command, Args options) {
  const CommandResult r = run_mlpscope({command, "--help"});
  if (r.status != 0) return describe(::testing::AssertionFailure() << "exit status is not 0", r);
  for (const auto& option : options)
    if (r.out.find(option + " ") == std::string::npos)
      return describe(::testing::AssertionFailure() << "help does not mention " << option, r);
  return ::testing::AssertionSuccess();
}

TEST(Cli, HelpOfEveryCommandListsItsOptions) {
  Args train{"--log", "--save", "--json", "--quiet", "--config"};
  for (const auto& option : mlpscope::run_options())
    train.push_back(std::string("--") + option.name);
  EXPECT_TRUE(HelpMentions("train", train));
  EXPECT_TRUE(HelpMentions("eval", {"--model", "--data", "--limit", "--json", "--config"}));
  EXPECT_TRUE(HelpMentions("export", {"--model", "--output"}));
}

}  // namespace
