// mlpscope toy: gradient descent on f(x) = x^2, x^4 or |x|^p in one dimension: the
// iterates, a verdict, and with --scan the basin boundary found numerically beside the
// closed form. The maths is in src/toy/gd1d.h; this file parses and prints.
#include <cmath>
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/report_output.h"
#include "core/error.h"
#include "report/browser.h"
#include "report/toy_report.h"
#include "toy/gd1d.h"
#include "toy/toy_run.h"

namespace mlpscope::cli {

namespace {

// All iterates when there are at most kShowAll, else the first 10 and the last 5.
constexpr std::size_t kShowAll = 15, kShowFirst = 10, kShowLast = 5;

void print_iterates(const std::vector<double>& xs) {
  std::printf("\n%8s  %s\n", "step", "x_k");
  for (std::size_t k = 0; k < xs.size(); ++k) {
    if (xs.size() > kShowAll && k == kShowFirst) {
      std::printf("%8s\n", "...");
      k = xs.size() - kShowLast;
    }
    std::printf("%8zu  %.10g\n", k, xs[k]);
  }
  std::printf("\n");
}

void print_scan(const ScanSettings& scan, const std::optional<double>& found,
                const ClosedForm& cf) {
  if (found)
    std::printf("boundary %.15g, found by bisection over x0 > 0 (%d steps per run)\n", *found,
                scan.steps);
  else
    std::printf(
        "boundary none found: the outcome is the same at every x0 = 2^k, |k| <= %d (%d steps per "
        "run)\n",
        scan.doublings, scan.steps);
  if (cf.boundary) {
    std::printf("formula  %.15g = %s", *cf.boundary, cf.formula.c_str());
    if (found)
      std::printf(", relative difference %.2g", std::abs(*found - *cf.boundary) / *cf.boundary);
    std::printf("\n");
  } else {
    std::printf("formula  none: %s\n", cf.note.c_str());
  }
}

int toy_main(CommandOptions& options) {
  options.apply_config();
  const ToySettings s = parse_toy_settings(options.values_of(toy_options()));
  const ToyRun toy = run_toy(s, options.flag("scan"));
  const std::string report = options.get("report");
  if (!report.empty()) check_writable(report, "report");
  const std::string png = options.get("png");
  if (!png.empty() && report.empty())
    setting_error("png", "needs --report FILE: the figures are drawn from the report's page");
  // A browser that is missing fails the command before anything is written.
  if (!png.empty()) (void)HeadlessBrowser("png");

  if (options.flag("json")) {
    std::printf("%s\n", toy_to_json(toy).dump(2).c_str());
    if (!report.empty())
      write_report(toy_report_data(s.f, s.lr, s.x0), report, "report", png, stderr);
    return 0;
  }
  std::printf("f(x) = %s, lr = %g, x0 = %.10g, %d steps\nupdate   %s\n", s.f.name().c_str(), s.lr,
              s.x0, s.steps, s.f.update_rule().c_str());
  print_iterates(toy.iterates);
  std::printf("verdict  %s: %s\nwhy      %s\n", std::string(name(toy.verdict)).c_str(),
              describe(toy.verdict, toy.iterates).c_str(), toy.explanation.c_str());
  if (toy.scanned) print_scan(ScanSettings{}, toy.boundary, toy.closed_form);
  if (!report.empty()) write_report(toy_report_data(s.f, s.lr, s.x0), report, "report", png);
  return 0;
}

}  // namespace

Action add_toy_command(CLI::App& root) {
  CLI::App* command = root.add_subcommand("toy",
                                          "Gradient descent on x^2, x^4 or |x|^p in one dimension: "
                                          "why the start decides whether it converges.");
  auto options = std::make_shared<CommandOptions>(*command);
  options->add_table(toy_options());
  options->add("scan", "false",
               "also find the basin boundary in x0 by bisection and show it beside the closed form",
               true);
  options->add("json", "false",
               "print f, lr, x0, iterates, verdict (and boundary, closed_form) as one JSON object",
               true);
  options->add("report", "",
               "write an HTML report to FILE: the cobweb plot of the iterates from starts on "
               "either side of the boundary");
  options->add("png", "",
               "with --report, also write each figure as DIR/NAME.png (needs headless Chromium)");
  options->add_config_option();
  return [options] { return toy_main(*options); };
}

}  // namespace mlpscope::cli
