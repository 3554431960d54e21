// --data npz:FILE end to end: the mlpscope binary trains on a problem that numpy wrote, and a
// data set that does not fit is exit 2 with one line naming the archive and the array.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/fixtures.h"
#include "support/numpy.h"
#include "support/run_command.h"

namespace {

using mlpscope::testing::CommandResult;
using mlpscope::testing::run_mlpscope;
using Args = std::vector<std::string>;

class NpzCli : public mlpscope::testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    SKIP_WITHOUT_NUMPY();
    // Two Gaussian blobs, 3 apart in each of 4 dimensions: separable by a line, written as a
    // numpy user would (float32 features with samples as rows, int64 labels), in Fortran
    // order and compressed for the test split so that both paths carry a whole run.
    mlpscope::testing::run_numpy(dir_.string(), R"(
rng = np.random.default_rng(7)
def blobs(n):
    y = rng.integers(0, 2, n)
    X = rng.standard_normal((n, 4)) + 3.0 * y[:, None]
    return X.astype(np.float32), y
X, y = blobs(400)
np.savez('train.npz', X=X, y=y)
Xt, yt = blobs(200)
np.savez_compressed('test.npz', features=np.asfortranarray(Xt), labels=np.eye(2)[yt])
)");
  }
};

TEST_F(NpzCli, TrainLearnsASeparableProblemWrittenByNumpy) {
  const CommandResult r =
      run_mlpscope({"train", "--data", "npz:" + path("train.npz"), "--test",
                    "npz:" + path("test.npz") + ",x=features,y=labels", "--hidden", "8", "--epochs",
                    "5", "--lr", "0.1", "--batch", "16", "--seed", "1", "--json"});
  ASSERT_EQ(r.status, 0) << r.command << "\n" << r.err;
  const nlohmann::json summary = nlohmann::json::parse(r.out);
  EXPECT_GE(summary["train_accuracy"].get<double>(), 0.95) << r.out;
  EXPECT_GE(summary["test_accuracy"].get<double>(), 0.95) << r.out;
}

TEST_F(NpzCli, ADataSetThatDoesNotFitIsOneLineAndExit2) {
  const CommandResult r =
      run_mlpscope({"train", "--data", "npz:" + path("train.npz") + ",y=labels"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_MESSAGE_HAS(r.err,
                     "train.npz: no array 'labels' for the labels; the archive holds 'X', 'y'");
}

}  // namespace
