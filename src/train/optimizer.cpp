#include "train/optimizer.h"

#include <cmath>

#include "core/error.h"
#include "core/strings.h"

namespace mlpscope {

namespace {

double parse_coefficient(const std::string& text, const std::string& what) {
  const double v = setting_double(text, "optimizer", what);
  if (!(v >= 0.0 && v < 1.0)) setting_error("optimizer", what + " must be in [0, 1), got " + text);
  return v;
}

}  // namespace

OptimizerSpec OptimizerSpec::parse(std::string_view text) {
  const auto [kind, args] = split_kind(text);
  const auto parts = args.empty() ? std::vector<std::string>{} : split(args, ',');
  OptimizerSpec spec;
  auto expect_at_most = [&](std::size_t n, const char* form) {
    if (parts.size() > n) setting_error("optimizer", "expected " + std::string(form));
  };
  if (kind == "sgd") {
    expect_at_most(0, "sgd with no parameter");
    spec.kind = OptimizerKind::sgd;
  } else if (kind == "momentum" || kind == "nesterov") {
    expect_at_most(1, "momentum[:MU] or nesterov[:MU]");
    spec.kind = kind == "momentum" ? OptimizerKind::momentum : OptimizerKind::nesterov;
    if (!parts.empty()) spec.beta1 = parse_coefficient(parts[0], "momentum");
  } else if (kind == "adam") {
    expect_at_most(2, "adam[:BETA1,BETA2]");
    spec.kind = OptimizerKind::adam;
    if (parts.size() == 1) setting_error("optimizer", "expected adam:BETA1,BETA2");
    if (parts.size() == 2) {
      spec.beta1 = parse_coefficient(parts[0], "beta1");
      spec.beta2 = parse_coefficient(parts[1], "beta2");
    }
  } else if (kind == "rmsprop") {
    expect_at_most(1, "rmsprop[:ALPHA]");
    spec.kind = OptimizerKind::rmsprop;
    spec.beta2 = parts.empty() ? 0.99 : parse_coefficient(parts[0], "alpha");
  } else {
    setting_error("optimizer", "unknown optimizer '" + kind +
                                   "' (choose sgd, momentum[:MU], nesterov[:MU], "
                                   "adam[:BETA1,BETA2], rmsprop[:ALPHA])");
  }
  return spec;
}

std::string OptimizerSpec::name() const {
  auto num = [](double x) {
    std::string s = std::to_string(x);
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.') s.pop_back();
    return s;
  };
  switch (kind) {
    case OptimizerKind::sgd:
      return "sgd";
    case OptimizerKind::momentum:
      return "momentum:" + num(beta1);
    case OptimizerKind::nesterov:
      return "nesterov:" + num(beta1);
    case OptimizerKind::adam:
      return "adam:" + num(beta1) + "," + num(beta2);
    case OptimizerKind::rmsprop:
      return "rmsprop:" + num(beta2);
  }
  return "?";
}

template <class T>
Optimizer<T>::Optimizer(OptimizerSpec spec, Index num_params) : spec_(spec) {
  if (spec_.kind != OptimizerKind::sgd) first_.setZero(num_params);
  if (spec_.kind == OptimizerKind::adam || spec_.kind == OptimizerKind::rmsprop)
    second_.setZero(num_params);
  if (spec_.kind == OptimizerKind::rmsprop) first_.resize(0);
}

template <class T>
void Optimizer<T>::step(Vector<T>& params, const Vector<T>& grads, double lr) {
  ++t_;
  const T rate = static_cast<T>(lr);
  const T b1 = static_cast<T>(spec_.beta1), b2 = static_cast<T>(spec_.beta2);
  const T eps = static_cast<T>(spec_.eps);
  switch (spec_.kind) {
    case OptimizerKind::sgd:
      params.noalias() -= rate * grads;
      break;
    case OptimizerKind::momentum:
      first_ = b1 * first_ + grads;
      params.noalias() -= rate * first_;
      break;
    case OptimizerKind::nesterov:
      first_ = b1 * first_ + grads;
      params.noalias() -= rate * (grads + b1 * first_);
      break;
    case OptimizerKind::adam: {
      first_ = b1 * first_ + (T(1) - b1) * grads;
      second_ = b2 * second_ + (T(1) - b2) * grads.cwiseAbs2();
      const double t = static_cast<double>(t_);
      const T correction1 = static_cast<T>(1.0 - std::pow(spec_.beta1, t));
      const T correction2 = static_cast<T>(1.0 - std::pow(spec_.beta2, t));
      params.array() -=
          (rate / correction1) * first_.array() / ((second_.array() / correction2).sqrt() + eps);
      break;
    }
    case OptimizerKind::rmsprop:
      second_ = b2 * second_ + (T(1) - b2) * grads.cwiseAbs2();
      params.array() -= rate * grads.array() / (second_.array().sqrt() + eps);
      break;
  }
}

template class Optimizer<float>;
template class Optimizer<double>;

}  // namespace mlpscope
