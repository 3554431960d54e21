#include "data/synthetic.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <numbers>

#include "core/error.h"
#include "core/random.h"

namespace mlpscope {

namespace {

constexpr double kPi = std::numbers::pi;

// Writes one 2-D point of class k (of K) to xy; the formulas are in synthetic.h.
using Generator = void (*)(Rng& rng, Index k, Index K, double noise, double* xy);

void spiral(Rng& rng, Index k, Index K, double noise, double* xy) {
  const double t = rng.uniform01();
  const double theta = 2.0 * kPi * double(k) / double(K) + 4.0 * t + noise * rng.normal();
  xy[0] = t * std::sin(theta);
  xy[1] = t * std::cos(theta);
}

void add_noise(Rng& rng, double noise, double* xy) {
  xy[0] += noise * rng.normal();
  xy[1] += noise * rng.normal();
}

void circles(Rng& rng, Index k, Index, double noise, double* xy) {
  const double theta = 2.0 * kPi * rng.uniform01();
  const double r = k == 0 ? 1.0 : 0.5;
  xy[0] = r * std::cos(theta);
  xy[1] = r * std::sin(theta);
  add_noise(rng, noise, xy);
}

void moons(Rng& rng, Index k, Index, double noise, double* xy) {
  const double theta = kPi * rng.uniform01();
  xy[0] = k == 0 ? std::cos(theta) : 1.0 - std::cos(theta);
  xy[1] = k == 0 ? std::sin(theta) : 0.5 - std::sin(theta);
  add_noise(rng, noise, xy);
}

void xor_quadrants(Rng& rng, Index k, Index, double noise, double* xy) {
  const double a = rng.uniform01();
  const double b = rng.uniform01();
  const double s = rng.below(2) == 0 ? 1.0 : -1.0;
  xy[0] = s * a;
  xy[1] = k == 0 ? s * b : -s * b;
  add_noise(rng, noise, xy);
}

void gaussians(Rng& rng, Index k, Index K, double noise, double* xy) {
  const double angle = 2.0 * kPi * double(k) / double(K);
  xy[0] = 2.0 * std::cos(angle);
  xy[1] = 2.0 * std::sin(angle);
  add_noise(rng, noise, xy);
}

struct Kind {
  const char* name;
  double default_noise;
  bool takes_classes;
  Generator generate;
};

constexpr Kind kKinds[] = {
    {"spiral", 0.1, true, spiral},       {"circles", 0.05, false, circles},
    {"moons", 0.1, false, moons},        {"xor", 0.1, false, xor_quadrants},
    {"gaussians", 0.5, true, gaussians},
};

const Kind& find_kind(const std::string& name) {
  for (const Kind& kind : kKinds)
    if (name == kind.name) return kind;
  throw Error("unknown synthetic data set '" + name +
              "'; valid: spiral, circles, moons, xor, gaussians");
}

// Shortest text that reads back as the same double ("0.1", not "0.100000").
std::string shortest(double value) {
  char text[32];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  return std::string(text, ec == std::errc() ? end : text);
}

void check_kind_options(const Kind& kind, const SyntheticOptions& options) {
  const std::string name = kind.name;
  if (options.n < 1) throw Error(name + ": n=" + std::to_string(options.n) + " must be at least 1");
  if (options.n > std::numeric_limits<std::int32_t>::max())
    throw Error(name + ": n=" + std::to_string(options.n) + " is more than 2^31 - 1 samples");
  const double noise = options.noise.value_or(kind.default_noise);
  if (!(noise >= 0.0) || !std::isfinite(noise))
    throw Error(name + ": noise=" + shortest(noise) + " must be a finite number >= 0");
  if (kind.takes_classes && options.classes < 2)
    throw Error(name + ": classes=" + std::to_string(options.classes) + " must be at least 2");
  if (!kind.takes_classes && options.classes != 2)
    throw Error(name + ": classes=" + std::to_string(options.classes) + ": " + name +
                " always has 2 classes");
  if (options.classes > std::numeric_limits<std::int32_t>::max())
    throw Error(name + ": classes=" + std::to_string(options.classes) + " is too large");
}

}  // namespace

const std::vector<std::string>& synthetic_kinds() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> list;
    for (const Kind& kind : kKinds) list.emplace_back(kind.name);
    return list;
  }();
  return names;
}

bool is_synthetic(const std::string& kind) {
  for (const Kind& k : kKinds)
    if (kind == k.name) return true;
  return false;
}

double default_noise(const std::string& kind) { return find_kind(kind).default_noise; }

bool takes_classes(const std::string& kind) { return find_kind(kind).takes_classes; }

void check_synthetic_options(const std::string& kind, const SyntheticOptions& options) {
  check_kind_options(find_kind(kind), options);
}

std::string synthetic_name(const std::string& kind, const SyntheticOptions& options) {
  const Kind& k = find_kind(kind);
  std::string name = kind + "(n=" + std::to_string(options.n) +
                     ",noise=" + shortest(options.noise.value_or(k.default_noise));
  if (k.takes_classes) name += ",classes=" + std::to_string(options.classes);
  return name + ",seed=" + std::to_string(options.seed) + ")";
}

Dataset make_synthetic(const std::string& kind, const SyntheticOptions& options) {
  const Kind& k = find_kind(kind);
  check_kind_options(k, options);
  const double noise = options.noise.value_or(k.default_noise);
  Dataset data;
  data.name = synthetic_name(kind, options);
  data.dim = 2;
  data.num_classes = options.classes;
  data.values.resize(static_cast<std::size_t>(2 * options.n));
  data.labels.resize(static_cast<std::size_t>(options.n));
  Rng rng(options.seed);
  for (Index i = 0; i < options.n; ++i) {
    const Index label = i % options.classes;
    k.generate(rng, label, options.classes, noise, &data.values[static_cast<std::size_t>(2 * i)]);
    data.labels[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(label);
  }
  data.validate();
  return data;
}

}  // namespace mlpscope
