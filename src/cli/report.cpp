// mlpscope report: a self-contained HTML report of a run (its JSON Lines log) or of a sweep
// (its --out directory), and with --png DIR each figure as a PNG. The library builds the
// data and the page (src/report/); this file parses and prints.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/report_output.h"
#include "core/error.h"
#include "data/load.h"
#include "io/model_file.h"
#include "report/browser.h"
#include "report/decision_boundary.h"
#include "report/run_report.h"
#include "report/sweep_report.h"

namespace mlpscope::cli {

namespace {

struct ReportArgs {
  std::string input;
};

// The training data of a saved model's run, for its decision boundary: --data and
// --limit as the model's options recorded them.
Dataset model_training_data(const Model& model, const std::string& model_path) {
  const std::string spec = model.options.value("data", std::string());
  if (spec.empty())
    setting_error("model", model_path + " does not record the data it was trained on");
  Dataset data = load_data(spec).train;
  const auto limit = model.options.value("limit", 0LL);
  if (limit > 0 && limit < data.size()) data.truncate(limit);
  return data;
}

int report_main(CommandOptions& options, const ReportArgs& args) {
  options.apply_config();
  namespace fs = std::filesystem;
  const std::string out = options.get("output");
  if (out.empty()) setting_error("output", "name the HTML file to write, e.g. -o report.html");
  check_writable(out, "output");
  // A browser that is missing fails the command before anything is written.
  if (!options.get("png").empty()) (void)HeadlessBrowser("png");
  std::error_code ec;
  if (!fs::exists(args.input, ec)) throw Error(args.input + ": no such file or directory");

  nlohmann::json data;
  if (fs::is_directory(args.input, ec)) {
    if (!options.get("model").empty())
      setting_error("model", "draws a run's decision boundary; " + args.input + " is a sweep");
    data = sweep_report_data(args.input);
  } else {
    const RunRecords records = read_run_log(args.input);
    std::optional<DecisionGrid> boundary;
    if (!options.get("model").empty()) {
      const Model model = load_model(options.get("model"));
      const Dataset train = model_training_data(model, options.get("model"));
      if (train.dim != 2)
        setting_error("model", "a decision boundary needs two-feature data; " + train.name +
                                   " has " + std::to_string(train.dim) + " features");
      boundary = decision_grid(model, train);
    }
    data = run_report_data(records, boundary, args.input);
  }
  write_report(data, out, "output", options.get("png"));
  return 0;
}

}  // namespace

Action add_report_command(CLI::App& root) {
  CLI::App* command = root.add_subcommand("report",
                                          "Write a self-contained HTML report of a run (its --log "
                                          "file) or a sweep (its --out directory).");
  auto args = std::make_shared<ReportArgs>();
  command
      ->add_option("INPUT", args->input, "a run log (train --log FILE.jsonl) or a sweep directory")
      ->required();
  auto options = std::make_shared<CommandOptions>(*command);
  options->add("output", "", "the HTML file to write (one file: scripts, data and styles inlined)",
               false, "o");
  options->add("png", "", "also write each figure as DIR/NAME.png (needs headless Chromium)");
  options->add("model", "",
               "a saved model of the run (train --save): adds its decision boundary on 2-D data");
  options->add_config_option();
  command->footer(
      "Examples:\n"
      "  mlpscope train --data spiral:n=400 --hidden 32,32 --log run.jsonl --save run.model\n"
      "  mlpscope report run.jsonl --model run.model -o run.html --png figures/\n"
      "  mlpscope report runs/spiral -o sweep.html\n"
      "Figures: docs/report.md.");
  return [options, args] { return report_main(*options, *args); };
}

}  // namespace mlpscope::cli
