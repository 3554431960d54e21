// mlpscope diagnose: the network at initialization, before any training: theory against
// measurement per layer, curvature and the largest stable learning rate, and a prediction.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/diagnosis_text.h"
#include "cli/options.h"
#include "cli/terminal.h"
#include "core/error.h"
#include "core/strings.h"
#include "diagnose/thresholds.h"
#include "run/diagnosis.h"
#include "run/diagnosis_json.h"
#include "run/run_log.h"

namespace mlpscope::cli {

namespace {

int diagnose_main(CommandOptions& options) {
  options.apply_config();
  const RunConfig config = parse_run_config(options.run_values());
  const DiagnoseConfig dc = parse_diagnose_config(options.values_of(diagnose_options()));
  const PreparedData data = prepare_data(config);
  const Diagnosis d = diagnose(config, data, dc);
  if (options.flag("json"))
    std::printf("%s\n", diagnosis_to_json(d).dump(2).c_str());
  else
    print_diagnosis(d, data.train.name, std::min(dc.probe_samples, data.train.size()));
  return 0;
}

}  // namespace

Action add_diagnose_command(CLI::App& root) {
  CLI::App* command = root.add_subcommand(
      "diagnose",
      "The network at initialization, before any training: predicted and measured "
      "scale per layer, dead and saturated units, gradients, sharpness and the "
      "largest stable learning rate, and a predicted verdict.");
  auto options = std::make_shared<CommandOptions>(*command);
  options->add_run_options();
  options->add_table(diagnose_options());
  options->add("json", "false", "print the diagnosis as one JSON object", true);
  options->add_config_option();
  command->footer(
      "Example (the case this tool exists for):\n"
      "  mlpscope diagnose --loss mse --init uniform:-1,1 --lr 0.01 --limit 10000\n\n" +
      describe_thresholds());
  return [options] { return diagnose_main(*options); };
}

}  // namespace mlpscope::cli
