// mlpscope export: a saved model's weights as JSON, in PyTorch's nn.Linear layout.
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "core/error.h"
#include "io/model_file.h"
#include "io/weights_json.h"

namespace mlpscope::cli {

namespace {

int export_main(CommandOptions& options) {
  options.apply_config();
  const std::string& output = options.get("output");
  if (options.get("model").empty()) setting_error("model", "required");
  if (output.empty()) throw Error("option -o/--output: required");
  const Model model = load_model(options.get("model"));
  if (output == "-") {
    std::printf("%s\n", weights_to_json(model).dump().c_str());
  } else {
    save_weights_json(model, output);
    std::fprintf(stderr, "wrote %s (%s, %zu parameters)\n", output.c_str(),
                 model.arch.describe().c_str(), model.params.size());
  }
  return 0;
}

}  // namespace

Action add_export_command(CLI::App& root) {
  CLI::App* command = root.add_subcommand(
      "export", "Write a saved model's weights as JSON (format mlpscope-weights, version 1).");
  auto options = std::make_shared<CommandOptions>(*command);
  options->add("model", "", "the model file written by 'mlpscope train --save'");
  options->add("output", "", "the JSON file to write, or - for stdout", false, "o");
  options->add_config_option();
  command->footer(
      "Each layer's \"weight\" is stored as PyTorch's nn.Linear stores it (one row per output\n"
      "unit); numbers are float64 text that round-trips exactly. In Python:\n"
      "  w = json.load(open('weights.json'))\n"
      "  for layer, lin in zip(w['layers'], linears):\n"
      "      lin.weight.data = torch.tensor(layer['weight'], dtype=torch.float64)");
  return [options] { return export_main(*options); };
}

}  // namespace mlpscope::cli
