#include "toy/gd1d.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.h"
#include "core/strings.h"

namespace mlpscope {

namespace {

std::string num(double v, int digits = 4) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, v);
  return buffer;
}

// f'(x)/x = p·|x|^(p−2): the step is x·(1 − lr·that), see (*) in the header.
double factor(const PowerFunction& f, double lr, double x) {
  return x == 0.0 ? 1.0 : 1.0 - lr * f.derivative(x) / x;
}

// The trend over the tail, the last min(n, kTailSteps) steps (see classify()).
struct Tail {
  int steps = 0, same = 0, flips = 0, same_flips = 0, grows = 0, shrinks = 0;
};

Tail read_tail(const std::vector<double>& xs) {
  Tail t;
  const std::size_t n = xs.size() - 1;
  t.steps = static_cast<int>(std::min<std::size_t>(n, kTailSteps));
  for (std::size_t k = n - static_cast<std::size_t>(t.steps); k < n; ++k) {
    const double a = std::abs(xs[k]), b = std::abs(xs[k + 1]);
    const bool same = std::abs(b - a) <= kSameMagnitude * std::max(a, b);
    const bool flip = std::signbit(xs[k]) != std::signbit(xs[k + 1]);
    t.same += same;
    t.flips += flip;
    t.same_flips += same && flip;
    t.grows += !same && b > a;
    t.shrinks += !same && b < a;
  }
  return t;
}

double tolerance(const std::vector<double>& xs) {
  return kConvergedTolerance * std::max(1.0, std::abs(xs.front()));
}

}  // namespace

PowerFunction PowerFunction::parse(std::string_view spec, const std::string& option) {
  const std::string s = trim(spec);
  if (s == "x^2") return {2.0};
  if (s == "x^4") return {4.0};
  const std::string expected = "expected x^2, x^4 or |x|^p with a real p > 1 (e.g. |x|^3, |x|^1.5)";
  if (s.starts_with("|x|^")) {
    const double p = setting_double(s.substr(4), option, "'" + s + "'");
    if (!(p > 1.0))
      setting_error(option, "'" + s +
                                "': p must be > 1 (|x|^p with p ≤ 1 is not differentiable at its "
                                "minimum), got " +
                                num(p, 17));
    return {p};
  }
  if (s.starts_with("x^"))
    setting_error(option, "'" + s + "' is not supported: " + expected +
                              "; other powers are written with bars: |x|^" + s.substr(2));
  setting_error(option, "'" + s + "' is not a function: " + expected);
}

std::string PowerFunction::name() const {
  if (p == 2.0) return "x^2";
  if (p == 4.0) return "x^4";
  return "|x|^" + shortest_text(p);  // the shortest exact form
}

// Products rather than pow for the named functions, so that hand-computed values are exact.
double PowerFunction::value(double x) const {
  if (p == 2.0) return x * x;
  if (p == 4.0) return (x * x) * (x * x);
  return std::pow(std::abs(x), p);
}

double PowerFunction::derivative(double x) const {
  if (p == 2.0) return 2.0 * x;
  if (p == 4.0) return 4.0 * x * x * x;
  return std::copysign(p * std::pow(std::abs(x), p - 1.0), x);
}

std::string PowerFunction::update_rule() const {
  if (p == 2.0) return "x_{k+1} = x_k − lr·2·x_k = (1 − 2·lr)·x_k";
  if (p == 4.0) return "x_{k+1} = x_k − lr·4·x_k³ = x_k·(1 − 4·lr·x_k²)";
  return "x_{k+1} = x_k − lr·p·sign(x_k)·|x_k|^(p−1) = x_k·(1 − lr·p·|x_k|^(p−2)), p = " +
         num(p, 17);
}

