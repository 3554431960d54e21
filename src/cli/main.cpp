// mlpscope: train multilayer perceptrons from scratch and see why they converge or not.
// The command line is thin: parse, call the library, print. Any error is one line on
// stderr and exit status 2.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "core/error.h"
#include "sweep/mpi_runner.h"

namespace {

using namespace mlpscope::cli;
using Commands = std::vector<std::pair<CLI::App*, Action>>;

// A refusal by the command-line parser (an unknown option, a missing value): one line.
int refuse_command_line(const CLI::ParseError& e, int argc, char** argv, const Commands& commands) {
  // Under mpirun every rank parses the same command line and fails alike: rank 0 says so
  // once (before MPI_Init the rank is known from the environment only). The others exit
  // with status 0, as after any refusal by rank 0 (sweep/mpi_runner.cpp): a non-zero
  // status would make mpirun abort the job, which can kill rank 0 before its line is out.
  if (mlpscope::mpi::rank_from_environment() != 0) return 0;
  // CLI11 checks "a subcommand is required" before it looks at stray words, so an unknown
  // command would otherwise be reported without its name.
  if (argc > 1 && argv[1][0] != '-' &&
      std::none_of(commands.begin(), commands.end(),
                   [&](const auto& c) { return c.first->check_name(argv[1]); })) {
    std::string names;
    for (const auto& c : commands) names += (names.empty() ? "" : ", ") + c.first->get_name();
    std::fprintf(stderr, "mlpscope: unknown command '%s' (commands: %s; see 'mlpscope --help')\n",
                 argv[1], names.c_str());
    return 2;
  }
  std::fprintf(stderr, "mlpscope: %s (see 'mlpscope --help')\n", e.what());
  return 2;
}

// Runs the command that was parsed; any error is one line and a status (2: refused).
int run_parsed(const Commands& commands) {
  try {
    for (auto& [command, action] : commands)
      if (command->parsed()) return action();
  } catch (const mlpscope::SettingError& e) {
    // The library names the setting; on the command line it is an option, --NAME.
    std::fprintf(stderr, "mlpscope: option --%s: %s\n", e.setting().c_str(), e.detail().c_str());
    return 2;
  } catch (const mlpscope::Error& e) {
    std::fprintf(stderr, "mlpscope: %s\n", e.what());
    return 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "mlpscope: out of memory (try a smaller --hidden, --batch or --limit)\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mlpscope: internal error: %s\n", e.what());
    return 3;
  }
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "mlpscope: train multilayer perceptrons from scratch and see why they converge "
      "or fail to.\nRun 'mlpscope COMMAND --help' for a command's options.",
      "mlpscope"};
  app.set_version_flag("--version", "mlpscope 0.1.0");
  app.require_subcommand(1);
  Commands commands;
  for (auto adder : {add_train_command, add_diagnose_command, add_lr_find_command,
                     add_check_command, add_eval_command, add_export_command, add_toy_command,
                     add_sweep_command, add_report_command, add_serve_command}) {
    Action action = adder(app);
    commands.emplace_back(app.get_subcommands({}).back(), std::move(action));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return refuse_command_line(e, argc, argv, commands);
  }
  return run_parsed(commands);
}
