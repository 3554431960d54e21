#include "nn/init.h"

#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "core/dtype_row.h"
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

// The law of one weight: U(p1, p2), N(p1, p2²), or the constant p1.
struct Draw {
  enum Law { uniform, normal, constant } law;
  double p1, p2;

  double sample(Rng& rng) const {
    switch (law) {
      case uniform:
        return rng.uniform(p1, p2);
      case normal:
        return rng.normal(p1, p2);
      case constant:
        break;
    }
    return p1;
  }
};

// An initializer whose weights are independent draws of Rule::draw's law: W row by row,
// then b, each weight one draw.
template <class Rule>
struct Drawn {
  template <class T>
  static void fill(const Init& init, MatrixMap<T> W, Rng& rng) {
    const Index rows = W.rows(), cols = W.cols();
    const Draw d = Rule::draw(init, cols, rows);
    for (Index r = 0; r < rows; ++r)
      for (Index c = 0; c < cols; ++c) W(r, c) = static_cast<T>(d.sample(rng));
  }
  template <class T>
  static void fill_bias(const Init& init, VectorMap<T> b, Index fan_in, Rng& rng) {
    const Draw d = Rule::draw(init, fan_in, b.size());
    for (Index i = 0; i < b.size(); ++i) b(i) = static_cast<T>(d.sample(rng));
  }
};

// Each initializer: the law of a weight, its mean and variance, side by side.

struct Uniform : Drawn<Uniform> {  // U(a, b)
  static Draw draw(const Init& i, Index, Index) { return {Draw::uniform, i.a, i.b}; }
  static double mean(const Init& i, Index, Index) { return 0.5 * (i.a + i.b); }
  static double variance(const Init& i, Index, Index) { return (i.b - i.a) * (i.b - i.a) / 12.0; }
};

struct Normal : Drawn<Normal> {  // N(a, b²)
  static Draw draw(const Init& i, Index, Index) { return {Draw::normal, i.a, i.b}; }
  static double mean(const Init& i, Index, Index) { return i.a; }
  static double variance(const Init& i, Index, Index) { return i.b * i.b; }
};

struct Constant : Drawn<Constant> {  // a, drawing nothing
  static Draw draw(const Init& i, Index, Index) { return {Draw::constant, i.a, 0.0}; }
  static double mean(const Init& i, Index, Index) { return i.a; }
  static double variance(const Init&, Index, Index) { return 0.0; }
};

// The fan a scaled initializer divides by: fan_in (He, LeCun) or fan_in + fan_out (Glorot).
// Its numerator C (2, 6, 1, 3) is an int template argument: clang 14, which builds the
// fuzz targets, does not take a double there yet.
double fan_in_only(Index fan_in, Index) { return static_cast<double>(fan_in); }
double fan_sum(Index fan_in, Index fan_out) { return static_cast<double>(fan_in + fan_out); }

template <int C, double (*Fan)(Index, Index)>
struct FanNormal : Drawn<FanNormal<C, Fan>> {  // N(0, C/fan)
  static Draw draw(const Init&, Index in, Index out) {
    return {Draw::normal, 0.0, std::sqrt(static_cast<double>(C) / Fan(in, out))};
  }
  static double mean(const Init&, Index, Index) { return 0.0; }
  static double variance(const Init& i, Index in, Index out) {
    const double sd = draw(i, in, out).p2;
    return sd * sd;
  }
};

template <int C, double (*Fan)(Index, Index)>
struct FanUniform : Drawn<FanUniform<C, Fan>> {  // U(±sqrt(C/fan)), variance C/(3·fan)
  static Draw draw(const Init&, Index in, Index out) {
    const double bound = std::sqrt(static_cast<double>(C) / Fan(in, out));
    return {Draw::uniform, -bound, bound};
  }
  static double mean(const Init&, Index, Index) { return 0.0; }
  static double variance(const Init& i, Index in, Index out) {
    const double bound = draw(i, in, out).p2;
    return bound * bound / 3.0;
  }
};

using HeNormal = FanNormal<2, fan_in_only>;
using HeUniform = FanUniform<6, fan_in_only>;
using XavierNormal = FanNormal<2, fan_sum>;
using XavierUniform = FanUniform<6, fan_sum>;
using LecunNormal = FanNormal<1, fan_in_only>;
using LecunUniform = FanUniform<3, fan_in_only>;

