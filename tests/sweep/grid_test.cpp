// The grid of a sweep: --vary parsing (lists, the ';' rule, log and lin ranges with exact
// ends), the product with seeds and its order, every error naming the --vary at fault,
// --shard, and the convergence map built from rows.
#include "sweep/grid.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/error.h"
#include "core/strings.h"
#include "support/fixtures.h"
#include "sweep/map.h"
#include "sweep/sweep.h"

namespace {

using namespace mlpscope;
using Values = std::vector<std::string>;
using mlpscope::testing::error_of;

GridSpec spiral_spec() {
  GridSpec spec;
  spec.base = default_run_options();
  spec.base["data"] = "spiral:n=50";
  return spec;
}

TEST(SweepVary, CommasSeparateValues) {
  const Axis a = parse_vary("lr=0.01, 0.1");
  EXPECT_EQ(a.name, "lr");
  EXPECT_EQ(a.values, (Values{"0.01", "0.1"}));
  EXPECT_EQ(parse_vary("--init-scale=2").values, (Values{"2"}));
}

TEST(SweepVary, SemicolonListIsSplitOnSemicolonsAlone) {
  EXPECT_EQ(parse_vary("init=uniform:-1,1;he_normal").values,
            (Values{"uniform:-1,1", "he_normal"}));
  EXPECT_EQ(parse_vary("init=uniform:-1,1;").values, (Values{"uniform:-1,1"}));
  EXPECT_EQ(parse_vary("hidden=16,16;32").values, (Values{"16,16", "32"}));
  // Without ';' the commas split: uniform:-1 and 1, which the grid then rejects.
  EXPECT_EQ(parse_vary("init=uniform:-1,1").values, (Values{"uniform:-1", "1"}));
  GridSpec spec = spiral_spec();
  spec.axes.push_back(parse_vary("init=uniform:-1,1"));
  EXPECT_NE(error_of([&] { expand_grid(spec); }).find("vary: init=uniform:-1"), std::string::npos);
}

TEST(SweepVary, LogRangeHasExactEndsAndEvenRatios) {
  const Axis a = parse_vary("lr=log:1e-4..1e-2:3");
  ASSERT_EQ(a.values.size(), 3u);
  EXPECT_EQ(parse_double(a.values[0], "lo"), 1e-4);
  EXPECT_EQ(parse_double(a.values[2], "hi"), 1e-2);
  EXPECT_EQ(a.values[1], "0.001");                  // no rounding noise from exp/log
  const Axis b = parse_vary("lr=log:0.3..3e-5:5");  // descending works too
  EXPECT_EQ(parse_double(b.values.front(), "lo"), 0.3);
  EXPECT_EQ(parse_double(b.values.back(), "hi"), 3e-5);
}

TEST(SweepVary, LinRangeIsEvenlySpaced) {
  EXPECT_EQ(parse_vary("init-scale=lin:0..1:5").values, (Values{"0", "0.25", "0.5", "0.75", "1"}));
  EXPECT_EQ(parse_vary("init-scale=lin:0.1..0.7:1").values, (Values{"0.1"}));
  // Ranges mix with plain values in one list.
  EXPECT_EQ(parse_vary("lr=lin:1..2:2,5").values, (Values{"1", "2", "5"}));
  const Axis c = parse_vary("init-scale=lin:0.1..0.7:7");
  EXPECT_EQ(parse_double(c.values.back(), "hi"), 0.7);
}

TEST(SweepVary, BadInputNamesTheVary) {
  for (const char* text : {"", "lr", "=1", "lr=", "lr=1,,2", "init=uniform:-1,1;;he_normal"})
    EXPECT_TRUE(error_of([&] { parse_vary(text); }).starts_with("vary: ")) << text;
  EXPECT_NE(error_of([] { parse_vary("speed=1"); }).find("unknown option 'speed'"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_vary("lr=log:1e-3..1e-1:0"); }).find("N >= 1"), std::string::npos);
  EXPECT_NE(error_of([] { parse_vary("lr=lin:0..1:-2"); }).find("N >= 1"), std::string::npos);
  EXPECT_NE(error_of([] { parse_vary("lr=log:1e-3:3"); }).find("LO..HI:N"), std::string::npos);
  EXPECT_NE(error_of([] { parse_vary("lr=log:0..1:3"); }).find("positive"), std::string::npos);
  EXPECT_NE(error_of([] { parse_vary("lr=lin:0..x:3"); }).find("not a number"), std::string::npos);
  EXPECT_NE(error_of([] { parse_vary("seed=1,2"); }).find("--seeds"), std::string::npos);
}

