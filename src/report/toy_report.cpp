#include "report/toy_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "core/strings.h"

namespace mlpscope {

namespace {

std::optional<double> boundary_of(const PowerFunction& f, double lr) {
  if (const auto b = closed_form_boundary(f, lr)) return b;
  return scan_boundary(f, lr);
}

}  // namespace

std::vector<double> toy_report_starts(const PowerFunction& f, double lr, double x0) {
  std::vector<double> starts;
  if (const auto b = boundary_of(f, lr)) {
    starts = {0.5 * *b, -0.9 * *b, *b, 1.03 * *b, -1.06 * *b};
  } else {
    const double s = x0 == 0.0 ? 1.0 : x0;
    starts = {s, -0.5 * s, 2.0 * s};
  }
  const bool listed = std::any_of(starts.begin(), starts.end(), [&](double s) {
    return std::abs(s - x0) <= 1e-9 * std::max(1.0, std::abs(x0));
  });
  if (!listed) starts.push_back(x0);
  return starts;
}

nlohmann::json toy_report_data(const PowerFunction& f, double lr, double x0, int steps) {
  const auto boundary = boundary_of(f, lr);
  const ClosedForm cf = closed_form(f, lr);
  const std::vector<double> starts = toy_report_starts(f, lr, x0);
  double scale = boundary ? *boundary : 0.0;
  for (const double s : starts) scale = std::max(scale, boundary ? 0.0 : std::abs(s));
  if (scale == 0.0) scale = 1.0;
  const double range = 1.6 * scale;

  // The map g(x) = x − lr·f'(x), sampled densely enough for a smooth curve.
  constexpr int kSamples = 401;
  std::vector<double> mx, my;
  for (int i = 0; i < kSamples; ++i) {
    const double x = -range + 2.0 * range * i / (kSamples - 1);
    mx.push_back(x);
    my.push_back(x - lr * f.derivative(x));
  }

  nlohmann::json runs = nlohmann::json::array();
  for (const double s : starts) {
    const std::vector<double> xs = iterate(f, lr, s, steps);
    std::vector<double> drawn, magnitudes;
    // |x_k| until it passes 1e4× the range: beyond, a log axis would flatten every other start.
    for (const double x : xs) {
      if (!std::isfinite(x)) break;
      magnitudes.push_back(std::abs(x));
      if (std::abs(x) > 1e4 * range) break;
    }
    for (const double x : xs) {
      if (!std::isfinite(x) || std::abs(x) > 10.0 * range) break;
      drawn.push_back(x);
    }
    char label[64];
    std::snprintf(label, sizeof label, "x0 = %.4g", s);
    runs.push_back({{"x0", s},
                    {"label", label},
                    {"verdict", name(classify(xs))},
                    {"iterates", drawn},
                    {"magnitudes", magnitudes}});
  }
  std::string note = explain(f, lr, x0);
  if (boundary)
    note += " Basin boundary |x0| = " + significant(*boundary, 4) +
            (cf.boundary ? " (" + cf.formula + ")" : " (found numerically)") + ".";
  return {{"kind", "toy"},
          {"title", "Gradient descent on " + f.name() + " in one dimension"},
          {"subtitle",
           "lr = " + significant(lr, 4) + ", " + std::to_string(steps) + " steps per start"},
          {"f", f.name()},
          {"lr", lr},
          {"update_rule", f.update_rule()},
          {"boundary", boundary ? nlohmann::json(*boundary) : nlohmann::json(nullptr)},
          {"boundary_formula", cf.formula},
          {"note", note},
          {"range", range},
          {"map", {{"x", mx}, {"y", my}}},
          {"runs", runs}};
}

}  // namespace mlpscope
