// mlpscope lr-find: Smith's learning-rate range test (run/lr_range_test.h) beside the
// prediction before training, λ0 and 2/λ0.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <string>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/report_output.h"
#include "core/error.h"
#include "report/browser.h"
#include "report/lr_find_report.h"
#include "run/lr_range_json.h"
#include "run/lr_range_test.h"

namespace mlpscope::cli {

namespace {

constexpr std::size_t kTableRows = 20;  // rows of the printed curve, marked ones added
constexpr int kBarWidth = 32;

// The rows to print: every k-th step, the first and the last, and the marked ones.
std::set<std::size_t> rows_to_print(const LrRangeResult& r, const std::set<std::size_t>& marked) {
  std::set<std::size_t> rows(marked);
  const std::size_t n = r.points.size(), every = std::max<std::size_t>(1, n / kTableRows);
  for (std::size_t i = 0; i < n; i += every) rows.insert(i);
  if (n > 0) rows.insert(n - 1);
  return rows;
}

// A bar as long as the smoothed loss is above the curve's minimum, up to the stop bound.
std::string bar(double smoothed, double low, double high) {
  if (!std::isfinite(smoothed)) return std::string(kBarWidth, '#') + " (not finite)";
  const double t = high > low ? std::clamp((smoothed - low) / (high - low), 0.0, 1.0) : 0.0;
  return std::string(1 + static_cast<std::size_t>(std::lround(t * (kBarWidth - 1))), '#');
}

void print_curve(const LrRangeResult& r, int steep, int low) {
  std::set<std::size_t> marked;
  if (steep >= 0) marked.insert(static_cast<std::size_t>(steep));
  if (low >= 0) marked.insert(static_cast<std::size_t>(low));
  const double floor = low >= 0 ? r.points[static_cast<std::size_t>(low)].smoothed : 0.0;
  double ceiling = floor;
  for (const auto& p : r.points)
    if (std::isfinite(p.smoothed)) ceiling = std::max(ceiling, p.smoothed);
  ceiling = std::min(ceiling, r.config.stop_factor * floor);
  std::printf("\n  step         lr        loss    smoothed  smoothed loss, from its minimum up\n");
  for (std::size_t i : rows_to_print(r, marked)) {
    const LrRangePoint& p = r.points[i];
    std::string note;
    if (static_cast<int>(i) == steep) note += "  <- steepest descent";
    if (static_cast<int>(i) == low) note += "  <- minimum";
    if (i + 1 == r.points.size() && r.stopped_early) note += "  <- stopped";
    std::printf("%6d  %9.3g  %10.4g  %10.4g  %s%s\n", p.step, p.lr, p.loss, p.smoothed,
                bar(p.smoothed, floor, ceiling).c_str(), note.c_str());
  }
}

void print_prediction(const LrRangeResult& r, const RunConfig& config) {
  std::printf(
      "before    λ0 %.4g at initialization on %lld samples (%d Hessian-vector products%s)\n",
      r.sharpness.lambda_max, static_cast<long long>(r.probe_samples), r.sharpness.iterations,
      r.sharpness.converged ? "" : ", not converged");
  if (r.max_stable_lr)
    std::printf("          gradient descent is stable for lr < %s = %.4g%s\n",
                config.optimizer.momentum() > 0 ? "2(1+μ)/λ0" : "2/λ0", *r.max_stable_lr,
                r.adaptive ? " (for plain gradient descent: this optimizer is adaptive)" : "");
  else
    std::printf("          λ0 <= 0: no direction of positive curvature, no bound from it\n");
}

// Where lr falls: below the stable bound, between it and the measured divergence point, or
// above that.
void print_regime(const LrRangeResult& r, const char* label, double lr) {
  std::string where;
  if (r.max_stable_lr) {
    char ratio[64];
    std::snprintf(ratio, sizeof ratio, "%.3g x the stable bound", lr / *r.max_stable_lr);
    where = ratio;
  }
  switch (r.regime_of(lr)) {
    case LrRegime::stable:
      where += ", below it: stable";
      break;
    case LrRegime::catapult:
      where += ", between it and the divergence point: catapult (a spike, then recovery)";
      break;
    case LrRegime::divergent:
      where += ", past the divergence point: divergent";
      break;
    case LrRegime::unknown:
      where += r.max_stable_lr ? ", above it; no divergence point found up to --lr-max"
                               : "no bound from λ0";
      break;
  }
  std::printf("%-9s lr %.3g is %s\n", label, lr, where.c_str());
}

void print_result(const LrRangeResult& r, const std::string& data_name, const RunConfig& config,
                  const std::optional<double>& user_lr) {
  std::printf("lr-find   %s: %d steps from lr %g to %g, geometric; batch %s, %s\n",
              data_name.c_str(), r.config.steps, r.config.lr_min, r.config.lr_max,
              config.batch == 0 ? "full" : std::to_string(config.batch).c_str(),
              config.optimizer.name().c_str());
  print_curve(r, r.steepest_lr ? steepest_descent_index(r.points, slope_window(r.config)) : -1,
              minimum_index(r.points));
  std::printf("\n");
  if (r.stopped_early)
    std::printf("stopped   at step %d, lr %.3g: the smoothed loss passed %g x its minimum%s\n",
                r.points.back().step, *r.diverged_lr, r.config.stop_factor,
                std::isfinite(r.points.back().smoothed) ? "" : " (it overflowed)");
  else
    std::printf("ran       every step: the loss never passed %g x its minimum up to lr %g\n",
                r.config.stop_factor, r.config.lr_max);
  if (r.steepest_lr)
    std::printf("suggested lr %.3g (steepest descent of the smoothed loss); minimum / 10: %.3g\n",
                *r.steepest_lr, *r.min_loss_lr / 10);
  else if (r.descent < kMinDescent)
    std::printf(
        "suggested none: the smoothed loss fell %.1f%% at most (under %g%%), no learning rate "
        "in the range moves it (see mlpscope diagnose)\n",
        100 * r.descent, 100 * kMinDescent);
  else
    std::printf(
        "suggested none: the smoothed loss reached its minimum at step %d, too early for a slope "
        "over +-%d steps; minimum / 10: %.3g\n",
        minimum_index(r.points) + 1, slope_window(r.config), *r.min_loss_lr / 10);
  print_prediction(r, config);
  if (r.steepest_lr) print_regime(r, "regime", *r.steepest_lr);
  if (user_lr) print_regime(r, "yours", *user_lr);
}

void write_csv(const LrRangeResult& r, const std::string& path) {
  std::ofstream out(path);
  out.precision(17);
  out << "step,lr,loss,smoothed\n";
  for (const LrRangePoint& p : r.points)
    out << p.step << ',' << p.lr << ',' << p.loss << ',' << p.smoothed << '\n';
  if (!out) throw Error("cannot write " + path);
}

int lr_find_main(CommandOptions& options) {
  options.apply_config();
  RunConfig config = parse_run_config(options.run_values());
  config.test = "none";  // the test measures the training loss alone
  const LrRangeConfig lc = parse_lr_range_config(options.values_of(lr_range_options()));
  const std::string& out = options.get("out");
  if (!out.empty()) check_writable(out, "out");
  const std::string& report = options.get("report");
  if (!report.empty()) check_writable(report, "report");
  const std::string& png = options.get("png");
  if (!png.empty() && report.empty())
    setting_error("png", "needs --report FILE: the figures are drawn from the report's page");
  // A browser that is missing fails the command before anything is run.
  if (!png.empty()) (void)HeadlessBrowser("png");
  const PreparedData data = prepare_data(config);
  const LrRangeResult r = lr_range_test(config, data, lc);
  if (!out.empty()) write_csv(r, out);
  const bool json = options.flag("json");
  if (json)
    std::printf("%s\n", lr_range_to_json(r).dump(2).c_str());
  else
    print_result(r, data.train.name, config,
                 options.given("lr") ? std::optional<double>(config.lr) : std::nullopt);
  if (!report.empty())
    write_report(lr_find_report_data(r, data.train.name, config.batch, config.optimizer.name()),
                 report, "report", png, json ? stderr : stdout);
  return 0;
}

}  // namespace

Action add_lr_find_command(CLI::App& root) {
  CLI::App* command = root.add_subcommand(
      "lr-find",
      "Smith's learning-rate range test: train from the initial network with the learning "
      "rate growing geometrically from --lr-min to --lr-max, record the smoothed loss, stop "
      "when it blows up, and suggest the lr of its steepest descent, beside the prediction "
      "before training (the sharpness λ0 and the stable bound 2/λ0). --test, --lr and --epochs "
      "are not used, except that a given --lr is placed in its regime.");
  auto options = std::make_shared<CommandOptions>(*command);
  options->add_run_options();
  options->add_table(lr_range_options());
  options->add("json", "false", "print the curve and the suggestion as one JSON object", true);
  options->add("out", "", "also write the curve to this CSV file (step,lr,loss,smoothed)");
  options->add("report", "",
               "also write an HTML report to FILE: the curve against log lr with the suggestion, "
               "2/λ0 and the point where the loss blew up marked");
  options->add("png", "",
               "with --report, also write each figure as DIR/NAME.png (needs headless Chromium)");
  options->add_config_option();
  command->footer(
      "Example (the story's network; docs/lr-find.md):\n"
      "  mlpscope lr-find --data fashion-mnist --limit 3000 --hidden 128,64 --loss mse "
      "--init uniform:-1,1");
  return [options] { return lr_find_main(*options); };
}

}  // namespace mlpscope::cli
