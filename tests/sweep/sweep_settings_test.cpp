// A sweep's settings parsed by the library (sweep/sweep_settings.h), as the command line and
// the Python module hand them over: the grid from the run options and the vary texts, the
// sweep's own settings, and a SettingError naming the setting for each bad value.
#include "sweep/sweep_settings.h"

#include <gtest/gtest.h>

#include <string>

#include "core/error.h"

namespace mlpscope {
namespace {

std::string refused_setting(const SweepRequest& request) {
  try {
    (void)parse_sweep_options(request);
  } catch (const SettingError& e) {
    return e.setting();
  }
  return "";
}

TEST(SweepSettings, BuildsTheGridAndTheRunnerFromValues) {
  const SweepOptions s = parse_sweep_options({{{"data", "spiral:n=50"},
                                               {"seeds", "3"},
                                               {"jobs", "2"},
                                               {"out", "runs/x"},
                                               {"shard", "2/4"},
                                               {"force", "true"},
                                               {"axes", "lr, init"},
                                               {"target", "0.8"},
                                               {"probe-samples", "0"}},
                                              {"lr=0.1,0.01", "init=he_normal;uniform:-1,1"},
                                              true,
                                              false});
  EXPECT_EQ(s.grid.base.at("data"), "spiral:n=50");
  EXPECT_EQ(s.grid.base.at("lr"), "0.01") << "the run options not given keep their defaults";
  ASSERT_EQ(s.grid.axes.size(), 2u);
  EXPECT_EQ(s.grid.axes[1].values, (std::vector<std::string>{"he_normal", "uniform:-1,1"}));
  EXPECT_EQ(s.grid.seeds, 3);
  EXPECT_EQ(s.out, "runs/x");
  EXPECT_EQ(s.shard.index, 2);
  EXPECT_EQ(s.shard.count, 4);
  EXPECT_TRUE(s.force);
  EXPECT_EQ(s.axes, (std::vector<std::string>{"lr", "init"}));
  EXPECT_EQ(s.runner.jobs, 2);
  EXPECT_EQ(s.runner.target, 0.8);
  EXPECT_EQ(s.runner.watch.probe_samples, 0);
  // Every setting of the table is one the parse reads: none is left to a front end.
  for (const auto& o : sweep_options()) EXPECT_NE(std::string(o.name), "vary");
}

TEST(SweepSettings, RefusesBadValuesNamingTheSetting) {
  EXPECT_EQ(refused_setting({{}, {}, false, false}), "vary") << "nothing to sweep over";
  EXPECT_EQ(refused_setting({{}, {}, true, false}), "") << "seeds alone are a sweep";
  EXPECT_EQ(refused_setting({{{"threads", "2"}}, {"lr=0.1"}, false, false}), "threads");
  EXPECT_EQ(refused_setting({{{"seeds", "0"}}, {"lr=0.1"}, false, false}), "seeds");
  EXPECT_EQ(refused_setting({{{"jobs", "0"}}, {"lr=0.1"}, false, false}), "jobs");
  EXPECT_EQ(refused_setting({{{"jobs", "0"}}, {"lr=0.1"}, false, true}), "")
      << "under MPI rank 0 may only coordinate";
  EXPECT_EQ(refused_setting({{{"target", "1.5"}}, {"lr=0.1"}, false, false}), "target");
  EXPECT_EQ(refused_setting({{{"force", "yes"}}, {"lr=0.1"}, false, false}), "force");
  EXPECT_EQ(refused_setting({{{"shard", "3/2"}}, {"lr=0.1"}, false, false}), "shard");
  EXPECT_EQ(refused_setting({{}, {"lr"}, false, false}), "vary");
  EXPECT_EQ(refused_setting({{{"sharpness-every", "2"}}, {"lr=0.1"}, false, false}),
            "sharpness-every");
}

}  // namespace
}  // namespace mlpscope
