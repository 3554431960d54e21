// Each kind of report (run, sweep, toy, lr-find), written by the built binary, opened in headless
// Chromium: it loads without script errors, every figure drew (elements counted from the
// DOM that report.js leaves), and a screenshot lands in the build directory
// (report-screenshots/). Then `report --png` end to end, and its error without a browser.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "report/browser.h"
#include "report/png.h"
#include "support/read_text.h"
#include "support/run_command.h"

namespace {

namespace fs = std::filesystem;
using mlpscope::testing::run_command;

fs::path work_dir() {
  static const fs::path dir = [] {
    const fs::path d =
        fs::temp_directory_path() / ("mlpscope_browser_test_" + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

fs::path screenshot_dir() {
  const fs::path d = fs::path(MLPSCOPE_BINARY).parent_path() / "report-screenshots";
  fs::create_directories(d);
  return d;
}

// Width and height from a PNG's IHDR chunk; {0, 0} when the file is not a PNG.
std::pair<int, int> png_size(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char h[24] = {};
  in.read(reinterpret_cast<char*>(h), sizeof h);
  static const unsigned char magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (!in || !std::equal(magic, magic + 8, h)) return {0, 0};
  auto be = [&](int at) {
    return (h[at] << 24) | (h[at + 1] << 16) | (h[at + 2] << 8) | h[at + 3];
  };
  return {be(16), be(20)};
}

class Browser : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!mlpscope::find_chromium())
      GTEST_SKIP() << "chromium is not installed (scripts/setup.sh installs it)";
  }

  // Opens the page, checks it drew without errors, saves a screenshot, returns the counts.
  std::map<std::string, int> open(const fs::path& page, const std::string& name) {
    const mlpscope::HeadlessBrowser browser("test", 120);
    const std::string dom = browser.dump_dom(page.string());
    EXPECT_NE(dom.find("data-report-status=\"ok\""), std::string::npos)
        << name << ": " << dom.substr(0, 400);
    // The attribute, not its name: the inlined report.js names it in its own source.
    EXPECT_EQ(dom.find("data-report-errors=\""), std::string::npos) << name;
    const auto state = mlpscope::page_state_from_dom(dom);
    EXPECT_EQ(state.status, "ok");
    EXPECT_TRUE(state.errors.empty()) << state.errors.front();
    const fs::path shot = screenshot_dir() / (name + ".png");
    browser.screenshot(page.string(), "", shot.string(), 1280, 1800);
    EXPECT_EQ(png_size(shot), std::make_pair(2560, 3600));
    EXPECT_GT(fs::file_size(shot), 50'000u);  // a blank page compresses to a few KB
    return state.figures;
  }
};

TEST_F(Browser, RunReportDrawsEveryFigure) {
  const fs::path page = work_dir() / "run.html";
  const auto r = run_command({MLPSCOPE_BINARY, "train", "--data", "moons:n=200", "--hidden", "8,8",
                              "--epochs", "6", "--optimizer", "adam", "--lr", "0.02",
                              "--sharpness-every", "2", "--report", page.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("report   " + page.string()), std::string::npos);
  const auto figures = open(page, "run-report");
  for (const char* name : {"loss", "accuracy", "preact-std", "dead", "grad-norm", "weight-norm",
                           "update-ratio", "sharpness", "decision-boundary"})
    EXPECT_TRUE(figures.contains(name)) << name;
  EXPECT_FALSE(figures.contains("saturated"));  // relu: no saturated fraction to draw
  for (const auto& [name, count] : figures) EXPECT_GT(count, 10) << name;
  // 100×100 cells of the boundary grid, then the points.
  EXPECT_GT(figures.at("decision-boundary"), 100 * 100);
}

TEST_F(Browser, SweepReportDrawsTheMapAndCurves) {
  const fs::path dir = work_dir() / "sweep";
  const auto r = run_command({MLPSCOPE_BINARY, "sweep", "--data", "xor:n=100", "--hidden", "8",
                              "--epochs", "4", "--vary", "lr=0.01,0.1,3", "--vary",
                              "activation=relu,tanh", "--jobs", "2", "--out", dir.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto figures = open(dir / "report.html", "sweep-report");
  ASSERT_TRUE(figures.contains("map"));
  ASSERT_TRUE(figures.contains("curves"));
  EXPECT_GE(figures.at("map"), 2 * 6);  // a rect and a label per cell at least
  EXPECT_GT(figures.at("curves"), 3);
}

TEST_F(Browser, ToyReportDrawsTheCobweb) {
  const fs::path page = work_dir() / "toy.html";
  const auto r = run_command({MLPSCOPE_BINARY, "toy", "--f", "x^4", "--lr", "0.01", "--x0", "8",
                              "--report", page.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto figures = open(page, "toy-report");
  ASSERT_TRUE(figures.contains("cobweb"));
  ASSERT_TRUE(figures.contains("iterates"));
  EXPECT_GT(figures.at("cobweb"), 8);
}

TEST_F(Browser, LrFindReportDrawsTheCurveAndItsMarks) {
  // Up to lr 100 the loss blows up (at about 69): all four marks, 2/λ0 to the blow-up.
  const fs::path page = work_dir() / "lr-find.html";
  const fs::path png = work_dir() / "lr-find-figures";
  const auto r =
      run_command({MLPSCOPE_BINARY, "lr-find", "--data", "spiral:n=400", "--hidden", "32,32",
                   "--lr-max", "100", "--report", page.string(), "--png", png.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("report   " + page.string()), std::string::npos) << r.out;
  const auto figures = open(page, "lr-find-report");
  ASSERT_TRUE(figures.contains("lr-curve"));
  EXPECT_GT(figures.at("lr-curve"), 20);  // two curves, four marks, axes and labels
  EXPECT_EQ(png_size(png / "lr-curve.png"), std::make_pair(1800, 960));
}

TEST_F(Browser, PngFiguresFromARunLog) {
  const fs::path log = work_dir() / "png-run.jsonl", model = work_dir() / "png-run.model";
  const auto train = run_command({MLPSCOPE_BINARY, "train", "--data", "circles:n=200", "--hidden",
                                  "6", "--epochs", "3", "--quiet", "--probe-samples", "0", "--log",
                                  log.string(), "--save", model.string()});
  ASSERT_EQ(train.status, 0) << train.err;
  const fs::path pngs = work_dir() / "figures";
  const auto r =
      run_command({MLPSCOPE_BINARY, "report", log.string(), "--model", model.string(), "-o",
                   (work_dir() / "png-run.html").string(), "--png", pngs.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  // Probes off: the curves and the boundary only.
  for (const char* name : {"loss", "accuracy", "decision-boundary"}) {
    const fs::path png = pngs / (std::string(name) + ".png");
    ASSERT_TRUE(fs::exists(png)) << png;
    const auto [w, h] = png_size(png);
    EXPECT_EQ(w, name == std::string("decision-boundary") ? 1520 : 1800) << name;
    EXPECT_GT(h, 900) << name;
    EXPECT_GT(fs::file_size(png), 20'000u) << name;
    EXPECT_NE(r.out.find("figure   " + png.string()), std::string::npos) << r.out;
  }
  EXPECT_FALSE(fs::exists(pngs / "grad-norm.png"));
  for (const auto& entry : fs::directory_iterator(pngs))
    EXPECT_EQ(entry.path().extension(), ".png");
}

TEST_F(Browser, PngFiguresFromTheToy) {
  const fs::path pngs = work_dir() / "toy-figures";
  const auto r =
      run_command({MLPSCOPE_BINARY, "toy", "--f", "x^4", "--lr", "0.01", "--x0", "8", "--report",
                   (work_dir() / "toy-png.html").string(), "--png", pngs.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* name : {"cobweb", "iterates"}) {
    const fs::path png = pngs / (std::string(name) + ".png");
    ASSERT_TRUE(fs::exists(png)) << png << "\n" << r.out;
    EXPECT_GT(png_size(png).first, 1000) << name;
    EXPECT_GT(fs::file_size(png), 20'000u) << name;
  }
}

TEST(ReportCommand, PngWithoutABrowserIsOneClearError) {
  const fs::path dir = work_dir() / "no-browser";
  fs::create_directories(dir);
  const fs::path log = dir / "run.jsonl";
  std::ofstream(log) << "{\"epoch\": 0, \"loss\": 0.7, \"accuracy\": 0.5}\n";
  const auto r = run_command({"/usr/bin/env", "MLPSCOPE_CHROMIUM=/nonexistent/chromium",
                              MLPSCOPE_BINARY, "report", log.string(), "-o",
                              (dir / "r.html").string(), "--png", (dir / "png").string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("option --png: needs headless Chromium, which is not installed"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  EXPECT_FALSE(fs::exists(dir / "r.html"));
  EXPECT_FALSE(fs::exists(dir / "png"));
}

// lr-find's --png and --report are checked before the test runs: one line, exit 2, no file.
TEST(ReportCommand, LrFindReportOptionsAreCheckedFirst) {
  const fs::path dir = work_dir() / "lr-find-bad";
  fs::create_directories(dir);
  auto r = run_command(
      {MLPSCOPE_BINARY, "lr-find", "--data", "xor:n=40", "--png", (dir / "png").string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--png: needs --report FILE"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  r = run_command({MLPSCOPE_BINARY, "lr-find", "--data", "xor:n=40", "--report",
                   (dir / "missing-dir" / "r.html").string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--report"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_FALSE(fs::exists(dir / "png"));
}

TEST(ReportCommand, BadInputIsExitTwo) {
  const fs::path dir = work_dir() / "bad";
  fs::create_directories(dir);
  auto report = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {MLPSCOPE_BINARY, "report"});
    return run_command(args);
  };
  auto r = report({(dir / "missing.jsonl").string(), "-o", (dir / "x.html").string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no such file or directory"), std::string::npos) << r.err;
  std::ofstream(dir / "bad.jsonl") << "{\"epoch\": 0, \"loss\": 1, \"accuracy\": 0}\ngarbage\n";
  r = report({(dir / "bad.jsonl").string(), "-o", (dir / "x.html").string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("line 2"), std::string::npos) << r.err;
  r = report({(dir / "bad.jsonl").string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("option --output"), std::string::npos) << r.err;
  r = report({(dir / "bad.jsonl").string(), "-o", "/nonexistent/dir/x.html"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  r = report({dir.string(), "-o", (dir / "x.html").string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no results.sqlite"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "x.html"));
}

}  // namespace
