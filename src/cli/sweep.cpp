// mlpscope sweep: vary options over a grid, run every point on every core, store each run,
// and print the convergence map. Also --merge DIR… to join sharded sweeps.
#include "sweep/sweep.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/options.h"
#include "cli/report_output.h"
#include "core/error.h"
#include "core/strings.h"
#include "report/sweep_report.h"
#include "sweep/mpi_runner.h"
#include "sweep/sweep_settings.h"

namespace mlpscope::cli {

namespace {

struct SweepArgs {
  std::vector<std::string> vary, merge;
};

// "12/48 runs, 1 failed, 3.2 runs/s, 11s left", redrawn in place on a terminal.
void show_progress(const SweepProgress& p) {
  const std::size_t finished = p.done + p.failed;
  const double rate = p.seconds > 0 ? static_cast<double>(finished) / p.seconds : 0.0;
  const double left = rate > 0 ? static_cast<double>(p.total - finished) / rate : 0.0;
  std::fprintf(stderr, "\r\033[K%zu/%zu runs, %zu failed, %.1f runs/s, %.0fs left", finished,
               p.total, p.failed, rate, left);
  if (finished == p.total) std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

void print_outcome(const SweepOutcome& o, const std::string& out) {
  const SweepProgress& p = o.progress;
  const double rate = p.seconds > 0 ? static_cast<double>(p.done + p.failed) / p.seconds : 0.0;
  std::printf(
      "sweep    %zu runs in the grid, %zu in this shard: %zu done now, %zu failed, %zu finished "
      "before; %.2fs, %.1f runs/s\n",
      o.grid_size, o.in_shard, p.done, p.failed, o.skipped, p.seconds, rate);
  std::printf("results  %s/results.sqlite, %s/results.csv, %s/map.csv\n\n", out.c_str(),
              out.c_str(), out.c_str());
  std::printf("%s", map_to_text(o.map).c_str());
  for (const auto& f : p.failures) std::fprintf(stderr, "mlpscope: %s\n", f.c_str());
}

// DIR/report.html: the map coloured by verdict, representative loss curves, every run.
void write_sweep_report(const std::string& dir, const std::vector<std::string>& axes) {
  write_report(sweep_report_data(dir, axes), (std::filesystem::path(dir) / "report.html").string(),
               "out");
}

int sweep_main(CommandOptions& options, const SweepArgs& args) {
  options.apply_config();
  const std::vector<std::string> axes = parse_axes(options.get("axes"));
  // Under mpirun a sweep's ranks share the work; a merge is rank 0's alone.
  const bool under_mpi = mpi::launched_by_mpirun();
  if (!args.merge.empty()) {
    if (!args.vary.empty()) setting_error("merge", "joins finished sweeps: it takes no --vary");
    if (mpi::rank_from_environment() != 0) return 0;
    const SweepOutcome o =
        merge_sweeps(args.merge, options.get("out"), options.flag("force"), axes);
    std::printf("merged   %zu directories into %s: %zu of %zu runs\n\n", args.merge.size(),
                options.get("out").c_str(), o.skipped, o.grid_size);
    std::printf("%s", map_to_text(o.map).c_str());
    write_sweep_report(options.get("out"), axes);
    return 0;
  }
  OptionValues values = options.run_values();
  values.merge(options.values_of(sweep_options()));
  SweepOptions sweep = parse_sweep_options({values, args.vary, options.given("seeds"), under_mpi});
  // Ctrl-C: no new run starts, runs in flight are dropped, the finished ones are stored.
  sweep.runner.stop = stop_on_interrupt();
  const bool terminal = ::isatty(STDERR_FILENO);
  auto drawn = std::chrono::steady_clock::time_point{};
  const auto show = [&](const SweepProgress& p) {
    // Redrawn at most 10 times a second: small runs finish hundreds a second.
    const auto now = std::chrono::steady_clock::now();
    const bool last = p.done + p.failed == p.total;
    if (!terminal || (!last && now - drawn < std::chrono::milliseconds(100))) return;
    drawn = now;
    show_progress(p);
  };
  std::optional<mpi::Session> session;  // MPI_Init only when mpirun started this process
  if (under_mpi) session.emplace();
  const std::optional<SweepOutcome> outcome =
      session ? mpi::run_sweep(*session, sweep, show) : run_sweep(sweep, show);
  if (!outcome) return 0;  // another rank than 0: rank 0 reports
  const SweepOutcome& o = *outcome;
  print_outcome(o, sweep.out);
  write_sweep_report(sweep.out, axes);
  if (o.progress.stopped) {
    const std::size_t left = o.in_shard - o.skipped - o.progress.done - o.progress.failed;
    std::fprintf(stderr,
                 "%smlpscope: interrupted: %zu runs stored in %s/results.sqlite, %zu left; "
                 "run the same command again to resume\n",
                 terminal ? "\r\033[K" : "", o.skipped + o.progress.done, sweep.out.c_str(), left);
    return kInterruptedStatus;
  }
  return o.progress.failed > 0 ? 1 : 0;
}

}  // namespace

Action add_sweep_command(CLI::App& root) {
  CLI::App* command = root.add_subcommand(
      "sweep",
      "Run a grid of trainings on every core, store each run, and print the convergence map.");
  auto options = std::make_shared<CommandOptions>(*command);
  auto args = std::make_shared<SweepArgs>();
  options->add_run_options();
  command->add_option("--vary", args->vary,
                      "NAME=V1,V2,… (any option above; log:LO..HI:N, lin:LO..HI:N ranges; a list "
                      "holding ';' is split on ';' alone); repeat for more axes");
  options->add_table(sweep_options());
  command->add_option("--merge", args->merge,
                      "join the results of these sweep directories into --out");
  options->add_config_option();
  command->footer(
      "Examples:\n"
      "  mlpscope sweep --data spiral:n=200 --hidden 16 --epochs 20 --vary lr=0.001,0.1 \\\n"
      "      --vary 'init=uniform:-1,1;he_normal' --seeds 2 --out runs/spiral\n"
      "  mlpscope sweep --limit 2000 --loss mse --vary lr=log:1e-4..1e-2:3 --vary "
      "activation=relu,sigmoid \\\n"
      "      --out runs/fmnist --shard 1/4\n"
      "  mlpscope sweep --merge runs/a runs/b --out runs/all\n"
      "  mpirun -np 8 mlpscope sweep --data spiral:n=400 --hidden 32,32 --vary lr=log:1e-3..1:8 "
      "\\\n"
      "      --seeds 16 --out runs/mpi   (rank 0 owns the database; every rank runs)\n");
  return [options, args] {
    // Under mpirun every rank parses the same command line and meets the same bad input:
    // rank 0 alone says so, with status 2; the others end in silence with status 0, since a
    // non-zero status would make mpirun abort the job, which can kill rank 0 before its line
    // is out (as after a refusal by rank 0 alone, sweep/mpi_runner.cpp).
    if (mpi::rank_from_environment() == 0) return sweep_main(*options, *args);
    try {
      return sweep_main(*options, *args);
    } catch (const Error&) {
      return 0;
    }
  };
}

}  // namespace mlpscope::cli