TEST(SweepGrid, IsTheProductWithSeedsInnermost) {
  GridSpec spec = spiral_spec();
  spec.base["seed"] = "5";
  spec.axes = {parse_vary("lr=0.1,0.01"), parse_vary("init=uniform:-1,1;he_normal")};
  spec.seeds = 3;
  const auto points = expand_grid(spec);
  ASSERT_EQ(points.size(), 12u);
  std::set<std::string> keys;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    EXPECT_EQ(p.index, i);
    EXPECT_EQ(p.config.seed, 5 + i % 3);
    EXPECT_EQ(p.choice[1], (i / 3) % 2);
    EXPECT_EQ(p.choice[0], i / 6);
    EXPECT_EQ(p.config.lr, p.choice[0] == 0 ? 0.1 : 0.01);
    EXPECT_EQ(p.config.init.name(), p.choice[1] == 0 ? "uniform:-1,1" : "he_normal");
    EXPECT_EQ(p.config.threads, 1);
    keys.insert(p.key);
  }
  EXPECT_EQ(keys.size(), points.size()) << "run keys must be unique";
}

TEST(SweepGrid, RejectsBadSpecsNamingTheVary) {
  GridSpec spec = spiral_spec();
  spec.axes = {parse_vary("lr=0.1"), parse_vary("lr=0.2")};
  EXPECT_NE(error_of([&] { expand_grid(spec); }).find("vary: lr: given twice"), std::string::npos);
  spec.axes = {parse_vary("lr=0.1,-3")};
  EXPECT_NE(error_of([&] { expand_grid(spec); }).find("vary: lr=-3"), std::string::npos);
  spec.axes = {parse_vary("hidden=8;0")};
  EXPECT_NE(error_of([&] { expand_grid(spec); }).find("vary: hidden=0"), std::string::npos);
  spec.axes = {parse_vary("lr=0.1")};
  spec.seeds = 0;
  EXPECT_NE(error_of([&] { expand_grid(spec); }).find("seeds: "), std::string::npos);
}

TEST(SweepGrid, DefinitionRoundTrips) {
  GridSpec spec = spiral_spec();
  spec.axes = {parse_vary("lr=0.1,0.01"), parse_vary("activation=relu,tanh")};
  spec.seeds = 2;
  const auto back = grid_from_definition(grid_definition(spec));
  EXPECT_EQ(grid_definition(back), grid_definition(spec));
  const auto a = expand_grid(spec), b = expand_grid(back);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].key, b[i].key);
  GridSpec other = spec;
  other.base["epochs"] = "3";
  EXPECT_EQ(describe_grid_change(grid_definition(spec), grid_definition(other)), "--epochs");
}

