#include "nn/init.h"

#include <Eigen/QR>
#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/strings.h"

namespace mlpscope {

namespace {

std::vector<double> parse_numbers(const std::string& args, std::size_t count,
                                  const std::string& option, const std::string& form) {
  const auto parts = split(args, ',');
  if (args.empty() || parts.size() != count) setting_error(option, "expected " + form);
  std::vector<double> numbers;
  for (const auto& p : parts) numbers.push_back(setting_double(p, option));
  return numbers;
}

// (draw distribution, parameters) of a fan-based init: uniform(-bound, bound) or normal(0, std).
struct Draw {
  bool uniform;
  double p1, p2;
};

}  // namespace

Init Init::parse(std::string_view spec, const std::string& option) {
  const auto [kind, args] = split_kind(spec);
  Init init;
  if (kind == "uniform") {
    const auto v = parse_numbers(args, 2, option, "uniform:LOW,HIGH, e.g. uniform:-1,1");
    if (!(v[0] < v[1])) setting_error(option, "uniform:LOW,HIGH needs LOW < HIGH");
    return Init{InitKind::uniform, v[0], v[1]};
  }
  if (kind == "normal") {
    const auto v = parse_numbers(args, 2, option, "normal:MEAN,STD, e.g. normal:0,0.1");
    if (v[1] < 0) setting_error(option, "normal:MEAN,STD needs STD >= 0");
    return Init{InitKind::normal, v[0], v[1]};
  }
  if (kind == "const" || kind == "constant") {
    const auto v = parse_numbers(args, 1, option, "const:VALUE, e.g. const:0.1");
    return Init{InitKind::constant, v[0], 0.0};
  }
  if (kind == "zeros" || kind == "ones") {
    if (!args.empty()) setting_error(option, "'" + kind + "' takes no parameter");
    return Init{InitKind::constant, kind == "ones" ? 1.0 : 0.0, 0.0};
  }
  if (kind == "orthogonal") {
    init = Init{InitKind::orthogonal, 1.0, 0.0};
    if (!args.empty()) init.a = parse_numbers(args, 1, option, "orthogonal[:GAIN]")[0];
    return init;
  }
  static const std::pair<const char*, InitKind> kNames[] = {
      {"he_normal", InitKind::he_normal},         {"he_uniform", InitKind::he_uniform},
      {"xavier_normal", InitKind::xavier_normal}, {"xavier_uniform", InitKind::xavier_uniform},
      {"lecun_normal", InitKind::lecun_normal},   {"lecun_uniform", InitKind::lecun_uniform},
      {"kaiming_normal", InitKind::he_normal},    {"kaiming_uniform", InitKind::he_uniform},
      {"glorot_normal", InitKind::xavier_normal}, {"glorot_uniform", InitKind::xavier_uniform}};
  for (const auto& [name, k] : kNames)
    if (kind == name) {
      if (!args.empty()) setting_error(option, "'" + kind + "' takes no parameter");
      init.kind = k;
      return init;
    }
  setting_error(option, "unknown initializer '" + kind +
                            "' (choose uniform:A,B, normal:MEAN,STD, const:V, he_normal, "
                            "he_uniform, xavier_normal, xavier_uniform, lecun_normal, "
                            "lecun_uniform, orthogonal[:gain])");
}

std::string Init::name() const {
  auto num = [](double x) {
    std::string s = std::to_string(x);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  };
  switch (kind) {
    case InitKind::uniform:
      return "uniform:" + num(a) + "," + num(b);
    case InitKind::normal:
      return "normal:" + num(a) + "," + num(b);
    case InitKind::constant:
      return "const:" + num(a);
    case InitKind::he_normal:
      return "he_normal";
    case InitKind::he_uniform:
      return "he_uniform";
    case InitKind::xavier_normal:
      return "xavier_normal";
    case InitKind::xavier_uniform:
      return "xavier_uniform";
    case InitKind::lecun_normal:
      return "lecun_normal";
    case InitKind::lecun_uniform:
      return "lecun_uniform";
    case InitKind::orthogonal:
      return "orthogonal:" + num(a);
  }
  return "?";
}

namespace {

Draw fan_draw(InitKind kind, Index fan_in, Index fan_out) {
  const double in = static_cast<double>(fan_in), both = static_cast<double>(fan_in + fan_out);
  switch (kind) {
    case InitKind::he_normal:
      return {false, 0.0, std::sqrt(2.0 / in)};
    case InitKind::he_uniform:
      return {true, 0.0, std::sqrt(6.0 / in)};
    case InitKind::xavier_normal:
      return {false, 0.0, std::sqrt(2.0 / both)};
    case InitKind::xavier_uniform:
      return {true, 0.0, std::sqrt(6.0 / both)};
    case InitKind::lecun_normal:
      return {false, 0.0, std::sqrt(1.0 / in)};
    case InitKind::lecun_uniform:
      return {true, 0.0, std::sqrt(3.0 / in)};
    default:
      return {false, 0.0, 0.0};
  }
}

double draw(const Init& init, const Draw& fan, Rng& rng) {
  switch (init.kind) {
    case InitKind::uniform:
      return rng.uniform(init.a, init.b);
    case InitKind::normal:
      return rng.normal(init.a, init.b);
    case InitKind::constant:
      return init.a;
    default:
      return fan.uniform ? rng.uniform(-fan.p2, fan.p2) : rng.normal(0.0, fan.p2);
  }
}

}  // namespace

double Init::mean(Index, Index) const {
  switch (kind) {
    case InitKind::uniform:
      return 0.5 * (a + b);
    case InitKind::normal:
      return a;
    case InitKind::constant:
      return a;
    default:
      return 0.0;
  }
}

double Init::variance(Index fan_in, Index fan_out) const {
  switch (kind) {
    case InitKind::uniform:
      return (b - a) * (b - a) / 12.0;
    case InitKind::normal:
      return b * b;
    case InitKind::constant:
      return 0.0;
    case InitKind::orthogonal:
      return a * a / static_cast<double>(std::max(fan_in, fan_out));
    default: {
      const Draw d = fan_draw(kind, fan_in, fan_out);
      return d.uniform ? d.p2 * d.p2 / 3.0 : d.p2 * d.p2;
    }
  }
}

template <class T>
void Init::fill(MatrixMap<T> W, Rng& rng) const {
  const Index rows = W.rows(), cols = W.cols();
  if (kind == InitKind::orthogonal) {
    // Factor the taller orientation so that Q has orthonormal columns, then transpose back.
    const bool transposed = rows < cols;
    Eigen::MatrixXd G(std::max(rows, cols), std::min(rows, cols));
    for (Index r = 0; r < rows; ++r)
      for (Index c = 0; c < cols; ++c) (transposed ? G(c, r) : G(r, c)) = rng.normal();
    Eigen::HouseholderQR<Eigen::MatrixXd> qr(G);
    Eigen::MatrixXd Q = qr.householderQ() * Eigen::MatrixXd::Identity(G.rows(), G.cols());
    const Eigen::MatrixXd R = qr.matrixQR().topRows(G.cols()).triangularView<Eigen::Upper>();
    for (Index k = 0; k < G.cols(); ++k)
      if (R(k, k) < 0) Q.col(k) = -Q.col(k);
    Q *= a;
    if (transposed)
      W = Q.transpose().cast<T>();
    else
      W = Q.cast<T>();
    return;
  }
  const Draw fan = fan_draw(kind, cols, rows);
  for (Index r = 0; r < rows; ++r)
    for (Index c = 0; c < cols; ++c) W(r, c) = static_cast<T>(draw(*this, fan, rng));
}

template <class T>
void Init::fill_bias(VectorMap<T> b, Index fan_in, Rng& rng) const {
  if (kind == InitKind::orthogonal) {
    // A vector has no orthogonal structure: draw it as a unit vector times the gain.
    Eigen::VectorXd v(b.size());
    for (Index i = 0; i < b.size(); ++i) v(i) = rng.normal();
    b = (a * v / std::max(v.norm(), 1e-300)).cast<T>();
    return;
  }
  const Draw fan = fan_draw(kind, fan_in, b.size());
  for (Index i = 0; i < b.size(); ++i) b(i) = static_cast<T>(draw(*this, fan, rng));
}

template void Init::fill<float>(MatrixMap<float>, Rng&) const;
template void Init::fill<double>(MatrixMap<double>, Rng&) const;
template void Init::fill_bias<float>(VectorMap<float>, Index, Rng&) const;
template void Init::fill_bias<double>(VectorMap<double>, Index, Rng&) const;

}  // namespace mlpscope