std::vector<double> iterate(const PowerFunction& f, double lr, double x0, int steps) {
  if (!(lr > 0.0) || !std::isfinite(lr))
    throw Error("iterate: lr must be positive and finite, got " + num(lr));
  if (!std::isfinite(x0)) throw Error("iterate: x0 must be finite");
  if (steps < 1 || steps > kMaxSteps)
    throw Error("iterate: steps must be in [1, " + std::to_string(kMaxSteps) + "], got " +
                std::to_string(steps));
  std::vector<double> xs;
  xs.reserve(static_cast<std::size_t>(steps) + 1);
  xs.push_back(x0);
  double x = x0;
  for (int k = 0; k < steps; ++k) {
    x -= lr * f.derivative(x);
    xs.push_back(x);
    if (!std::isfinite(x) || std::abs(x) > kBlowUp) break;
  }
  return xs;
}

VerdictKind classify(const std::vector<double>& xs) {
  if (xs.size() < 2) throw Error("classify: needs x_0 and at least one step");
  const double last = xs.back();
  if (!std::isfinite(last) || std::abs(last) > kBlowUp) return VerdictKind::diverged;
  if (std::abs(last) <= tolerance(xs)) return VerdictKind::converged;
  const Tail t = read_tail(xs);
  if (t.same_flips == t.steps) return VerdictKind::oscillating;
  if (t.same == t.steps && t.flips == 0) return VerdictKind::stalled;
  if (t.grows == t.steps) return VerdictKind::diverged;
  if (t.shrinks == t.steps) return VerdictKind::slow;
  return t.flips > 0 ? VerdictKind::oscillating : VerdictKind::stalled;
}

std::string describe(VerdictKind verdict, const std::vector<double>& xs) {
  const std::size_t n = xs.size() - 1;
  const std::string at_n = "|x_" + std::to_string(n) + "| = " + num(std::abs(xs.back()));
  const Tail t = read_tail(xs);
  const std::string tail =
      t.steps == 1 ? "the one step" : "each of the last " + std::to_string(t.steps) + " steps";
  switch (verdict) {
    case VerdictKind::converged: {
      std::size_t k = 0;
      while (std::abs(xs[k]) > tolerance(xs)) ++k;
      return "|x| ≤ " + num(tolerance(xs)) + " from step " + std::to_string(k) + " (" + at_n + ")";
    }
    case VerdictKind::slow:
      return "|x| shrank at " + tail + ", but " + at_n + " is still above the tolerance " +
             num(tolerance(xs)) + ": the budget ran out while it was improving";
    case VerdictKind::stalled:
      return "|x| changed by at most " + num(kSameMagnitude) + " relatively at " + tail + ", at " +
             at_n;
    case VerdictKind::oscillating:
      if (t.same_flips == t.steps)
        return "x flips sign at every step with " + at_n + " unchanged: the 2-cycle x → −x";
      return "x flips sign while |x| goes up and down, with no trend (" + at_n + ")";
    case VerdictKind::diverged:
      if (!std::isfinite(xs.back())) return "x became non-finite at step " + std::to_string(n);
      if (std::abs(xs.back()) > kBlowUp)
        return "|x| passed the blow-up bound " + num(kBlowUp) + " at step " + std::to_string(n) +
               " (" + at_n + ")";
      return "|x| grew at " + tail + ", to " + at_n +
             "; the budget ran out before the blow-up bound " + num(kBlowUp);
  }
  return {};
}

