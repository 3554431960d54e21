// An .npz as a data set (data/npz_data.h) and as the data spec npz:FILE[,x=NAME,y=NAME]
// (data/load.h): X and y as numpy users write them, in the forms they come in, and one clear
// line for each way they can fail to be a data set.
#include "data/npz_data.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/error.h"
#include "data/load.h"
#include "support/fixtures.h"
#include "support/numpy.h"

namespace mlpscope {
namespace {

class NpzData : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    SKIP_WITHOUT_NUMPY();
  }
  // Writes d.npz from Python keyword arguments, e.g. "X=np.eye(2), y=np.arange(2)".
  std::string savez(const std::string& arrays, const std::string& name = "d.npz") {
    testing::run_numpy(dir_.string(), "np.savez('" + name + "', " + arrays + ")");
    return path(name);
  }
  std::string error_of(const std::string& arrays, const NpzDataOptions& options = {}) {
    const std::string file = savez(arrays);
    return testing::error_of([&] { (void)load_npz(file, options); });
  }
};

TEST_F(NpzData, SamplesAreTheRowsOfX) {
  const std::string file =
      savez("X=np.array([[1, 2], [3, 4], [5, 6]], dtype=np.float32), y=np.array([0, 2, 1])");
  const Dataset data = load_npz(file);
  EXPECT_EQ(data.name, file);
  EXPECT_EQ(data.dim, 2);
  EXPECT_EQ(data.size(), 3);
  EXPECT_EQ(data.num_classes, 3);
  EXPECT_EQ(data.values, (std::vector<double>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(data.labels, (std::vector<std::int32_t>{0, 2, 1}));
  Matrix<double> X;
  std::vector<std::int32_t> labels(3);
  data.gather_range(0, 3, X, labels.data());
  EXPECT_EQ(X(1, 0), 2);  // (features, N): sample 0 is column 0
  EXPECT_EQ(X(0, 2), 5);
}

TEST_F(NpzData, TheFormsXAndYComeIn) {
  const std::vector<double> six = {1, 2, 3, 4, 5, 6};
  // Fortran order, and float labels with whole values.
  Dataset data =
      load_npz(savez("X=np.asfortranarray([[1., 2, 3], [4, 5, 6]]), y=np.array([1., 0])"));
  EXPECT_EQ(data.values, six);
  EXPECT_EQ(data.labels, (std::vector<std::int32_t>{1, 0}));
  EXPECT_EQ(data.num_classes, 2);
  // Images (n, 1, 3) flattened per sample; labels (n, 1); bool labels.
  data = load_npz(savez("X=np.arange(1, 7).reshape(2, 1, 3), y=np.array([[0], [1]], np.uint8)"));
  EXPECT_EQ(data.dim, 3);
  EXPECT_EQ(data.values, six);
  EXPECT_EQ(data.labels, (std::vector<std::int32_t>{0, 1}));
  data = load_npz(savez("X=np.eye(2), y=np.array([True, False])"));
  EXPECT_EQ(data.labels, (std::vector<std::int32_t>{1, 0}));
  // One-hot targets: their argmax, and as many classes as columns.
  data = load_npz(savez("X=np.eye(3), y=np.eye(4)[[3, 0, 1]]"));
  EXPECT_EQ(data.labels, (std::vector<std::int32_t>{3, 0, 1}));
  EXPECT_EQ(data.num_classes, 4);
  // A single class still gives two, as for CSV.
  EXPECT_EQ(load_npz(savez("X=np.eye(2), y=np.zeros(2, np.int32)")).num_classes, 2);
}

TEST_F(NpzData, OtherNamesThroughTheSpec) {
  const std::string file = savez("features=np.eye(2), labels=np.arange(2), X=np.zeros(1)");
  const std::string spec = "npz:" + file + ", x=features ,y=labels";
  const DataPair pair = load_data(spec);
  EXPECT_EQ(pair.train.name, spec);
  EXPECT_EQ(pair.train.values, (std::vector<double>{1, 0, 0, 1}));
  EXPECT_FALSE(pair.test.has_value());  // an archive has no test split
  EXPECT_EQ(load_dataset(spec, true).size(), 2);
}

TEST_F(NpzData, SpecErrors) {
  const std::string file = savez("X=np.eye(2), y=np.arange(2)");
  const auto error = [](const std::string& spec) {
    return testing::error_of([&] { (void)load_data(spec); });
  };
  EXPECT_MESSAGE_HAS(error("npz:" + file + ",label=y"),
                     "unknown key 'label'; npz takes x=NAME and y=NAME");
  EXPECT_MESSAGE_HAS(error("npz:" + file + ",x="), "x= needs an array name");
  EXPECT_MESSAGE_HAS(error("npz:" + file + ",x=X,x=Y"), "key 'x' is given twice");
  EXPECT_MESSAGE_HAS(error("npz:"), "expected npz:FILE[,x=NAME,y=NAME]");
  EXPECT_MESSAGE_HAS(error("npz:" + path("none.npz")), "none.npz: no such file");
  EXPECT_MESSAGE_HAS(error("nope:1"), "npz:FILE[,x=NAME,y=NAME]");  // in the list of kinds
}

TEST_F(NpzData, MissingArraysAreListed) {
  EXPECT_MESSAGE_HAS(error_of("x=np.eye(2), labels=np.arange(2)"),
                     "d.npz: no array 'X' for the features; the archive holds 'x', 'labels'");
  NpzDataOptions options;
  options.x = "x";
  EXPECT_MESSAGE_HAS(error_of("x=np.eye(2), labels=np.arange(2)", options),
                     "no array 'y' for the labels");
}

TEST_F(NpzData, ShapesThatDoNotFitNameTheArrayAndTheShapeExpected) {
  EXPECT_MESSAGE_HAS(error_of("X=np.eye(3), y=np.arange(2)"),
                     "d.npz: array 'y': shape (2,), expected (3,) labels or a (3, k) one-hot "
                     "matrix, one row per row of X (3, 3)");
  EXPECT_MESSAGE_HAS(error_of("X=np.eye(3), y=np.zeros((3, 2, 1))"), "shape (3, 2, 1)");
  EXPECT_MESSAGE_HAS(error_of("X=np.arange(3.0), y=np.arange(3)"),
                     "d.npz: array 'X': shape (3,), expected (n, d): one sample per row (for a "
                     "single feature, save X.reshape(-1, 1))");
  EXPECT_MESSAGE_HAS(error_of("X=np.zeros((0, 2)), y=np.zeros(0)"), "holds no samples");
  EXPECT_MESSAGE_HAS(error_of("X=np.zeros((2, 0)), y=np.zeros(2)"), "have no features");
}

TEST_F(NpzData, ValuesThatAreNotDataAreNamed) {
  EXPECT_MESSAGE_HAS(error_of("X=np.array([[1, 2], [3, np.nan]]), y=np.arange(2)"),
                     "d.npz: array 'X': sample 1, feature 1 is nan; features must be finite");
  EXPECT_MESSAGE_HAS(error_of("X=np.array([[np.inf, 2]]), y=np.arange(1)"), "feature 0 is inf");
  EXPECT_MESSAGE_HAS(error_of("X=np.eye(2), y=np.array([0, -1])"),
                     "d.npz: array 'y': label -1 at index 1 is negative");
  EXPECT_MESSAGE_HAS(error_of("X=np.eye(2), y=np.array([0, 1.5])"),
                     "label 1.5 at index 1 is not a whole number");
  EXPECT_MESSAGE_HAS(error_of("X=np.eye(2), y=np.array([np.nan, 1])"),
                     "label nan at index 0 is not a whole number");
  EXPECT_MESSAGE_HAS(error_of("X=np.eye(2), y=np.array([0, 2**40])"), "is above");
  EXPECT_MESSAGE_HAS(error_of("X=np.eye(2), y=np.array([[0.2, 0.8], [1, 0]])"),
                     "d.npz: array 'y': shape (2, 2) is not one-hot: row 0");
  EXPECT_MESSAGE_HAS(error_of("X=np.eye(2), y=np.array([[1, 1], [1, 0]])"), "row 0");
  EXPECT_MESSAGE_HAS(error_of("X=np.array([['a', 'b']]), y=np.arange(1)"), "unicode");
}

}  // namespace
}  // namespace mlpscope
