#include "train/optimizer.h"

#include <cmath>
#include <type_traits>

#include "core/dtype_row.h"
#include "core/error.h"
#include "core/strings.h"

namespace mlpscope {

namespace {

// Each optimizer's step: t has been counted already; the state holds the vectors its row
// keeps. The coefficients are rounded to T once, before the loop.

struct Sgd {
  template <class T>
  static void step(OptimizerState<T>&, Vector<T>& params, const Vector<T>& grads,
                   const OptimizerSpec&, double lr) {
    const T rate = static_cast<T>(lr);
    params.noalias() -= rate * grads;
  }
};

struct Momentum {
  template <class T>
  static void step(OptimizerState<T>& s, Vector<T>& params, const Vector<T>& grads,
                   const OptimizerSpec& spec, double lr) {
    const T rate = static_cast<T>(lr), b1 = static_cast<T>(spec.beta1);
    s.first = b1 * s.first + grads;
    params.noalias() -= rate * s.first;
  }
};

struct Nesterov {
  template <class T>
  static void step(OptimizerState<T>& s, Vector<T>& params, const Vector<T>& grads,
                   const OptimizerSpec& spec, double lr) {
    const T rate = static_cast<T>(lr), b1 = static_cast<T>(spec.beta1);
    s.first = b1 * s.first + grads;
    params.noalias() -= rate * (grads + b1 * s.first);
  }
};

struct Adam {
  template <class T>
  static void step(OptimizerState<T>& s, Vector<T>& params, const Vector<T>& grads,
                   const OptimizerSpec& spec, double lr) {
    const T rate = static_cast<T>(lr);
    const T b1 = static_cast<T>(spec.beta1), b2 = static_cast<T>(spec.beta2);
    const T eps = static_cast<T>(spec.eps);
    s.first = b1 * s.first + (T(1) - b1) * grads;
    s.second = b2 * s.second + (T(1) - b2) * grads.cwiseAbs2();
    const double t = static_cast<double>(s.t);
    const T correction1 = static_cast<T>(1.0 - std::pow(spec.beta1, t));
    const T correction2 = static_cast<T>(1.0 - std::pow(spec.beta2, t));
    params.array() -=
        (rate / correction1) * s.first.array() / ((s.second.array() / correction2).sqrt() + eps);
  }
};

struct Rmsprop {
  template <class T>
  static void step(OptimizerState<T>& s, Vector<T>& params, const Vector<T>& grads,
                   const OptimizerSpec& spec, double lr) {
    const T rate = static_cast<T>(lr), b2 = static_cast<T>(spec.beta2);
    const T eps = static_cast<T>(spec.eps);
    s.second = b2 * s.second + (T(1) - b2) * grads.cwiseAbs2();
    params.array() -= rate * grads.array() / (s.second.array().sqrt() + eps);
  }
};

constexpr OptimizerParameter kMu{"momentum", &OptimizerSpec::beta1, 0.9};

// clang-format off
constexpr OptimizerRow kOptimizers[] = {
    {OptimizerKind::sgd, "sgd", "", 0, {},
     "θ ← θ − lr·g", "Robbins & Monro 1951",
     false, false, false, false, true, Sgd::step<float>, Sgd::step<double>},
    {OptimizerKind::momentum, "momentum", "[:MU]", 1, {kMu, {}},
     "v ← μ·v + g; θ ← θ − lr·v", "Polyak 1964",
     true, false, true, false, false, Momentum::step<float>, Momentum::step<double>},
    {OptimizerKind::nesterov, "nesterov", "[:MU]", 1, {kMu, {}},
     "v ← μ·v + g; θ ← θ − lr·(g + μ·v)", "Sutskever et al. 2013",
     true, false, true, false, false, Nesterov::step<float>, Nesterov::step<double>},
    {OptimizerKind::adam, "adam", "[:BETA1,BETA2]", 2,
     {{"beta1", &OptimizerSpec::beta1, 0.9}, {"beta2", &OptimizerSpec::beta2, 0.999}},
     "m ← β1·m + (1−β1)·g; s ← β2·s + (1−β2)·g²; "
     "θ ← θ − lr·(m/(1−β1ᵗ)) / (sqrt(s/(1−β2ᵗ)) + ε)", "Kingma & Ba 2015",
     false, true, true, true, false, Adam::step<float>, Adam::step<double>},
    {OptimizerKind::rmsprop, "rmsprop", "[:ALPHA]", 1,
     {{"alpha", &OptimizerSpec::beta2, 0.99}, {}},
     "s ← α·s + (1−α)·g²; θ ← θ − lr·g/(sqrt(s) + ε)", "Tieleman & Hinton 2012",
     false, true, false, true, false, Rmsprop::step<float>, Rmsprop::step<double>},
};
// clang-format on

std::string choices() {
  std::string list;
  for (const OptimizerRow& row : kOptimizers) {
    if (!list.empty()) list += ", ";
    list += row.name;
    list += row.form;
  }
  return list;
}

double parse_coefficient(const std::string& text, const std::string& what) {
  const double v = setting_double(text, "optimizer", what);
  if (!(v >= 0.0 && v < 1.0)) setting_error("optimizer", what + " must be in [0, 1), got " + text);
  return v;
}

// The row's parameters from "A,B" (all of them) or "" (their defaults).
OptimizerSpec spec_of(const OptimizerRow& row, const std::string& args) {
  const auto parts = args.empty() ? std::vector<std::string>{} : split(args, ',');
  const auto wanted = static_cast<std::size_t>(row.num_parameters);
  if (!parts.empty() && parts.size() != wanted) {
    std::string detail = "expected ";
    detail += row.name;
    detail += wanted == 0 ? std::string_view(" with no parameter") : row.form;
    setting_error("optimizer", detail);
  }
  OptimizerSpec spec;
  spec.kind = row.kind;
  for (std::size_t i = 0; i < wanted; ++i) {
    const OptimizerParameter& p = row.parameters[i];
    spec.*p.field = parts.empty() ? p.fallback : parse_coefficient(parts[i], std::string(p.name));
  }
  return spec;
}

std::string number(double x) {
  std::string s = std::to_string(x);
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

std::span<const OptimizerRow> optimizer_table() { return kOptimizers; }

const OptimizerRow& OptimizerSpec::row() const { return kOptimizers[static_cast<int>(kind)]; }

OptimizerSpec OptimizerSpec::parse(std::string_view text) {
  const auto [kind, args] = split_kind(text);
  for (const OptimizerRow& row : kOptimizers)
    if (kind == row.name) return spec_of(row, args);
  std::string detail = "unknown optimizer '";
  detail += kind;
  detail += "' (choose ";
  detail += choices();
  detail += ')';
  setting_error("optimizer", detail);
}

std::string OptimizerSpec::name() const {
  const OptimizerRow& r = row();
  std::string s(r.name);
  for (int i = 0; i < r.num_parameters; ++i) {
    s += i == 0 ? ':' : ',';
    s += number(this->*r.parameters[i].field);
  }
  return s;
}

double OptimizerSpec::momentum() const { return row().heavy_ball ? beta1 : 0.0; }

template <class T>
Optimizer<T>::Optimizer(OptimizerSpec spec, Index num_params) : spec_(spec) {
  if (spec_.row().keeps_first) state_.first.setZero(num_params);
  if (spec_.row().keeps_second) state_.second.setZero(num_params);
}

template <class T>
void Optimizer<T>::step(Vector<T>& params, const Vector<T>& grads, double lr) {
  ++state_.t;
  for_dtype<T>(spec_.row())(state_, params, grads, spec_, lr);
}

template class Optimizer<float>;
template class Optimizer<double>;

}  // namespace mlpscope