struct Orthogonal {  // a·Q; an entry's variance is a²/max(fan_in, fan_out)
  static double mean(const Init&, Index, Index) { return 0.0; }
  static double variance(const Init& i, Index fan_in, Index fan_out) {
    return i.a * i.a / static_cast<double>(std::max(fan_in, fan_out));
  }
  template <class T>
  static void fill(const Init& init, MatrixMap<T> W, Rng& rng) {
    const Index rows = W.rows(), cols = W.cols();
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
    Q *= init.a;
    if (transposed)
      W = Q.transpose().cast<T>();
    else
      W = Q.cast<T>();
  }
  // A vector has no orthogonal structure: draw it as a unit vector times the gain.
  template <class T>
  static void fill_bias(const Init& init, VectorMap<T> b, Index, Rng& rng) {
    Eigen::VectorXd v(b.size());
    for (Index i = 0; i < b.size(); ++i) v(i) = rng.normal();
    b = (init.a * v / std::max(v.norm(), 1e-300)).cast<T>();
  }
};

// The parameters after the name, into a and b.

void read_none(Init&, const std::string& spelled, const std::string& args,
               const std::string& option) {
  if (!args.empty()) setting_error(option, "'" + spelled + "' takes no parameter");
}

void read_uniform(Init& init, const std::string&, const std::string& args,
                  const std::string& option) {
  const auto v = parse_numbers(args, 2, option, "uniform:LOW,HIGH, e.g. uniform:-1,1");
  if (!(v[0] < v[1])) setting_error(option, "uniform:LOW,HIGH needs LOW < HIGH");
  init.a = v[0];
  init.b = v[1];
}

void read_normal(Init& init, const std::string&, const std::string& args,
                 const std::string& option) {
  const auto v = parse_numbers(args, 2, option, "normal:MEAN,STD, e.g. normal:0,0.1");
  if (v[1] < 0) setting_error(option, "normal:MEAN,STD needs STD >= 0");
  init.a = v[0];
  init.b = v[1];
}

// const:V, constant:V, and zeros and ones, which take no value.
void read_constant(Init& init, const std::string& spelled, const std::string& args,
                   const std::string& option) {
  if (spelled == "zeros" || spelled == "ones") {
    read_none(init, spelled, args, option);
    init.a = spelled == "ones" ? 1.0 : 0.0;
    return;
  }
  init.a = parse_numbers(args, 1, option, "const:VALUE, e.g. const:0.1")[0];
}

void read_gain(Init& init, const std::string&, const std::string& args, const std::string& option) {
  init.a = 1.0;
  if (!args.empty()) init.a = parse_numbers(args, 1, option, "orthogonal[:GAIN]")[0];
}

template <class Rule, class T>
constexpr InitRow::Kernels<T> kernels() {
  return {&Rule::template fill<T>, &Rule::template fill_bias<T>};
}

template <class Rule>
constexpr InitRow make_row(InitKind kind, std::string_view name,
                           std::array<std::string_view, 3> aliases, std::string_view form,
                           std::string_view formula, std::string_view reference, int parameters,
                           decltype(InitRow::read) read) {
  return {kind,
          name,
          aliases,
          form,
          formula,
          reference,
          parameters,
          read,
          Rule::mean,
          Rule::variance,
          kernels<Rule, float>(),
          kernels<Rule, double>()};
}

