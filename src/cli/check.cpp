// mlpscope check: the user's own network and data. The diagnosis `diagnose` gives, and with
// --grads their gradients against the exact ones and the mistake that explains them.
#include <algorithm>
#include <cstdio>
#include <memory>

#include "check/check.h"
#include "cli/commands.h"
#include "cli/diagnosis_text.h"
#include "cli/options.h"
#include "cli/terminal.h"
#include "core/strings.h"
#include "data/npy.h"

namespace mlpscope::cli {

namespace {

void print_weights(const CheckResult& r, const std::string& path) {
  std::string layers;
  for (const CheckedLayer& layer : r.layers) {
    if (!layers.empty()) layers += ", ";
    layers += layer.name;
    layers += ' ';
    layers += shape_text(layer.shape);
  }
  std::printf("weights   %s: %s, %s layout\n", path.c_str(), layers.c_str(),
              to_string(r.layout).c_str());
}

std::string optional_cell(const std::optional<double>& v, const char* format) {
  if (!v) return "-";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, format, *v);
  return buffer;
}

void print_gradients(const CheckResult& r) {
  const GradientCheck& g = *r.gradient_check;
  std::printf("\ngradients of the mean %s over all %lld samples, yours against the exact ones\n",
              r.arch.head.loss_name().c_str(), static_cast<long long>(r.samples));
  std::printf("%-16s %-12s %10s %9s %11s\n", "parameter", "shape", "rel error", "cosine", "scale");
  for (const ParameterCheck& p : g.parameters)
    std::printf("%-16s %-12s %10.3g %9s %11s\n", p.name.c_str(), shape_text(p.shape).c_str(),
                p.rel_error, optional_cell(p.cosine, "%.6f").c_str(),
                optional_cell(p.scale, "%.6g").c_str());
  std::printf("%s: largest relative error %.3g (agreement is below %g)\n",
              g.agrees ? "they agree" : "they differ", g.max_rel_error, kAgreement);
  const Bug& bug = *r.bug;
  std::string heading(name(bug.kind));
  if (bug.layer) heading += ", layer " + std::to_string(*bug.layer + 1);
  if (bug.factor) heading += ", factor " + optional_cell(bug.factor, "%.4g");
  std::printf("\nbug       %s\n%s\n", heading.c_str(), wrap(bug.explanation, 10).c_str());
  if (!bug.fix.empty()) std::printf("fix       %s\n", bug.fix.c_str());
}

int check_main(CommandOptions& options) {
  options.apply_config();
  const RunConfig config = parse_run_config(options.values_of(check_run_options()));
  const DiagnoseConfig dc = parse_diagnose_config(options.values_of(diagnose_options()));
  const CheckConfig cc = parse_check_config(options.values_of(check_options()));
  const CheckResult r = check_network(config, cc, dc);
  if (options.flag("json")) {
    std::printf("%s\n", check_to_json(r).dump(2).c_str());
    return 0;
  }
  print_weights(r, cc.weights);
  print_diagnosis(r.diagnosis, config.data, std::min(dc.probe_samples, r.samples));
  if (r.gradient_check) print_gradients(r);
  return 0;
}

}  // namespace

Action add_check_command(CLI::App& root) {
  CLI::App* command = root.add_subcommand(
      "check",
      "Your own network (numpy or PyTorch weights and data): the diagnosis of diagnose, and "
      "with --grads your backpropagation's gradients against the exact ones, with the mistake "
      "that explains them and the line to fix.");
  auto options = std::make_shared<CommandOptions>(*command);
  options->add_table(check_options());
  options->add_table(check_run_options());
  options->add_table(diagnose_options());
  options->add("json", "false", "print the check as one JSON object", true);
  options->add_config_option();
  command->footer(
      "Example (the story's network, written in numpy):\n"
      "  mlpscope check --weights net.npz --data npz:batch.npz --activation relu "
      "--output softmax --loss mse --grads grads.npz --lr 0.01\n\n"
      "Bug classes: none, softmax_jacobian_missing, scale, sign, output_activation_derivative,\n"
      "missing_activation_derivative, derivative_at_activation, wrong_layer_input, transposed,\n"
      "unknown (docs/check.md).");
  return [options] { return check_main(*options); };
}

}  // namespace mlpscope::cli
