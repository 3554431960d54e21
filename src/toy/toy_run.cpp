#include "toy/toy_run.h"

#include <array>

namespace mlpscope {

namespace {

// The help of steps spells the limit out: a table row's text is a literal.
static_assert(kMaxSteps == 1'000'000);
constexpr std::array<OptionInfo, 4> kToyOptions{{
    {"f", "x^4", "the function: x^2, x^4 or |x|^p with a real p > 1 (e.g. '|x|^3', '|x|^1.5')"},
    {"lr", "0.01", "learning rate, > 0"},
    {"x0", "1.0", "the starting point"},
    {"steps", "100", "gradient steps, 1 to 1000000"},
}};

nlohmann::json optional_number(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

std::span<const OptionInfo> toy_options() { return kToyOptions; }

ToyRun run_toy(const ToySettings& s, bool scan) {
  ToyRun run;
  run.settings = s;
  run.iterates = iterate(s.f, s.lr, s.x0, s.steps);
  run.verdict = classify(run.iterates);
  run.explanation = explain(s.f, s.lr, s.x0);
  run.scanned = scan;
  if (scan) run.boundary = scan_boundary(s.f, s.lr, ScanSettings{});
  run.closed_form = closed_form(s.f, s.lr);
  return run;
}

nlohmann::json toy_to_json(const ToyRun& run) {
  const ToySettings& s = run.settings;
  nlohmann::json out = {{"f", s.f.name()},
                        {"lr", s.lr},
                        {"x0", s.x0},
                        {"iterates", run.iterates},
                        {"verdict", name(run.verdict)},
                        {"explanation", run.explanation}};
  if (run.scanned) {
    out["boundary"] = optional_number(run.boundary);
    out["closed_form"] = optional_number(run.closed_form.boundary);
  }
  return out;
}

}  // namespace mlpscope
