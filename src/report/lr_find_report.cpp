#include "report/lr_find_report.h"

#include <algorithm>
#include <cmath>

#include "core/strings.h"

namespace mlpscope {

namespace {

// A loss that overflowed is drawn as a gap (null), not as a point off the chart.
nlohmann::json finite_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

nlohmann::json mark(const std::string& name, double lr, const std::string& role) {
  return {{"name", name}, {"lr", lr}, {"role", role}};
}

// The text above the chart: the suggestion, where it falls against 2/λ0 and the point
// where the loss blew up, as lr-find prints them.
std::string note_of(const LrRangeResult& r) {
  std::string note;
  if (r.steepest_lr)
    note = "Suggested lr " + significant(*r.steepest_lr, 3) +
           ", where the smoothed loss falls fastest against log lr (" +
           std::string(name(r.suggested_regime())) + ").";
  else if (r.descent < kMinDescent)
    note = "No suggestion: the smoothed loss fell " + significant(100 * r.descent, 3) +
           "% at most, no learning rate in the range moves it.";
  else
    note = "No suggestion: the smoothed loss reached its minimum too early for a slope.";
  if (r.max_stable_lr)
    note += " Before training, λ0 = " + significant(r.sharpness.lambda_max, 3) +
            ": gradient descent is stable below " + significant(*r.max_stable_lr, 3) +
            (r.adaptive ? " (for plain gradient descent: this optimizer is adaptive)." : ".");
  else
    note += " λ0 ≤ 0 at initialization: no stable bound from it.";
  if (r.stopped_early && r.diverged_lr)
    note += " The loss blew up at lr " + significant(*r.diverged_lr, 3) + " (past " +
            significant(r.config.stop_factor, 3) + "× its minimum) and the test stopped there.";
  return note;
}

}  // namespace

nlohmann::json lr_find_report_data(const LrRangeResult& r, const std::string& data_name,
                                   Index batch, const std::string& optimizer) {
  nlohmann::json lr = nlohmann::json::array(), loss = nlohmann::json::array(),
                 smoothed = nlohmann::json::array();
  for (const LrRangePoint& p : r.points) {
    lr.push_back(p.lr);
    loss.push_back(finite_or_null(p.loss));
    smoothed.push_back(finite_or_null(p.smoothed));
  }
  nlohmann::json marks = nlohmann::json::array();
  if (r.max_stable_lr) marks.push_back(mark("2/λ0", *r.max_stable_lr, "bound"));
  if (r.steepest_lr) marks.push_back(mark("suggested", *r.steepest_lr, "suggestion"));
  if (r.min_loss_lr) marks.push_back(mark("minimum", *r.min_loss_lr, "minimum"));
  if (r.stopped_early && r.diverged_lr)
    marks.push_back(mark("blew up", *r.diverged_lr, "diverged"));
  // The loss axis up to where the test stops (stop_factor × the smoothed minimum), or the
  // curve's top if lower: the blow-up itself would flatten everything before it.
  double floor = INFINITY, top = 0.0;
  for (const LrRangePoint& p : r.points)
    if (std::isfinite(p.smoothed)) floor = std::min(floor, p.smoothed);
  for (const LrRangePoint& p : r.points)
    if (std::isfinite(p.smoothed))
      top = std::max(top, std::min(p.smoothed, r.config.stop_factor * floor));
  const std::string run = std::to_string(r.points.size()) + " steps from lr " +
                          significant(r.config.lr_min, 3) + " to " +
                          significant(r.config.lr_max, 3) + ", geometric; batch " +
                          (batch == 0 ? "full" : std::to_string(batch)) + ", " + optimizer;
  return {{"kind", "lr_find"},
          {"title", "Learning-rate range test on " + data_name},
          {"subtitle", run},
          {"note", note_of(r)},
          {"lr", lr},
          {"loss", loss},
          {"smoothed", smoothed},
          {"marks", marks},
          {"loss_max", std::isfinite(floor) ? nlohmann::json(1.1 * top) : nlohmann::json(nullptr)}};
}

}  // namespace mlpscope
