// mlpscope eval: a saved model on a data set: loss, accuracy and accuracy per class.
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/terminal.h"
#include "core/error.h"
#include "data/load.h"
#include "io/model_file.h"
#include "run/evaluate_model.h"

namespace mlpscope::cli {

namespace {

int eval_main(CommandOptions& options) {
  options.apply_config();
  if (options.get("model").empty()) setting_error("model", "required");
  const Model model = load_model(options.get("model"));
  Dataset data = load_dataset(options.get("data"), true);
  const std::string limit = options.get("limit");
  if (limit != "0") {
    const RunConfig c = parse_run_config({{"limit", limit}});
    data.truncate(c.limit);
  }
  const Evaluation e = evaluate_model(model, data);

  if (options.flag("json")) {
    nlohmann::json per_class = nlohmann::json::array();
    for (std::size_t k = 0; k < e.per_class_total.size(); ++k)
      per_class.push_back(
          {{"class", k}, {"samples", e.per_class_total[k]}, {"correct", e.per_class_correct[k]}});
    std::printf("%s\n", nlohmann::json{{"model", options.get("model")},
                                       {"data", data.name},
                                       {"samples", e.samples},
                                       {"loss", e.loss},
                                       {"accuracy", e.accuracy},
                                       {"per_class", per_class}}
                            .dump(2)
                            .c_str());
    return 0;
  }
  std::printf("model    %s (%s, %s output, %s loss)\n", model.arch.describe().c_str(),
              model.arch.activation.name().c_str(), model.arch.head.output_name().c_str(),
              model.arch.head.loss_name().c_str());
  std::printf("data     %s: %s samples\n", data.name.c_str(),
              format_count(static_cast<double>(e.samples)).c_str());
  std::printf("loss     %.6g\naccuracy %s\n\nclass  samples  accuracy\n", e.loss,
              format_percent(e.accuracy).c_str());
  for (std::size_t k = 0; k < e.per_class_total.size(); ++k) {
    if (e.per_class_total[k] == 0) continue;
    const std::string name =
        k < model.class_names.size() ? model.class_names[k] : std::to_string(k);
    std::printf("%-5s  %7lld  %s\n", name.c_str(), static_cast<long long>(e.per_class_total[k]),
                format_percent(static_cast<double>(e.per_class_correct[k]) /
                               static_cast<double>(e.per_class_total[k]))
                    .c_str());
  }
  return 0;
}

}  // namespace

Action add_eval_command(CLI::App& root) {
  CLI::App* command = root.add_subcommand(
      "eval", "Evaluate a saved model on a data set (its test split by default).");
  auto options = std::make_shared<CommandOptions>(*command);
  options->add("model", "", "the model file written by 'mlpscope train --save'");
  options->add(
      "data", "fashion-mnist",
      "the data set (same forms as train --data); a data set's test split where it has one");
  options->add("limit", "0", "use only the first N samples (0: all)");
  options->add("json", "false", "print the result as one JSON object", true);
  options->add_config_option();
  return [options] { return eval_main(*options); };
}

}  // namespace mlpscope::cli
