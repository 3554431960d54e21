// A RunRow survives its trip through JSON (the MPI ranks' wire format) bit for bit,
// including the values JSON has no number for.
#include "sweep/row_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/random.h"

namespace {

using mlpscope::Cause;
using mlpscope::RunRow;
using mlpscope::VerdictKind;

RunRow sample_row() {
  RunRow r;
  r.key = R"({"lr":0.1,"seed":3})";
  r.grid_index = 41;
  r.options = {{"lr", 0.1}, {"seed", 3}, {"hidden", {16, 16}}};
  r.verdict = VerdictKind::diverged;
  r.cause = Cause::lr_too_high;
  r.initial_loss = 0.1 + 0.2;  // 0.30000000000000004: needs all 17 digits
  r.final_loss = NAN;
  r.best_loss = std::numeric_limits<double>::denorm_min();
  r.train_accuracy = 1.0 / 3.0;
  r.test_accuracy = std::nullopt;
  r.epochs_to_target = std::nullopt;
  r.seconds = 0.125;
  r.sharpness_init = INFINITY;
  r.summary = R"({"verdict": "diverged", "final_loss": null})";
  return r;
}

void expect_same_bits(const std::optional<double>& a, const std::optional<double>& b) {
  ASSERT_EQ(a.has_value(), b.has_value());
  if (!a) return;
  if (std::isnan(*a)) {
    EXPECT_TRUE(std::isnan(*b));
    return;
  }
  EXPECT_EQ(std::signbit(*a), std::signbit(*b));
  EXPECT_EQ(*a, *b);
}

TEST(RowJson, RoundTripIsExact) {
  const RunRow a = sample_row();
  const RunRow b = mlpscope::row_from_json(nlohmann::json::parse(mlpscope::row_to_json(a).dump()));
  EXPECT_EQ(b.key, a.key);
  EXPECT_EQ(b.grid_index, a.grid_index);
  EXPECT_EQ(b.options, a.options);
  EXPECT_EQ(b.verdict, a.verdict);
  EXPECT_EQ(b.cause, a.cause);
  expect_same_bits(b.initial_loss, a.initial_loss);
  expect_same_bits(b.final_loss, a.final_loss);
  expect_same_bits(b.best_loss, a.best_loss);
  expect_same_bits(b.train_accuracy, a.train_accuracy);
  expect_same_bits(b.test_accuracy, a.test_accuracy);
  EXPECT_EQ(b.epochs_to_target, a.epochs_to_target);
  EXPECT_EQ(b.seconds, a.seconds);
  expect_same_bits(b.sharpness_init, a.sharpness_init);
  EXPECT_EQ(b.summary, a.summary);
}

TEST(RowJson, RandomDoublesRoundTrip) {
  mlpscope::Rng rng(7);
  for (int i = 0; i < 2000; ++i) {
    RunRow r = sample_row();
    r.final_loss = std::ldexp(rng.uniform(-1.0, 1.0), static_cast<int>(rng.uniform(-300.0, 300.0)));
    r.epochs_to_target = i;
    const RunRow back =
        mlpscope::row_from_json(nlohmann::json::parse(mlpscope::row_to_json(r).dump()));
    expect_same_bits(back.final_loss, r.final_loss);
    EXPECT_EQ(back.epochs_to_target, r.epochs_to_target);
  }
}

TEST(RowJson, MalformedRowIsAnError) {
  nlohmann::json j = mlpscope::row_to_json(sample_row());
  j["final_loss"] = "lots";
  EXPECT_THROW(mlpscope::row_from_json(j), mlpscope::Error);
  j.erase("verdict");
  EXPECT_THROW(mlpscope::row_from_json(j), mlpscope::Error);
}

}  // namespace
