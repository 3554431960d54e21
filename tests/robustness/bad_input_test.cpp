// Every bad input of docs/bad-input.md, one test per row, each run through the real binary:
// damaged and ill-formed files, malformed and absurd options, and data that is legal but
// hostile (NaN, Inf, no samples, one class, one sample). The contract (DESIGN.md): bad
// input is one line on stderr naming what is at fault and exit status 2, never a crash or
// a hang; numbers that overflow during training are the verdict `diverged`, not a crash.
//
// Rows name files as {dir}/NAME: the files are written once, by the suite's set-up, into a
// fresh temporary directory (a good model and its weights come from the binary itself).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/read_text.h"
#include "support/run_command.h"

namespace {

namespace fs = std::filesystem;
using mlpscope::testing::CommandResult;

struct Row {
  const char* name;               // the test's name, and the table's first column
  std::vector<std::string> args;  // after the binary; {dir} is the suite's directory
  int status;                     // 2: refused; 0: ran and gave a verdict
  std::string expect;             // status 2: the whole stderr line after "mlpscope: "
                                  // (a prefix when it ends in "…"); status 0: the verdict
};

std::ostream& operator<<(std::ostream& out, const Row& row) { return out << row.name; }

fs::path& suite_dir() {
  static fs::path dir;
  return dir;
}

void write_bytes(const std::string& name, const std::string& bytes) {
  std::ofstream(suite_dir() / name, std::ios::binary) << bytes;
}

std::string big_endian(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

// Small spiral-like CSV: two features and a label in {0, 1}, or in {0} alone.
std::string csv_rows(int n, bool one_class) {
  std::string s = "x,y,label\n";
  for (int i = 0; i < n; ++i)
    s += std::to_string(0.1 * i) + "," + std::to_string(1.0 - 0.05 * i) + "," +
         (one_class ? "0" : std::to_string(i % 2)) + "\n";
  return s;
}

class BadInput : public ::testing::TestWithParam<Row> {
 protected:
  static void SetUpTestSuite() {
    std::string pattern = (fs::temp_directory_path() / "mlpscope_bad_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    suite_dir() = pattern;

    write_bytes("empty.csv", "");
    write_bytes("header.csv", "x,y,label\n");
    write_bytes("ragged.csv", "x,y,label\n1,2,0\n3,1\n");
    write_bytes("text.csv", "x,y,label\n1,2,0\n3,abc,1\n");
    write_bytes("nan.csv", "x,y,label\n1,2,0\nnan,1,1\n");
    write_bytes("inf.csv", "x,y,label\n1,2,0\n1,inf,1\n");
    write_bytes("one-class.csv", csv_rows(20, true));
    write_bytes("one-sample.csv", "x,y,label\n0.5,0.25,1\n");
    write_bytes("good.csv", csv_rows(40, false));
    write_bytes("wide.csv", "a,b,c,label\n1,2,3,0\n4,5,6,1\n");

    // IDX: ten 28×28 images announced, 100 bytes of pixels present.
    write_bytes("truncated-idx", big_endian(0x00000803) + big_endian(10) + big_endian(28) +
                                     big_endian(28) + std::string(100, '\x7f'));
    write_bytes("wrong-magic-idx", big_endian(0x12345678) + std::string(64, '\0'));
    // Ten good labels, so that the images file is the one at fault.
    write_bytes("labels-idx", big_endian(0x00000801) + big_endian(10) + std::string(10, '\1'));
    // A gzip header followed by bytes that are no deflate stream.
    write_bytes("garbage.gz", std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10) +
                                  std::string(200, '\xa5'));
    // The real Fashion-MNIST test images, cut in the middle of the compressed stream.
    const std::string images = mlpscope::testing::detail::read_whole_file(
        "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");
    write_bytes("cut.gz", images.substr(0, images.size() / 2));

    // A good model and its weights, from the binary; then damaged copies of each.
    const CommandResult trained = mlpscope::testing::run_command(
        {MLPSCOPE_BINARY, "train", "--data", "spiral:n=100", "--hidden", "8", "--epochs", "1",
         "--quiet", "--save", (suite_dir() / "good.model").string()});
    ASSERT_EQ(trained.status, 0) << trained.err;
    const CommandResult exported = mlpscope::testing::run_command(
        {MLPSCOPE_BINARY, "export", "--model", (suite_dir() / "good.model").string(), "-o",
         (suite_dir() / "good.json").string()});
    ASSERT_EQ(exported.status, 0) << exported.err;
    std::string model =
        mlpscope::testing::detail::read_whole_file((suite_dir() / "good.model").string());
    ASSERT_GT(model.size(), 64u);
    write_bytes("truncated.model", model.substr(0, model.size() / 2));
    model[model.size() / 2] = static_cast<char>(model[model.size() / 2] ^ 0x55);
    write_bytes("damaged.model", model);
    write_bytes("text.model", "this is not a model\n");

    auto weights =
        nlohmann::json::parse(mlpscope::testing::read_text((suite_dir() / "good.json").string()));
    weights["layers"][0]["weight"].erase(0);  // 7 rows where the 8 hidden units need 8
    write_bytes("wrong-shape.json", weights.dump());
    write_bytes("not.json", "{\"format\": \"mlpscope-weights\", ");
    write_bytes("bad.toml", "lr = = 3\n");
  }
  static void TearDownTestSuite() { fs::remove_all(suite_dir()); }
};

std::string expand(const std::string& arg) {
  std::string s = arg;
  for (std::size_t at; (at = s.find("{dir}")) != std::string::npos;)
    s.replace(at, 5, suite_dir().string());
  return s;
}

TEST_P(BadInput, AnswersAsDocumented) {
  const Row& row = GetParam();
  std::vector<std::string> argv{MLPSCOPE_BINARY};
  for (const auto& a : row.args) argv.push_back(expand(a));
  const CommandResult r = mlpscope::testing::run_command(argv);
  const std::string context = r.command + "\nstatus " + std::to_string(r.status) +
                              "\nstdout: " + r.out.substr(0, 2000) + "\nstderr: " + r.err;
  ASSERT_EQ(r.status, row.status) << context;
  const std::string expect = expand(row.expect);
  if (row.status == 2) {
    // One line, "mlpscope: " and the documented message.
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << context;
    ASSERT_TRUE(r.err.starts_with("mlpscope: ")) << context;
    const std::string message = r.err.substr(10, r.err.size() - 11);
    if (expect.ends_with("…"))
      EXPECT_TRUE(message.starts_with(expect.substr(0, expect.size() - 3))) << context;
    else
      EXPECT_EQ(message, expect) << context;
  } else {
    EXPECT_NE(r.out.find("verdict  " + expect), std::string::npos) << context;
  }
}

// The table of docs/bad-input.md. Small synthetic data everywhere but where a file is the
// point, so that the whole table runs in seconds.
const std::vector<std::string> kTrain{"train",    "--data", "spiral:n=100", "--hidden", "8",
                                      "--epochs", "2"};

// kTrain with OPTION VALUE pairs set (replacing kTrain's own value of the option, since an
// option given twice is an error of its own).
std::vector<std::string> train_with(const std::vector<std::string>& pairs) {
  std::vector<std::string> args = kTrain;
  for (std::size_t i = 0; i + 1 < pairs.size(); i += 2) {
    const auto at = std::find(args.begin(), args.end(), pairs[i]);
    if (at != args.end()) {
      *(at + 1) = pairs[i + 1];
    } else {
      args.push_back(pairs[i]);
      args.push_back(pairs[i + 1]);
    }
  }
  return args;
}

// "W,W,…,W": `depth` hidden layers of width W.
std::string repeat(const std::string& width, int depth) {
  std::string s = width;
  for (int i = 1; i < depth; ++i) s += "," + width;
  return s;
}

std::vector<std::string> train_on(const std::string& data, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"train", "--data", data, "--hidden", "8", "--epochs", "2"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

const Row kRows[] = {
    // Files.
    {"MissingCsv", train_on("csv:{dir}/missing.csv"), 2, "{dir}/missing.csv: no such file"},
    {"MissingIdx", train_on("idx:{dir}/missing-idx,{dir}/labels-idx"), 2,
     "{dir}/missing-idx: no such file"},
    {"EmptyCsv", train_on("csv:{dir}/empty.csv"), 2,
     "{dir}/empty.csv: the file is empty; expected a header row and data"},
    {"HeaderOnlyCsv", train_on("csv:{dir}/header.csv"), 2,
     "{dir}/header.csv: header at line 1 but no data rows"},
    {"RaggedCsv", train_on("csv:{dir}/ragged.csv"), 2,
     "{dir}/ragged.csv line 3: 2 columns, but the header (line 1) has 3"},
    {"TextInNumberColumn", train_on("csv:{dir}/text.csv"), 2,
     "{dir}/text.csv line 3, column 2 ('y'): 'abc' is not a number"},
    {"NanInCsv", train_on("csv:{dir}/nan.csv"), 2,
     "{dir}/nan.csv line 3, column 1 ('x'): 'nan' is not a finite number"},
    {"InfInCsv", train_on("csv:{dir}/inf.csv"), 2,
     "{dir}/inf.csv line 3, column 2 ('y'): 'inf' is not a finite number"},
    {"TruncatedIdx", train_on("idx:{dir}/truncated-idx,{dir}/labels-idx"), 2,
     "{dir}/truncated-idx: truncated data: expected 7840 bytes, found 100; the data ends at byte "
     "offset 116"},
    {"WrongMagicIdx", train_on("idx:{dir}/wrong-magic-idx,{dir}/labels-idx"), 2,
     "{dir}/wrong-magic-idx: wrong magic number 0x12345678 at byte offset 0, expected 0x00000803 "
     "(IDX unsigned bytes, 3 dimensions); this is not an IDX file"},
    {"GarbageGzip", train_on("idx:{dir}/garbage.gz,{dir}/labels-idx"), 2,
     "{dir}/garbage.gz: corrupt gzip stream near decompressed byte offset 0: invalid code lengths "
     "set"},
    {"TruncatedGzip", train_on("idx:{dir}/cut.gz,{dir}/labels-idx"), 2,
     "{dir}/cut.gz: truncated data: expected 7840000 bytes, found …"},
    {"MissingModel",
     {"eval", "--model", "{dir}/missing.model", "--data", "spiral:n=100"},
     2,
     "cannot read {dir}/missing.model: No such file or directory"},
    {"DamagedModel",
     {"eval", "--model", "{dir}/damaged.model", "--data", "spiral:n=100"},
     2,
     "{dir}/damaged.model: damaged: checksum mismatch (stored …"},
    {"TruncatedModel",
     {"eval", "--model", "{dir}/truncated.model", "--data", "spiral:n=100"},
     2,
     "{dir}/truncated.model: truncated or damaged: expected at least …"},
    {"TextAsModel",
     {"export", "--model", "{dir}/text.model", "-o", "{dir}/out.json"},
     2,
     "{dir}/text.model: not an mlpscope model file (it does not start with \"MLPSCOPE\")"},
    {"WeightsOfWrongShape", train_with({"--init-from", "{dir}/wrong-shape.json"}), 2,
     "option --init-from: {dir}/wrong-shape.json: layer 1: bias has 8 entries, weight has 7 rows"},
    {"WeightsNotJson", train_with({"--init-from", "{dir}/not.json"}), 2,
     "option --init-from: {dir}/not.json: neither an mlpscope model file nor valid JSON weights: "
     "parse error at line 1, column 32…"},
    {"MalformedConfig", train_with({"--config", "{dir}/bad.toml"}), 2,
     "config {dir}/bad.toml line 1: …"},
    {"MissingConfig", train_with({"--config", "{dir}/missing.toml"}), 2,
     "config {dir}/missing.toml: File could not be opened for reading"},
    {"SaveIntoMissingDirectory", train_with({"--save", "{dir}/no/such/dir/m.model"}), 2,
     "option --save: directory {dir}/no/such/dir does not exist"},
    // Options.
    {"UnknownOption", train_with({"--learning-rate", "0.1"}), 2,
     "The following arguments were not expected: 0.1 --learning-rate (see 'mlpscope --help')"},
    {"UnknownCommand", {"trian"}, 2, "unknown command 'trian' (commands: train, …"},
    {"MalformedNumber", train_with({"--lr", "0.1x"}), 2, "option --lr: '0.1x' is not a number"},
    {"LrNan", train_with({"--lr", "nan"}), 2, "option --lr: 'nan' is not a finite number"},
    {"LrInf", train_with({"--lr", "inf"}), 2, "option --lr: 'inf' is not a finite number"},
    {"LrNegative", train_with({"--lr", "-0.1"}), 2, "option --lr: must be positive, got -0.1"},
    {"LrZero", train_with({"--lr", "0"}), 2, "option --lr: must be positive, got 0"},
    {"BatchZero", train_with({"--batch", "0"}), 2, "option --batch: must be at least 1, got 0"},
    {"BatchNegative", train_with({"--batch", "-5"}), 2,
     "option --batch: must be at least 1, got -5"},
    {"EpochsNegative", train_with({"--epochs", "-1"}), 2,
     "option --epochs: must be in [0, 1000000]"},
    {"EpochsFraction", train_with({"--epochs", "1.5"}), 2,
     "option --epochs: '1.5' is not an integer"},
    {"HiddenZero", train_with({"--hidden", "0"}), 2,
     "option --hidden: every width must be at least 1, got 0"},
    {"HiddenNegative", train_with({"--hidden", "8,-3"}), 2,
     "option --hidden: every width must be at least 1, got -3"},
    {"HiddenEmptyWidth", train_with({"--hidden", "8,,8"}), 2,
     "option --hidden: expected an integer, got an empty value"},
    {"LimitNegative", train_with({"--limit", "-1"}), 2,
     "option --limit: must be 0 (all) or positive"},
    {"ThreadsZero", train_with({"--threads", "0"}), 2,
     "option --threads: must be at least 1, got 0"},
    {"SeedNegative", train_with({"--seed", "-1"}), 2, "option --seed: must be non-negative"},
    {"UnknownActivation", train_with({"--activation", "relu6"}), 2,
     "option --activation: unknown activation 'relu6' (choose relu, leaky_relu[:slope], elu, gelu, "
     "sigmoid, tanh, softplus, identity)"},
    {"UnknownInit", train_with({"--init", "glorot"}), 2,
     "option --init: unknown initializer 'glorot' (choose …"},
    {"MalformedInit", train_with({"--init", "uniform:1"}), 2,
     "option --init: expected uniform:LOW,HIGH, e.g. uniform:-1,1"},
    {"UnknownOptimizer", train_with({"--optimizer", "adamw"}), 2,
     "option --optimizer: unknown optimizer 'adamw' (choose …"},
    {"UnknownDtype", train_with({"--dtype", "f16"}), 2,
     "option --dtype: expected f32 or f64, got 'f16'"},
    {"InitScaleNan", train_with({"--init-scale", "nan"}), 2,
     "option --init-scale: 'nan' is not a finite number"},
    {"UnknownDataSpec", train_on("spirals"), 2,
     "data spec 'spirals': unknown data kind 'spirals'; valid kinds: …"},
    {"Width10000Depth50", train_with({"--hidden", repeat("10000", 50)}), 2,
     "network 2-10000-10000-…"},
    // Numbers that are legal but extreme: a run and a verdict.
    {"LrHuge", train_with({"--lr", "1e10"}), 0, "diverged"},
    {"Width10000", train_with({"--hidden", "10000"}), 0, ""},
    {"Depth50", train_with({"--hidden", repeat("8", 50)}), 0, "stalled"},
    {"LimitLargerThanData", train_with({"--limit", "1000000"}), 0, ""},
    // Data.
    {"EmptySyntheticSet", train_on("spiral:n=0"), 2,
     "data spec 'spiral:n=0': spiral: n=0 must be at least 1"},
    {"OneClass", train_on("csv:{dir}/one-class.csv"), 0, "converged"},
    {"OneSample", train_on("csv:{dir}/one-sample.csv"), 0, "stalled"},
    {"TestSetOfOtherWidth", train_on("csv:{dir}/good.csv", {"--test", "csv:{dir}/wide.csv"}), 2,
     "option --test: csv:{dir}/wide.csv has 3 features, the training data 2"},
    {"ModelOnDataOfOtherWidth",
     {"eval", "--model", "{dir}/good.model", "--data", "csv:{dir}/wide.csv"},
     2,
     "option --data: csv:{dir}/wide.csv has 3 features, the model 2-8-2 expects 2"},
    // Other commands.
    {"LogIntoDirectory", train_with({"--log", "{dir}"}), 2,
     "cannot write the log {dir}: Is a directory"},
    {"SweepWithoutOut",
     {"sweep", "--data", "spiral:n=100", "--vary", "lr=0.1,0.2"},
     2,
     "option --out: a sweep needs a directory for its results"},
    {"SweepMalformedVary",
     {"sweep", "--data", "spiral:n=100", "--vary", "lr", "--out", "{dir}/s"},
     2,
     "option --vary: lr: expected NAME=V1,V2,…"},
    {"SweepJobsZero",
     {"sweep", "--data", "spiral:n=100", "--vary", "lr=0.1", "--jobs", "0", "--out", "{dir}/s"},
     2,
     "option --jobs: must be in 1..4096, got 0"},
    {"DiagnoseLrNan",
     {"diagnose", "--data", "spiral:n=100", "--hidden", "8", "--lr", "nan"},
     2,
     "option --lr: 'nan' is not a finite number"},
    {"ToyLrNan",
     {"toy", "--f", "x^4", "--lr", "nan", "--x0", "1"},
     2,
     "option --lr: 'nan' is not a finite number"},
    {"ToyUnknownFunction",
     {"toy", "--f", "sin(x)", "--lr", "0.1", "--x0", "1"},
     2,
     "option --f: 'sin(x)' is not a function: expected x^2, x^4 or |x|^p with a real p > 1 (e.g. "
     "|x|^3, |x|^1.5)"},
    {"ToyPngWithoutReport",
     {"toy", "--png", "figures"},
     2,
     "option --png: needs --report FILE: the figures are drawn from the report's page"},
};

INSTANTIATE_TEST_SUITE_P(Table, BadInput, ::testing::ValuesIn(kRows),
                         [](const ::testing::TestParamInfo<Row>& info) { return info.param.name; });

}  // namespace
