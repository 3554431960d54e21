#include "cli/diagnosis_text.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>

#include "cli/terminal.h"
#include "core/strings.h"

namespace mlpscope::cli {

namespace {

std::string cell(const std::optional<double>& v, const char* format) {
  if (!v) return "-";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, format, *v);
  return buffer;
}

void print_table(const Diagnosis& d) {
  std::printf(
      "\nlayer  units  predicted std  measured std   He std    x He   dead  saturated  grad "
      "norm\n");
  for (std::size_t l = 0; l < d.at_init.layers.size(); ++l) {
    const LayerStats& m = d.at_init.layers[l];
    const bool has_theory = l < d.theory.size();
    const bool last = l + 1 == d.at_init.layers.size();
    std::printf("%-5s  %5lld  %13s  %12.4g  %7s  %6s  %5s  %9s  %9.3g\n",
                last ? "out" : std::to_string(l + 1).c_str(),
                static_cast<long long>(d.facts.arch.fan_out(static_cast<Index>(l))),
                has_theory ? cell(d.theory[l].preact_std, "%.4g").c_str() : "-", m.preact_std,
                has_theory ? cell(d.theory[l].he_std, "%.3g").c_str() : "-",
                has_theory ? cell(d.theory[l].he_ratio, "%.3g").c_str() : "-",
                cell(m.dead_fraction ? std::optional<double>(100 * *m.dead_fraction) : std::nullopt,
                     "%.0f%%")
                    .c_str(),
                cell(m.saturated_fraction ? std::optional<double>(100 * *m.saturated_fraction)
                                          : std::nullopt,
                     "%.0f%%")
                    .c_str(),
                m.grad_norm);
  }
}

}  // namespace

void print_diagnosis(const Diagnosis& d, const std::string& data_name, Index samples) {
  const OutputStats& o = *d.at_init.output;
  std::printf("network   %s, %s hidden, %s output, %s loss, init %s\n",
              d.facts.arch.describe().c_str(), d.facts.arch.activation.name().c_str(),
              d.facts.arch.head.output_name().c_str(), d.facts.arch.head.loss_name().c_str(),
              d.facts.init_name.c_str());
  std::printf("probe     %lld samples of %s: loss %.4g, accuracy %s\n",
              static_cast<long long>(samples), data_name.c_str(), d.at_init.loss,
              format_percent(d.at_init.accuracy).c_str());
  print_table(d);
  std::printf(
      "\noutput    mean top probability %.4f, %s above 0.99; loss gradient at the logits %.3g per "
      "sample\n",
      o.mean_top_probability, format_percent(o.confident_fraction).c_str(), o.logit_gradient);
  std::printf("sharpness λmax %.4g (%d Hessian-vector products%s)\n", d.sharpness.lambda_max,
              d.sharpness.iterations, d.sharpness.converged ? "" : ", not converged");
  if (d.max_stable_lr)
    std::printf("          gradient descent is stable for lr < %.4g; --lr %g is %.3gx that\n",
                *d.max_stable_lr, d.facts.lr, d.facts.lr / *d.max_stable_lr);
  if (d.regime_bounds && d.regime != LrRegime::unknown)
    std::printf(
        "regime    --lr %g is %s: stable below %.4g, a spike then recovery (catapult) below "
        "%.4g, divergent above\n",
        d.facts.lr, std::string(name(d.regime)).c_str(), d.regime_bounds->stable_below,
        d.regime_bounds->catapult_below);
  if (d.homogeneity) {
    const Homogeneity& h = *d.homogeneity;
    std::printf(
        "\nhomogeneity: every weight scaled by c (%d layers)\n       c   output std    grad norm   "
        " sharpness\n",
        h.depth);
    for (const auto& p : h.points)
      std::printf("%8.3g  %11.4g  %11.4g  %11.4g\n", p.scale, p.output_std, p.grad_norm,
                  p.sharpness);
    std::printf(
        "exponents: output c^%.2f, gradient c^%.2f, sharpness c^%.2f, so the stable lr scales as "
        "c^%.2f "
        "(the c^d claim says %d)\n",
        h.output_exponent, h.grad_exponent, h.sharpness_exponent, -h.sharpness_exponent, -h.depth);
  }
  const Verdict& v = d.prediction;
  std::printf("\npredicted %s%s%s\n%s\n", std::string(name(v.verdict)).c_str(),
              v.cause == Cause::none ? "" : ": ", std::string(name(v.cause)).c_str(),
              wrap(v.explanation, 10).c_str());
  for (const auto& s : v.suggestions) std::printf("  try     %s\n", s.c_str());
  for (const auto& c : v.checks) std::printf("  check   %s\n", c.c_str());
}

}  // namespace mlpscope::cli
