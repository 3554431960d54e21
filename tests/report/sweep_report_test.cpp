// The data of a sweep's report, from the database of a real sweep run by the binary.
#include "report/sweep_report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/error.h"
#include "support/run_command.h"

namespace {

namespace fs = std::filesystem;
using mlpscope::testing::run_command;

// 2 learning rates × 2 inits, one seed, 5 epochs of a 2-8-2 relu network on 100 spiral points.
const fs::path& sweep_dir() {
  static const fs::path dir = [] {
    const fs::path d =
        fs::temp_directory_path() / ("mlpscope_sweep_report_" + std::to_string(::getpid()));
    fs::remove_all(d);
    const auto r = run_command({MLPSCOPE_BINARY, "sweep", "--data", "spiral:n=100", "--hidden", "8",
                                "--epochs", "5", "--vary", "lr=0.01,2", "--vary",
                                "init=uniform:-1,1;he_normal", "--jobs", "2", "--out", d.string()});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("report   " + (d / "report.html").string()), std::string::npos) << r.out;
    return d;
  }();
  return dir;
}

TEST(SweepReport, TheSweepWritesItsReport) {
  EXPECT_GT(fs::file_size(sweep_dir() / "report.html"), 1'000'000u);  // ECharts inlined
}

TEST(SweepReport, MapCurvesAndTable) {
  const auto d = mlpscope::sweep_report_data(sweep_dir().string());
  EXPECT_EQ(d["kind"], "sweep");
  EXPECT_EQ(d["row_axis"], "lr");
  EXPECT_EQ(d["col_axis"], "init");
  EXPECT_EQ(d["row_values"], nlohmann::json({"0.01", "2"}));
  ASSERT_EQ(d["facets"].size(), 1u);
  const auto& facet = d["facets"][0];
  int runs = 0;
  for (const auto& row : facet["cells"])
    for (const auto& cell : row) {
      EXPECT_EQ(cell["expected"], 1);
      runs += cell["runs"].get<int>();
    }
  EXPECT_EQ(runs, 4);
  // Rows are lr: the boundary 2/λmax is one value per init (column), measured at initialization.
  ASSERT_EQ(facet["col_boundary"].size(), 2u);
  for (const auto& b : facet["col_boundary"]) EXPECT_GT(b.get<double>(), 0.0);
  int counted = 0;
  for (const auto& [verdict, n] : d["counts"].items()) counted += n.get<int>();
  EXPECT_EQ(counted, 4);
  // Every verdict present has at least one curve, each with epoch 0 and 5 epochs of losses.
  EXPECT_FALSE(d["curves"].empty());
  for (const auto& c : d["curves"]) {
    EXPECT_EQ(c["losses"].size(), 6u) << c["label"];
    EXPECT_TRUE(d["counts"].contains(c["verdict"].get<std::string>()));
  }
  EXPECT_EQ(d["table"]["rows"].size(), 4u);
  EXPECT_EQ(d["table"]["columns"][0], "lr");
  EXPECT_EQ(d["table"]["columns"][2], "seed");
}

TEST(SweepReport, RepresentativeRunsAreLowestMedianHighest) {
  std::vector<mlpscope::RunRow> rows(6);
  const double losses[] = {0.5, 0.1, 0.9, 0.3, 0.7, 0.2};
  for (int i = 0; i < 6; ++i) {
    rows[static_cast<std::size_t>(i)].final_loss = losses[i];
    rows[static_cast<std::size_t>(i)].verdict =
        i == 5 ? mlpscope::VerdictKind::diverged : mlpscope::VerdictKind::converged;
  }
  // converged: losses 0.1 (1), 0.3 (3), 0.5 (0), 0.7 (4), 0.9 (2): lowest, median, highest.
  EXPECT_EQ(mlpscope::representative_runs(rows, mlpscope::VerdictKind::converged),
            (std::vector<std::size_t>{1, 0, 2}));
  EXPECT_EQ(mlpscope::representative_runs(rows, mlpscope::VerdictKind::diverged),
            (std::vector<std::size_t>{5}));
  EXPECT_TRUE(mlpscope::representative_runs(rows, mlpscope::VerdictKind::stalled).empty());
}

TEST(SweepReport, ADirectoryWithoutResultsIsAnError) {
  const fs::path empty =
      fs::temp_directory_path() / ("mlpscope_sweep_report_empty_" + std::to_string(::getpid()));
  fs::create_directories(empty);
  EXPECT_THROW((void)mlpscope::sweep_report_data(empty.string()), mlpscope::Error);
}

}  // namespace