// For p > 2 the factor g(x) = 1 − lr·p·|x|^(p−2) of (*) falls as |x| grows, and
//   |g(x)| < 1  ⟺  0 < lr·p·|x|^(p−2) < 2  ⟺  |x| < b = (2/(lr·p))^(1/(p−2)).
// Inside: |x_1| < |x_0| < b, so |x| shrinks at every step and stays inside; its limit L
// must be 0 (on [L, |x_0|] the factor is bounded away from ±1, a contraction). At |x_0| = b,
// g = −1: x → −x forever. Beyond: g < −1, |x_1| > |x_0| > b, and |g| grows with |x|: blow-up.
// p = 4 gives b = (2/(4·lr))^(1/2) = 1/sqrt(2·lr) (DESIGN.md; x_{k+1} = x_k(1 − 4·lr·x_k²)).
// p = 2: x_{k+1} = (1 − 2·lr)·x_k for every x0, so no boundary in x0: lr < 1 converges.
// 1 < p < 2: g < −1 near 0 (|x|^(p−2) → ∞), so no start settles at 0; |x| stays below
// max(|x_0|, 2c) with c = (lr·p/2)^(1/(2−p)), the 2-cycle ±c: no start diverges either.
ClosedForm closed_form(const PowerFunction& f, double lr) {
  const double p = f.p;
  if (p == 2.0)
    return {
        std::nullopt, "",
        "no boundary in x0: x_{k+1} = (1 − 2·lr)·x_k is linear, so from every x0 GD converges "
        "iff lr < 1, oscillates at lr = 1 and diverges beyond; the learning rate alone decides"};
  if (p < 2.0) {
    const double c = std::pow(lr * p / 2.0, 1.0 / (2.0 - p));
    return {
        std::nullopt, "",
        "no boundary in x0: for p < 2 no start diverges, and none settles at 0 either: near 0 the "
        "factor 1 − lr·p·|x|^(p−2) is below −1, and GD is drawn to the 2-cycle ±(lr·p/2)^(1/(2−p)) "
        "= ±" +
            num(c)};
  }
  const std::string formula = p == 4.0 ? "1/sqrt(2·lr)" : "(2/(lr·p))^(1/(p−2))";
  const double b = p == 4.0 ? 1.0 / std::sqrt(2.0 * lr) : std::pow(2.0 / (lr * p), 1.0 / (p - 2.0));
  if (!std::isfinite(b))
    return {std::nullopt, formula,
            "the boundary " + formula + " is beyond the largest double: every start converges"};
  return {b, formula,
          "|x0| < " + formula +
              " converges: the factor 1 − lr·p·|x|^(p−2) of each step is then in (−1, 1); "
              "at equality it is −1 (x → −x forever); beyond, it is below −1 and grows in "
              "magnitude with |x|"};
}

std::optional<double> closed_form_boundary(const PowerFunction& f, double lr) {
  return closed_form(f, lr).boundary;
}

std::optional<double> scan_boundary(const PowerFunction& f, double lr,
                                    const ScanSettings& settings) {
  if (settings.doublings < 0 || settings.doublings > 300)  // 2^300 ≈ 2e90 < kBlowUp
    throw Error("scan_boundary: doublings must be in [0, 300]");
  if (!(settings.rel_tol > 0.0)) throw Error("scan_boundary: rel_tol must be positive");
  auto diverges = [&](double x0) {
    return classify(iterate(f, lr, x0, settings.steps)) == VerdictKind::diverged;
  };
  const bool at_one = diverges(1.0);
  double lo = 0.0, hi = 0.0;
  for (int k = 1; k <= settings.doublings && hi == 0.0; ++k)
    if (diverges(std::ldexp(1.0, k)) != at_one)
      lo = std::ldexp(1.0, k - 1), hi = std::ldexp(1.0, k);
  for (int k = 1; k <= settings.doublings && hi == 0.0; ++k)
    if (diverges(std::ldexp(1.0, -k)) != at_one)
      lo = std::ldexp(1.0, -k), hi = std::ldexp(1.0, 1 - k);
  if (hi == 0.0) return std::nullopt;
  const bool lo_diverges = diverges(lo);
  for (int i = 0; i < 200 && hi - lo > settings.rel_tol * hi; ++i) {
    const double mid = lo + (hi - lo) / 2.0;
    (diverges(mid) == lo_diverges ? lo : hi) = mid;
  }
  return lo + (hi - lo) / 2.0;
}

