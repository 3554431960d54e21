// One file per command. Each add_*_command registers its options on the root app and
// returns what to run when that command is chosen: the exit status.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace mlpscope::cli {

using Action = std::function<int()>;

Action add_train_command(CLI::App& root);
Action add_diagnose_command(CLI::App& root);
Action add_lr_find_command(CLI::App& root);
Action add_check_command(CLI::App& root);
Action add_eval_command(CLI::App& root);
Action add_export_command(CLI::App& root);
Action add_toy_command(CLI::App& root);
Action add_sweep_command(CLI::App& root);
Action add_report_command(CLI::App& root);
Action add_serve_command(CLI::App& root);

}  // namespace mlpscope::cli
