#include "data/load.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "data/synthetic.h"
#include "support/fixtures.h"

namespace mlpscope {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

// A fresh directory per test, removed afterwards.
class LoadTest : public testing::TempDirTest {
 protected:
  std::string write(const std::string& name, const Bytes& bytes) const {
    std::ofstream out(path(name), std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    return path(name);
  }

  // An IDX pair of `count` 1×2 images, image i = (i, 2i), label i mod 3.
  void write_idx_pair(const std::string& prefix, std::uint8_t count) const {
    Bytes images = {0, 0, 8, 3, 0, 0, 0, count, 0, 0, 0, 1, 0, 0, 0, 2};
    Bytes labels = {0, 0, 8, 1, 0, 0, 0, count};
    for (std::uint8_t i = 0; i < count; ++i) {
      images.push_back(i);
      images.push_back(std::uint8_t(2 * i));
      labels.push_back(i % 3);
    }
    write(prefix + "-images-idx3-ubyte", images);
    write(prefix + "-labels-idx1-ubyte", labels);
  }
};

std::string load_error_of(const std::string& spec) {
  return testing::error_of([&] { load_data(spec); });
}

TEST(Load, SyntheticHasAnIndependentTestSplit) {
  const DataPair pair = load_data("spiral");
  ASSERT_TRUE(pair.test.has_value());
  EXPECT_EQ(pair.train.size(), 400);
  EXPECT_EQ(pair.test->size(), 400);
  EXPECT_NE(pair.train.values, pair.test->values);
  EXPECT_EQ(pair.train.name, "spiral(n=400,noise=0.1,classes=2,seed=0) (train)");
  EXPECT_EQ(pair.test->name, "spiral(n=400,noise=0.1,classes=2,seed=0) (test)");

  SyntheticOptions options;
  options.seed = 1000003;
  EXPECT_EQ(pair.test->values, make_synthetic("spiral", options).values);
  EXPECT_EQ(load_dataset("spiral", true).values, pair.test->values);
  EXPECT_EQ(load_dataset("spiral", false).values, pair.train.values);
}

TEST(Load, SyntheticOptions) {
  const Dataset data = load_dataset(" gaussians:n=60, classes=3, noise=0.2, seed=7 ", false);
  EXPECT_EQ(data.size(), 60);
  EXPECT_EQ(data.num_classes, 3);
  EXPECT_EQ(data.name, "gaussians(n=60,noise=0.2,classes=3,seed=7) (train)");
  EXPECT_EQ(load_dataset("moons:", false).size(), 400);
}

TEST(Load, BadSyntheticSpecsNameSpecAndKey) {
  EXPECT_MESSAGE_HAS(load_error_of("spiral:n=0"), "data spec 'spiral:n=0'");
  EXPECT_MESSAGE_HAS(load_error_of("spiral:n=0"), "n=0 must be at least 1");
  EXPECT_MESSAGE_HAS(load_error_of("spiral:n=abc"), "data spec 'spiral:n=abc': n: 'abc'");
  EXPECT_MESSAGE_HAS(load_error_of("xor:noise=-1"), "noise=-1");
  EXPECT_MESSAGE_HAS(load_error_of("xor:noise=nan"), "data spec 'xor:noise=nan': noise");
  EXPECT_MESSAGE_HAS(load_error_of("spiral:seed=-3"), "seed=-3");
  EXPECT_MESSAGE_HAS(load_error_of("spiral:width=3"), "unknown key 'width'");
  EXPECT_MESSAGE_HAS(load_error_of("spiral:n=3,n=4"), "key 'n' is given twice");
  EXPECT_MESSAGE_HAS(load_error_of("spiral:n"), "expected key=value, got 'n'");
  EXPECT_MESSAGE_HAS(load_error_of("moons:classes=3"), "data spec 'moons:classes=3'");
  EXPECT_MESSAGE_HAS(load_error_of("moons:classes=3"), "always has 2 classes");
}

TEST(Load, UnknownKindListsTheValidOnes) {
  const std::string message = load_error_of("cifar10:/data");
  EXPECT_MESSAGE_HAS(message, "unknown data kind 'cifar10'");
  for (const char* kind : {"fashion-mnist", "mnist:DIR", "idx:", "csv:", "spiral", "gaussians"})
    EXPECT_MESSAGE_HAS(message, kind);
  EXPECT_MESSAGE_HAS(load_error_of(""), "unknown data kind ''");
}

TEST_F(LoadTest, CsvHasNoTestSplit) {
  const std::string file = path("d.csv");
  std::ofstream(file) << "a,y,b\n1,2,3\n4,0,5\n";
  const std::string spec = "csv:" + file + ",label=y,classes=4";
  const DataPair pair = load_data(spec);
  EXPECT_FALSE(pair.test.has_value());
  EXPECT_EQ(pair.train.name, spec);
  EXPECT_EQ(pair.train.num_classes, 4);
  EXPECT_EQ(pair.train.values, (std::vector<double>{1, 3, 4, 5}));
  EXPECT_EQ(load_dataset(spec, true).values, pair.train.values);  // the training set
  EXPECT_MESSAGE_HAS(load_error_of("csv:" + file + ",sep=;"), "unknown key 'sep'");
  EXPECT_MESSAGE_HAS(load_error_of("csv:" + file + ",classes=0"), "classes=0 must be at least 1");
  EXPECT_MESSAGE_HAS(load_error_of("csv:"), "expected csv:PATH");
}

TEST_F(LoadTest, IdxGuessesTheLabelsFile) {
  write_idx_pair("toy", 5);
  const std::string images = path("toy-images-idx3-ubyte");
  const DataPair pair = load_data("idx:" + images);
  EXPECT_FALSE(pair.test.has_value());
  EXPECT_EQ(pair.train.size(), 5);
  EXPECT_EQ(pair.train.dim, 2);
  EXPECT_EQ(pair.train.bytes, (Bytes{0, 0, 1, 2, 2, 4, 3, 6, 4, 8}));
  EXPECT_EQ(pair.train.labels, (std::vector<std::int32_t>{0, 1, 2, 0, 1}));
  const std::string labels = path("toy-labels-idx1-ubyte");
  EXPECT_EQ(load_dataset("idx:" + images + "," + labels, true).labels, pair.train.labels);
  EXPECT_MESSAGE_HAS(load_error_of("idx:" + path("pixels")), "cannot guess the labels file");
}

TEST_F(LoadTest, MnistDirectoryWithAndWithoutTestSplit) {
  write_idx_pair("train", 6);
  const std::string spec = "mnist:" + dir_.string();
  DataPair pair = load_data(spec);
  EXPECT_EQ(pair.train.size(), 6);
  EXPECT_EQ(pair.train.name, spec + " (train)");
  EXPECT_FALSE(pair.test.has_value());

  write_idx_pair("t10k", 2);  // labels 0 and 1 only: the class count follows the training set
  pair = load_data(spec);
  ASSERT_TRUE(pair.test.has_value());
  EXPECT_EQ(pair.test->size(), 2);
  EXPECT_EQ(pair.test->name, spec + " (test)");
  EXPECT_EQ(pair.test->num_classes, pair.train.num_classes);
  EXPECT_EQ(load_dataset(spec, true).size(), 2);
}

TEST_F(LoadTest, MnistErrors) {
  EXPECT_MESSAGE_HAS(load_error_of("mnist:" + path("nowhere")), "no directory");
  write("train-images-idx3-ubyte", {});
  EXPECT_MESSAGE_HAS(load_error_of("mnist:" + dir_.string()), "no train-labels-idx1-ubyte[.gz]");
  EXPECT_MESSAGE_HAS(load_error_of("mnist:"), "expected mnist:DIR");
}

TEST(Load, FashionMnist) {
  if (!fs::is_directory("/usr/share/datasets/fashion-mnist"))
    GTEST_SKIP() << "Debian package dataset-fashion-mnist is not installed";
  const DataPair pair = load_data("fashion-mnist");
  EXPECT_EQ(pair.train.size(), 60000);
  EXPECT_EQ(pair.train.dim, 784);
  EXPECT_EQ(pair.train.num_classes, 10);
  EXPECT_TRUE(pair.train.is_bytes());
  EXPECT_EQ(pair.train.labels[0], 9);  // the first training image is an ankle boot
  EXPECT_EQ(pair.train.name, "fashion-mnist (train)");
  ASSERT_TRUE(pair.test.has_value());
  EXPECT_EQ(pair.test->size(), 10000);
  EXPECT_EQ(pair.test->dim, 784);
  EXPECT_EQ(pair.test->num_classes, 10);
  EXPECT_EQ(pair.test->name, "fashion-mnist (test)");
  EXPECT_MESSAGE_HAS(load_error_of("fashion-mnist:x"), "takes no arguments");
}

}  // namespace
}  // namespace mlpscope