std::string explain(const PowerFunction& f, double lr, double x0) {
  const double p = f.p;
  const std::string start = "x0 = " + num(x0);
  if (x0 == 0.0) return start + " is the minimum: f'(0) = 0, so every iterate stays at 0.";
  const double g0 = factor(f, lr, x0);
  if (p == 2.0) {
    const std::string rule = "x_{k+1} = (1 − 2·lr)·x_k = " + num(g0) +
                             "·x_k from every x0, so the learning rate alone decides";
    if (lr < 1.0)
      return rule + ": with lr < 1 the factor is in (−1, 1) and GD converges linearly from any x0.";
    if (lr == 1.0) return rule + ": lr = 1 makes the factor −1, x → −x forever.";
    return rule + ": with lr > 1 the factor is below −1 and |x| grows by " + num(-g0) +
           " per step from any x0 ≠ 0.";
  }
  const ClosedForm cf = closed_form(f, lr);
  if (p < 2.0) {
    const double c = std::pow(lr * p / 2.0, 1.0 / (2.0 - p));
    std::string s =
        "For p < 2 the start does not decide: near 0 the factor 1 − lr·p·|x|^(p−2) is below −1, so "
        "no start "
        "settles at 0, and none diverges; GD is drawn to the 2-cycle ±(lr·p/2)^(1/(2−p)) = ±" +
        num(c) +
        ", which attracts (a deviation from it is multiplied by 2p − 3 = " + num(2 * p - 3) +
        " per step).";
    if (c <= kConvergedTolerance * std::max(1.0, std::abs(x0)))
      s += " That cycle is below the convergence tolerance, so in practice GD converges here.";
    return s;
  }
  if (!cf.boundary) return start + ": " + cf.note + ".";
  const double b = *cf.boundary;
  const std::string where = cf.formula + " = " + num(b);
  const std::string g =
      (p == 4.0 ? "1 − 4·lr·x0²" : "1 − lr·p·|x0|^(p−2)") + std::string(" = ") + num(g0);
  const std::string rate = p == 4.0 ? "1/sqrt(8·lr·k)" : "((p−2)·lr·p·k)^(−1/(p−2))";
  if (std::abs(x0) < b * (1 - 1e-12))
    return start + " is inside " + where + ": the first step multiplies x by " + g +
           ", of magnitude below 1, and the factor nears 1 as |x| shrinks, so |x| falls ever more "
           "slowly: "
           "near 0, x_k ≈ " +
           rate + ".";
  if (std::abs(x0) > b * (1 + 1e-12))
    return start + " is beyond " + where + ": the first step multiplies x by " + g +
           ", overshooting past −x0, and the factor grows in magnitude with |x|: every step grows "
           "|x| until "
           "it blows up.";
  if (x0 - lr * f.derivative(x0) == -x0)
    return start + " is exactly at " + where +
           ": the factor is −1, so x → −x → x forever, a 2-cycle.";
  return start + " is at " + where +
         " up to rounding: the factor is −1 but for rounding, and the 2-cycle x → −x is "
         "unstable (a deviation from it is multiplied by 2p − 3 = " +
         num(2 * p - 3) + " per step), so rounding pushes the iterates off it, inward or outward.";
}

ToySettings parse_toy_settings(const std::map<std::string, std::string>& values) {
  ToySettings s;
  for (const auto& [name, text] : values) {
    if (name == "f") {
      s.f = PowerFunction::parse(text, "f");
    } else if (name == "lr") {
      s.lr = setting_double(text, "lr");
      if (!(s.lr > 0.0)) setting_error("lr", "must be positive, got " + trim(text));
    } else if (name == "x0") {
      s.x0 = setting_double(text, "x0");
    } else if (name == "steps") {
      const double steps = setting_double(text, "steps");
      if (steps != std::floor(steps))
        setting_error("steps", "must be a whole number, got " + trim(text));
      if (steps < 1) setting_error("steps", "must be at least 1, got " + trim(text));
      if (steps > kMaxSteps)
        setting_error("steps", "at most " + std::to_string(kMaxSteps) +
                                   " (every iterate is kept and can be printed), got " +
                                   trim(text));
      s.steps = static_cast<int>(steps);
    } else {
      throw Error("toy: unknown setting '" + name + "'");
    }
  }
  return s;
}

}  // namespace mlpscope