// The target decides each row's verdict: a sweep judged against another target is another
// sweep. Without one the definition is the one earlier databases hold.
TEST(SweepGrid, DefinitionHoldsTheTarget) {
  const GridSpec spec = spiral_spec();
  WatchConfig judged;
  judged.target.accuracy = 0.9;
  EXPECT_FALSE(grid_definition(spec).contains("watch"));
  EXPECT_EQ(grid_definition(spec, judged).at("watch").at("target-accuracy"), 0.9);
  EXPECT_EQ(describe_grid_change(grid_definition(spec), grid_definition(spec, judged)),
            "--target-accuracy");
  WatchConfig other = judged;
  other.target.accuracy = 0.8;
  other.target.loss = 0.1;
  EXPECT_EQ(describe_grid_change(grid_definition(spec, judged), grid_definition(spec, other)),
            "--target-accuracy, --target-loss");
  EXPECT_EQ(grid_definition(spec, judged), grid_definition(spec, judged));
  // epochs_to_target's --target, which the sweep adds where it is not the default.
  nlohmann::json counted = grid_definition(spec);
  counted["target"] = 0.8;
  EXPECT_EQ(describe_grid_change(grid_definition(spec), counted), "--target");
}

TEST(SweepShard, ParsesKOfN) {
  EXPECT_EQ(parse_shard("2/4").index, 2);
  EXPECT_EQ(parse_shard("2/4").count, 4);
  for (const char* bad : {"3/2", "0/2", "1/0", "2", "a/b", "1/2/3", "-1/2"})
    EXPECT_TRUE(error_of([&] { parse_shard(bad); }).starts_with("shard: ")) << bad;
}

TEST(SweepMap, CountsVerdictsTakesMediansAndDrawsTheBoundary) {
  GridSpec spec = spiral_spec();
  spec.axes = {parse_vary("init=uniform:-1,1;he_normal"), parse_vary("lr=0.1,1"),
               parse_vary("activation=relu,tanh")};
  spec.seeds = 3;
  const auto points = expand_grid(spec);
  std::vector<RunRow> rows;
  for (const auto& p : points) {
    if (p.choice[2] == 1 && p.config.seed == 2) continue;  // a run still missing
    RunRow r;
    r.key = p.key;
    r.verdict =
        p.config.seed == 0 && p.choice[1] == 1 ? VerdictKind::diverged : VerdictKind::converged;
    r.final_loss = 1.0 + static_cast<double>(p.config.seed);
    r.sharpness_init = p.choice[0] == 0 ? 40.0 : 4.0;
    rows.push_back(r);
  }
  const ConvergenceMap map = build_map(spec, points, rows, {});
  EXPECT_EQ(map.row_axis, "init");
  EXPECT_EQ(map.col_axis, "lr");
  EXPECT_EQ(map.facet_axes, (Values{"activation"}));
  ASSERT_EQ(map.facets.size(), 2u);
  EXPECT_EQ(map.facets[0].label, "activation=relu");
  const MapCell& cell = map.facets[0].cells[0][1];  // uniform, lr 1
  EXPECT_EQ(cell.runs, 3);
  EXPECT_EQ(cell.verdicts.at("diverged"), 1);
  EXPECT_EQ(cell.verdicts.at("converged"), 2);
  EXPECT_EQ(*cell.median_final_loss, 2.0);
  EXPECT_EQ(map.facets[1].cells[0][0].runs, 2);
  EXPECT_EQ(map.facets[1].cells[0][0].expected, 3);
  EXPECT_EQ(*map.facets[0].row_boundary[0], 2.0 / 40.0);
  EXPECT_EQ(*map.facets[0].row_boundary[1], 2.0 / 4.0);
  const std::string text = map_to_text(map);
  EXPECT_NE(text.find("2/λmax"), std::string::npos) << text;
  EXPECT_NE(text.find("2/3 conv 2"), std::string::npos) << text;
  EXPECT_NE(map_to_csv(map).find("relu,\"uniform:-1,1\",1,3,3,2,0,0,0,1,2,0.05,\n"),
            std::string::npos)
      << map_to_csv(map);
  // With lr as the rows, the boundary is a row under the table.
  const ConvergenceMap flipped = build_map(spec, points, rows, {"lr", "init"});
  EXPECT_EQ(flipped.facets[0].col_boundary.size(), 2u);
  EXPECT_TRUE(error_of([&] {
                build_map(spec, points, rows, {"lr", "depth"});
              }).starts_with("axes: "));
}

}  // namespace
