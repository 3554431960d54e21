// Gradient descent in one dimension: the smallest model of "the initialization decides
// whether training converges" (docs/toy.md, DESIGN.md "The problem it exists for").
//
// The functions are f(x) = |x|^p with real p > 1; "x^2" and "x^4" are p = 2 and p = 4.
//   f(x)  = |x|^p
//   f'(x) = p·sign(x)·|x|^(p−1)
// Gradient descent with a fixed learning rate lr:
//   x_{k+1} = x_k − lr·f'(x_k) = x_k·(1 − lr·p·|x_k|^(p−2))          (*)
// so each step multiplies x by the factor g(x) = 1 − lr·p·|x|^(p−2). Everything below,
// the verdicts, the closed forms and the explanations, follows from (*).
//
// Conventions: the iterates are kept in a std::vector<double>, x_0 first; |x| larger than
// kBlowUp or non-finite ends the iteration (that last value is kept). Every threshold is
// a named constant here, and the verdict rules are stated once, at classify().
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diagnose/verdict_kinds.h"

namespace mlpscope {

// |x| above this, or a non-finite x, stops iterate() and reads as diverged. 1e100 is far
// beyond any start a person types, and x^4's gradient 4x³ is still finite there.
inline constexpr double kBlowUp = 1e100;
// converged: |x_n| ≤ kConvergedTolerance·max(1, |x_0|).
inline constexpr double kConvergedTolerance = 1e-6;
// Two magnitudes are "the same" when they differ by at most this, relatively.
inline constexpr double kSameMagnitude = 1e-9;
// The verdict reads the trend over the last kTailSteps steps (all of them when fewer).
inline constexpr int kTailSteps = 10;
// The most steps iterate() and the command take: every iterate is kept and can be printed.
inline constexpr int kMaxSteps = 1'000'000;

struct PowerFunction {
  double p = 4.0;

  // "x^2", "x^4", "|x|^P" (P a real number > 1, e.g. "|x|^3", "|x|^1.5"); anything else
  // throws SettingError(OPTION, …).
  static PowerFunction parse(std::string_view spec, const std::string& option = "f");
  // "x^2", "x^4" for p = 2 and 4, else "|x|^P" with P in its shortest exact form.
  std::string name() const;
  double value(double x) const;       // |x|^p
  double derivative(double x) const;  // p·sign(x)·|x|^(p−1)
  // The step (*) written out for this p, e.g. "x_{k+1} = x_k·(1 − 4·lr·x_k²)".
  std::string update_rule() const;
};

// x_0 = x0, x_{k+1} = x_k − lr·f'(x_k) for k < steps; stops early after the first x with
// |x| > kBlowUp or non-finite. Requires lr > 0, x0 finite, 1 ≤ steps ≤ kMaxSteps.
std::vector<double> iterate(const PowerFunction& f, double lr, double x0, int steps);

// The verdict (the same five as a network's, diagnose/verdict_kinds.h) of a sequence x_0..x_n (n ≥
// 1), from the numbers alone, first rule that holds:
//   diverged     x_n is non-finite or |x_n| > kBlowUp (iterate() stopped there);
//   converged    |x_n| ≤ kConvergedTolerance·max(1, |x_0|);
// then over the tail, the last min(n, kTailSteps) steps, with "same" = within kSameMagnitude:
//   oscillating  every step flips the sign and keeps |x| the same: the 2-cycle x → −x;
//   stalled      every step keeps |x| the same without a flip: the steps no longer move x;
//   diverged     every step grows |x|: on its way to the blow-up, the budget ran out first;
//   slow         every step shrinks |x|: still improving when the budget ran out. x^4 lands
//                here: near 0, x_k ≈ 1/sqrt(8·lr·k), so |x| ≤ 1e-6 takes ~1e12/(8·lr) steps;
//   oscillating  otherwise: |x| goes up and down with sign flips (no trend);
//   stalled      otherwise, without sign flips.
// Limits, honestly: a sequence that shrinks slowly toward a 2-cycle (|x|^p, p just under 2)
// reads as slow until it is within kSameMagnitude of the cycle.
VerdictKind classify(const std::vector<double>& iterates);
// One clause on what the numbers did, e.g. "|x| grew at every step to 7.2 at step 100".
std::string describe(VerdictKind verdict, const std::vector<double>& iterates);

// The basin boundary in x0 known in closed form, with the formula and a note on its cause.
struct ClosedForm {
  std::optional<double> boundary;  // |x0| below it converges, above it diverges
  std::string formula;             // e.g. "1/sqrt(2·lr)"; empty when there is none
  std::string note;                // why there is (or is no) boundary, in one sentence
};
ClosedForm closed_form(const PowerFunction& f, double lr);
// closed_form(f, lr).boundary: 1/sqrt(2·lr) for x^4, (2/(lr·p))^(1/(p−2)) for p > 2,
// std::nullopt for p ≤ 2.
std::optional<double> closed_form_boundary(const PowerFunction& f, double lr);

struct ScanSettings {
  int steps = 10'000;      // the budget of each run whose verdict is read
  int doublings = 160;     // the bracket search visits x0 = 2^k for |k| ≤ doublings
  double rel_tol = 1e-12;  // bisection stops when hi − lo ≤ rel_tol·hi
};
// The basin boundary over x0 > 0, found numerically: the outcome of x0 is whether
// classify(iterate(f, lr, x0, steps)) is diverged. From x0 = 1 it doubles (then halves) x0
// until the outcome changes between x0 and 2·x0, then bisects that bracket to rel_tol and
// returns its midpoint. std::nullopt when the outcome is the same at every 2^k (x^2, or
// |x|^p with p < 2: no start diverges, or every start does).
std::optional<double> scan_boundary(const PowerFunction& f, double lr,
                                    const ScanSettings& settings = {});

// One or two sentences: where x0 stands against the boundary and what (*) then does, e.g.
// "x0 = 8 is beyond 1/sqrt(2·lr) = 7.071: the first step multiplies x by
//  1 − 4·lr·x0² = −1.56, overshooting past −x0, and every step grows |x| further."
std::string explain(const PowerFunction& f, double lr, double x0);

// The toy command's options, checked: names are the command's options (f, lr, x0, steps).
struct ToySettings {
  PowerFunction f;
  double lr = 0.01;
  double x0 = 1.0;
  int steps = 100;
};
// Values as strings by option name; missing names keep the defaults above. Throws
// SettingError(NAME, …): lr must be positive, x0 finite, steps in [1, kMaxSteps].
ToySettings parse_toy_settings(const std::map<std::string, std::string>& values);

}  // namespace mlpscope
