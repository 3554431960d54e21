// The parse layer beyond the run options: what a run watches (run/watch_config.h) and
// diagnose's settings (run/diagnosis.h). The command line, the Python module and the server
// all offer these tables and call these parses; a bad value names the setting.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/error.h"
#include "run/diagnosis.h"
#include "run/watch_config.h"

namespace mlpscope {
namespace {

// The setting a parse refuses, or "" when it accepts.
template <class Parse>
std::string refused_setting(Parse parse) {
  try {
    parse();
  } catch (const SettingError& e) {
    EXPECT_EQ(std::string(e.what()), e.setting() + ": " + e.detail());
    return e.setting();
  }
  return "";
}

TEST(WatchConfig, DefaultsOfTheTableAreTheStructsDefaults) {
  for (const bool periodic : {true, false}) {
    const WatchConfig parsed = parse_watch_config({}, periodic);
    const WatchConfig plain;
    EXPECT_EQ(parsed.probe_samples, plain.probe_samples);
    EXPECT_EQ(parsed.sharpness_every, plain.sharpness_every);
    EXPECT_EQ(parsed.every, plain.every);
    EXPECT_FALSE(parsed.target.stated());
  }
  std::set<std::string> train_names, sweep_names;
  for (const auto& o : watch_options(true)) train_names.insert(o.name);
  for (const auto& o : watch_options(false)) sweep_names.insert(o.name);
  EXPECT_EQ(train_names, (std::set<std::string>{"probe-samples", "sharpness-every",
                                                "target-accuracy", "target-loss", "every"}));
  EXPECT_EQ(sweep_names, (std::set<std::string>{"probe-samples", "sharpness-every",
                                                "target-accuracy", "target-loss"}));
}

// A target is an accuracy in (0, 1] or a positive finite loss; anything else is refused
// naming the setting.
TEST(WatchConfig, TargetsAreCheckedAndRead) {
  const WatchConfig w =
      parse_watch_config({{"target-accuracy", "0.85"}, {"target-loss", "0.3"}}, false);
  EXPECT_EQ(w.target.accuracy, 0.85);
  EXPECT_EQ(w.target.loss, 0.3);
  EXPECT_EQ(parse_watch_config({{"target-accuracy", "1"}}, true).target.accuracy, 1.0);
  for (const char* bad : {"0", "1.01", "-0.5", "ninety", "nan"})
    EXPECT_EQ(refused_setting([&] {
                parse_watch_config({{"target-accuracy", bad}}, true);
              }),
              "target-accuracy")
        << bad;
  for (const char* bad : {"0", "-1", "inf", "nan", "low"})
    EXPECT_EQ(refused_setting([&] {
                parse_watch_config({{"target-loss", bad}}, true);
              }),
              "target-loss")
        << bad;
}

TEST(WatchConfig, ParsesValuesAndRefusesBadOnesNamingTheSetting) {
  const WatchConfig w =
      parse_watch_config({{"probe-samples", "0"}, {"sharpness-every", "3"}, {"every", "50"}}, true);
  EXPECT_EQ(w.probe_samples, 0);
  EXPECT_EQ(w.sharpness_every, 3);
  EXPECT_EQ(w.every, 50);
  EXPECT_EQ(parse_watch_config({{"sharpness-every", "never"}}, false).sharpness_every, -1);
  EXPECT_EQ(refused_setting([] {
              parse_watch_config({{"probe-samples", "-1"}}, true);
            }),
            "probe-samples");
  EXPECT_EQ(refused_setting([] {
              parse_watch_config({{"probe-samples", "many"}}, true);
            }),
            "probe-samples");
  EXPECT_EQ(refused_setting([] {
              parse_watch_config({{"sharpness-every", "often"}}, true);
            }),
            "sharpness-every");
  // A sweep measures λmax at initialization only.
  EXPECT_EQ(refused_setting([] {
              parse_watch_config({{"sharpness-every", "2"}}, false);
            }),
            "sharpness-every");
  EXPECT_EQ(refused_setting([] { parse_watch_config({{"every", "-5"}}, true); }), "every");
}

TEST(DiagnoseConfig, ParsesValuesAndRefusesBadOnesNamingTheSetting) {
  const DiagnoseConfig defaults = parse_diagnose_config({});
  EXPECT_EQ(defaults.probe_samples, 1000);
  EXPECT_FALSE(defaults.homogeneity);
  const DiagnoseConfig d = parse_diagnose_config(
      {{"probe-samples", "200"}, {"homogeneity", "true"}, {"scales", "0.5,2,5"}});
  EXPECT_EQ(d.probe_samples, 200);
  EXPECT_TRUE(d.homogeneity);
  EXPECT_EQ(d.scale_low, 0.5);
  EXPECT_EQ(d.scale_high, 2.0);
  EXPECT_EQ(d.scale_points, 5);
  EXPECT_EQ(refused_setting([] {
              parse_diagnose_config({{"probe-samples", "0"}});
            }),
            "probe-samples");
  EXPECT_EQ(refused_setting([] {
              parse_diagnose_config({{"homogeneity", "maybe"}});
            }),
            "homogeneity");
  for (const char* scales : {"1,2", "2,1,5", "0,1,5", "0.5,2,1", "0.5,2,x"})
    EXPECT_EQ(refused_setting([&] {
                parse_diagnose_config({{"homogeneity", "true"}, {"scales", scales}});
              }),
              "scales")
        << scales;
  // Scales are read only when the scan is on.
  EXPECT_EQ(refused_setting([] { parse_diagnose_config({{"scales", "1,2"}}); }), "");
}

}  // namespace
}  // namespace mlpscope