constexpr InitRow kInits[] = {
    make_row<Uniform>(InitKind::uniform, "uniform", {}, "uniform:LOW,HIGH",
                      "U(LOW, HIGH); Var = (HIGH − LOW)²/12", "", 2, read_uniform),
    make_row<Normal>(InitKind::normal, "normal", {}, "normal:MEAN,STD", "N(MEAN, STD²); Var = STD²",
                     "", 2, read_normal),
    make_row<Constant>(InitKind::constant, "const", {"constant", "zeros", "ones"}, "const:VALUE",
                       "every weight VALUE (zeros = const:0, ones = const:1); Var = 0", "", 1,
                       read_constant),
    make_row<HeNormal>(InitKind::he_normal, "he_normal", {"kaiming_normal"}, "he_normal",
                       "N(0, 2/fan_in); Var = 2/fan_in",
                       "He et al. 2015, \"Delving Deep into Rectifiers\"", 0, read_none),
    make_row<HeUniform>(InitKind::he_uniform, "he_uniform", {"kaiming_uniform"}, "he_uniform",
                        "U(±sqrt(6/fan_in)); Var = 2/fan_in",
                        "He et al. 2015, \"Delving Deep into Rectifiers\"", 0, read_none),
    make_row<XavierNormal>(InitKind::xavier_normal, "xavier_normal", {"glorot_normal"},
                           "xavier_normal",
                           "N(0, 2/(fan_in + fan_out)); Var = 2/(fan_in + fan_out)",
                           "Glorot & Bengio 2010", 0, read_none),
    make_row<XavierUniform>(InitKind::xavier_uniform, "xavier_uniform", {"glorot_uniform"},
                            "xavier_uniform",
                            "U(±sqrt(6/(fan_in + fan_out))); Var = 2/(fan_in + fan_out)",
                            "Glorot & Bengio 2010", 0, read_none),
    make_row<LecunNormal>(InitKind::lecun_normal, "lecun_normal", {}, "lecun_normal",
                          "N(0, 1/fan_in); Var = 1/fan_in",
                          "LeCun et al. 1998, \"Efficient BackProp\"", 0, read_none),
    make_row<LecunUniform>(InitKind::lecun_uniform, "lecun_uniform", {}, "lecun_uniform",
                           "U(±sqrt(3/fan_in)); Var = 1/fan_in",
                           "LeCun et al. 1998, \"Efficient BackProp\"", 0, read_none),
    make_row<Orthogonal>(InitKind::orthogonal, "orthogonal", {}, "orthogonal[:GAIN]",
                         "GAIN·Q, Q orthonormal from the QR of a Gaussian matrix (signs of R's "
                         "diagonal folded in); Var = GAIN²/max(fan_in, fan_out)",
                         "Saxe, McClelland & Ganguli 2014", 1, read_gain),
};

std::string choices() {
  std::string list;
  for (const InitRow& r : kInits) {
    if (!list.empty()) list += ", ";
    list += r.form;
  }
  return list;
}

bool answers_to(const InitRow& r, std::string_view name) {
  if (name == r.name) return true;
  return std::any_of(r.aliases.begin(), r.aliases.end(),
                     [&](std::string_view alias) { return !alias.empty() && alias == name; });
}

std::string number(double x) {
  std::string s = std::to_string(x);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

std::span<const InitRow> init_table() { return kInits; }

const InitRow& Init::row() const { return kInits[static_cast<int>(kind)]; }

Init Init::parse(std::string_view spec, const std::string& option) {
  const auto [kind, args] = split_kind(spec);
  for (const InitRow& r : kInits) {
    if (!answers_to(r, kind)) continue;
    Init init{r.kind, 0.0, 0.0};
    r.read(init, kind, args, option);
    return init;
  }
  std::string message = "unknown initializer '";
  message += kind;
  message += "' (choose ";
  message += choices();
  message += ')';
  setting_error(option, message);
}

std::string Init::name() const {
  std::string s(row().name);
  if (row().parameters >= 1) {
    s += ':';
    s += number(a);
  }
  if (row().parameters >= 2) {
    s += ',';
    s += number(b);
  }
  return s;
}

double Init::mean(Index fan_in, Index fan_out) const { return row().mean(*this, fan_in, fan_out); }

double Init::variance(Index fan_in, Index fan_out) const {
  return row().variance(*this, fan_in, fan_out);
}

template <class T>
void Init::fill(MatrixMap<T> W, Rng& rng) const {
  for_dtype<T>(row()).fill(*this, W, rng);
}

template <class T>
void Init::fill_bias(VectorMap<T> b, Index fan_in, Rng& rng) const {
  for_dtype<T>(row()).fill_bias(*this, b, fan_in, rng);
}

template void Init::fill<float>(MatrixMap<float>, Rng&) const;
template void Init::fill<double>(MatrixMap<double>, Rng&) const;
template void Init::fill_bias<float>(VectorMap<float>, Index, Rng&) const;
template void Init::fill_bias<double>(VectorMap<double>, Index, Rng&) const;

}  // namespace mlpscope
