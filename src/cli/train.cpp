// mlpscope train: one network, watched while it trains, with a summary at the end.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/options.h"
#include "cli/report_output.h"
#include "cli/terminal.h"
#include "core/error.h"
#include "core/strings.h"
#include "diagnose/thresholds.h"
#include "io/model_file.h"
#include "run/memory.h"
#include "run/run.h"
#include "run/run_log.h"

namespace mlpscope::cli {

namespace {

void print_header(std::FILE* out, const RunConfig& c, const PreparedData& data,
                  const Architecture& arch) {
  std::fprintf(out, "data     %s: %s samples", data.train.name.c_str(),
               format_count(static_cast<double>(data.train.size())).c_str());
  if (data.test)
    std::fprintf(out, "; test %s: %s samples", data.test->name.c_str(),
                 format_count(static_cast<double>(data.test->size())).c_str());
  std::fprintf(out, "\nnetwork  %s, %s hidden, %s output, %s loss, init %s (x%g)\n",
               arch.describe().c_str(), c.activation.name().c_str(), to_string(c.output).c_str(),
               to_string(c.loss).c_str(), c.init.name().c_str(), c.init_scale);
  std::fprintf(out, "training %s, lr %g, batch %s, %d epochs, seed %llu, %s, %d thread%s\n",
               c.optimizer.name().c_str(), c.lr,
               c.batch == 0 ? "full" : std::to_string(c.batch).c_str(), c.epochs,
               static_cast<unsigned long long>(c.seed), c.f64 ? "f64" : "f32", c.threads,
               c.threads == 1 ? "" : "s");
}

void print_final(std::FILE* out, const TrainSummary& s, long long samples) {
  std::fprintf(out, "final    loss %.6g (initial %.6g, best %.6g), train accuracy %s", s.final_loss,
               s.initial_loss, s.best_loss, format_percent(s.train_accuracy).c_str());
  if (s.test_accuracy)
    std::fprintf(out, ", test accuracy %s", format_percent(*s.test_accuracy).c_str());
  std::fprintf(out, "\n         %d epochs in %.2fs of training", s.epochs, s.seconds);
  if (s.seconds > 0)
    std::fprintf(out, " (%s samples/s)",
                 format_count(static_cast<double>(samples) * s.epochs / s.seconds).c_str());
  std::fprintf(out, "\n");
  if (s.diverged_at_step && s.diverged_at_layer)
    std::fprintf(out, "diverged the loss became NaN or infinite at step %lld%s; training stopped\n",
                 *s.diverged_at_step,
                 *s.diverged_at_layer > 0
                     ? (", starting in layer " + std::to_string(*s.diverged_at_layer)).c_str()
                     : "");
  else if (s.diverged_at_step)
    std::fprintf(
        out, "diverged the loss passed the bound of the verdicts at step %lld; training stopped\n",
        *s.diverged_at_step);
}

std::string cell_number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", v);
  return buffer;
}

// The probes, summarized: each layer at initialization and after the last epoch.
void print_layers(std::FILE* out, const TrainSummary& s) {
  const EpochRecord& first = s.history.front();
  const EpochRecord& last = s.history.back();
  if (first.layers.empty() || last.layers.size() != first.layers.size()) return;
  auto percent = [](const std::optional<double>& v) {
    return v ? format_percent(*v).substr(0, format_percent(*v).size() - 4) + "%" : std::string("-");
  };
  std::fprintf(out,
               "layers   (init -> end)  preact std        dead    saturated   grad norm            "
               "update\n");
  for (std::size_t l = 0; l < last.layers.size(); ++l) {
    const LayerStats& a = first.layers[l];
    const LayerStats& b = last.layers[l];
    std::fprintf(out, "  %-5s  %9.3g -> %-9.3g  %4s -> %-4s  %4s -> %-4s  %9.3g -> %-9.3g  %s\n",
                 l + 1 == last.layers.size() ? "out" : std::to_string(l + 1).c_str(), a.preact_std,
                 b.preact_std, percent(a.dead_fraction).c_str(), percent(b.dead_fraction).c_str(),
                 percent(a.saturated_fraction).c_str(), percent(b.saturated_fraction).c_str(),
                 a.grad_norm, b.grad_norm,
                 b.update_ratio ? cell_number(*b.update_ratio).c_str() : "-");
  }
  if (first.output && last.output)
    std::fprintf(
        out, "  output top probability %.3f -> %.3f, logit gradient %.3g -> %.3g%s\n",
        first.output->mean_top_probability, last.output->mean_top_probability,
        first.output->logit_gradient, last.output->logit_gradient,
        first.sharpness ? (", sharpness at init " + cell_number(*first.sharpness)).c_str() : "");
}

void print_verdict(std::FILE* out, const Verdict& v) {
  std::fprintf(out, "verdict  %s%s%s\n", std::string(name(v.verdict)).c_str(),
               v.cause == Cause::none ? "" : ": ", std::string(name(v.cause)).c_str());
  std::fprintf(out, "%s\n", wrap(v.explanation, 9).c_str());
  for (const auto& s : v.suggestions) std::fprintf(out, "  try    %s\n", s.c_str());
  for (const auto& c : v.checks) std::fprintf(out, "  check  %s\n", c.c_str());
}

// After Ctrl-C: where the run stopped and where what it had was written.
void report_interruption(const TrainSummary& s, const std::string& log, const std::string& save) {
  std::string where;
  if (!log.empty()) where += "the log and summary are in " + log;
  if (!save.empty()) where += (where.empty() ? "the model is in " : ", the model in ") + save;
  if (where.empty()) where = "nothing was saved (no --log or --save)";
  std::fprintf(stderr, "mlpscope: interrupted after %d epoch%s (step %lld): %s\n", s.epochs,
               s.epochs == 1 ? "" : "s", s.history.empty() ? 0LL : s.history.back().step,
               where.c_str());
}

int train_main(CommandOptions& options) {
  options.apply_config();
  const RunConfig config = parse_run_config(options.run_values());
  const bool json = options.flag("json"), quiet = options.flag("quiet");
  std::FILE* out = json ? stderr : stdout;

  const PreparedData data = prepare_data(config);
  const Architecture arch = make_architecture(config, data.train);
  const WatchConfig watch = parse_watch_config(options.values_of(watch_options(true)), true);
  // Every check that can fail comes before the first line is printed: a run too large for
  // memory, --init-from weights that do not fit, then a log file that cannot be written.
  check_run_memory(config, arch, data, watch);
  if (!config.init_from.empty()) (void)initial_network<double>(config, arch);
  if (!options.get("save").empty()) check_writable(options.get("save"), "save");
  if (!options.get("report").empty()) check_writable(options.get("report"), "report");
  std::unique_ptr<RunLog> log;
  if (!options.get("log").empty()) log = std::make_unique<RunLog>(options.get("log"));
  if (!quiet) print_header(out, config, data, arch);

  TerminalObserver terminal(out, config.epochs, data.train.size(), quiet);

  // From here Ctrl-C stops at the next step and still writes the log, summary and model.
  // The terminal hears of each record first, then the log.
  TrainingRun training(config, data, {&terminal, log.get()}, watch, stop_on_interrupt());
  training.run();
  const RunResult result = training.result();
  const nlohmann::json summary = summary_to_json(result.summary, result.verdict, config.to_json());
  if (log) log->write(summary);
  if (!options.get("save").empty()) save_model(result.model, options.get("save"));
  if (!quiet) {
    print_final(out, result.summary, data.train.size());
    print_layers(out, result.summary);
    print_verdict(out, result.verdict);
    if (!options.get("save").empty())
      std::fprintf(out, "saved    %s\n", options.get("save").c_str());
  }
  if (!options.get("report").empty())
    write_run_report(result, data.train, summary, options.get("report"), quiet ? nullptr : out);
  if (json) std::printf("%s\n", summary.dump(2).c_str());
  if (result.summary.interrupted) {
    report_interruption(result.summary, options.get("log"), options.get("save"));
    return kInterruptedStatus;
  }
  return 0;
}

}  // namespace

Action add_train_command(CLI::App& root) {
  CLI::App* command = root.add_subcommand(
      "train", "Train one network and report loss and accuracy per epoch and at the end.");
  auto options = std::make_shared<CommandOptions>(*command);
  options->add_run_options();
  options->add("log", "", "write the run log as JSON Lines to FILE");
  options->add("save", "", "save the trained model to FILE (versioned, checksummed)");
  options->add("report", "",
               "write an HTML report of the run to FILE, with the decision boundary on 2-D data");
  options->add("json", "false", "print the final summary as one JSON object on stdout", true);
  options->add("quiet", "false", "print nothing but errors (and --json)", true);
  options->add_table(watch_options(/*periodic=*/true));
  options->add_config_option();
  command->footer(
      "Examples:\n"
      "  mlpscope train --epochs 5\n"
      "  mlpscope train --data spiral:n=400 --hidden 32,32 --optimizer adam --lr 0.01\n"
      "  mlpscope train --loss mse --init uniform:-1,1 --lr 0.01 --log run.jsonl\n\n" +
      describe_thresholds());
  return [options] { return train_main(*options); };
}

}  // namespace mlpscope::cli
