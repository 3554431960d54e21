#include "run/lr_range_test.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/error.h"
#include "core/random.h"
#include "core/strings.h"
#include "core/threads.h"
#include "diagnose/probes.h"
#include "run/memory.h"
#include "train/update.h"

namespace mlpscope {

namespace {

// λ0 as `mlpscope diagnose` measures it (run/diagnosis.cpp): the same probe set, Lanczos
// start and tolerance, so the two commands print the same value.

constexpr std::array<OptionInfo, 5> kLrRangeOptions{{
    {"lr-min", "1e-6", "the learning rate of the first step"},
    {"lr-max", "10", "the learning rate of the last step (the rate grows geometrically)"},
    {"steps", "100", "optimizer steps of the test (it stops early once the loss blows up)"},
    {"smoothing", "0.98", "β of the loss's moving average (0: no smoothing)"},
    {"probe-samples", "1000", "samples of the training data to measure λ0 on"},
}};

// Successive minibatches of the training set, reshuffled at each pass (stream 2 of the
// seed, as training shuffles).
class Batches {
 public:
  Batches(const Dataset& data, Index batch, std::uint64_t seed)
      : data_(data),
        n_(data.size()),
        batch_(batch == 0 ? n_ : std::min(batch, n_)),
        rng_(seed, 2),
        order_(static_cast<std::size_t>(n_)),
        labels_(static_cast<std::size_t>(batch_)) {
    std::iota(order_.begin(), order_.end(), 0);
  }

  template <class T>
  Index next(Matrix<T>& X) {
    if (next_ == 0 && batch_ < n_) rng_.shuffle(order_);
    const Index count = std::min(batch_, n_ - next_);
    data_.gather(order_.data() + next_, count, X, labels_.data());
    next_ = next_ + count == n_ ? 0 : next_ + count;
    return count;
  }
  const std::int32_t* labels() const { return labels_.data(); }

 private:
  const Dataset& data_;
  Index n_, batch_, next_ = 0;
  Rng rng_;
  std::vector<std::int32_t> order_, labels_;
};

template <class T>
void run_curve(Network<T>& net, const Dataset& train, const RunConfig& config, LrRangeResult& r) {
  const LrRangeConfig& o = r.config;
  const auto update = make_update<T>(config.optimizer, net.params().size());
  Batches batches(train, config.batch, config.seed);
  Matrix<T> X;
  Workspace<T> ws;
  double average = 0.0, best = std::numeric_limits<double>::infinity();
  for (int i = 0; i < o.steps; ++i) {
    const Index count = batches.next(X);
    net.forward(X, ws);
    LrRangePoint p;
    p.step = i + 1;
    p.lr = lr_at_step(o, i);
    p.loss = net.loss_sum(ws, batches.labels()) / static_cast<double>(count);
    average = o.smoothing * average + (1 - o.smoothing) * p.loss;
    p.smoothed = average / (1 - std::pow(o.smoothing, i + 1));
    r.points.push_back(p);
    if (!std::isfinite(p.smoothed) || p.smoothed > o.stop_factor * best) {
      r.stopped_early = true;
      r.diverged_lr = p.lr;
      return;
    }
    best = std::min(best, p.smoothed);
    update->step(net, X, batches.labels(), ws, p.lr);
  }
}

template <class T>
LrRangeResult range_test_typed(const RunConfig& config, const PreparedData& data,
                               const LrRangeConfig& o) {
  if (data.train.size() == 0)
    throw Error(data.train.name + " holds no samples: there is nothing to train on");
  const Architecture arch = make_architecture(config, data.train);
  check_run_memory(config, arch, data, WatchConfig{o.probe_samples, 0, 0});
  Network<T> net = initial_network<T>(config, arch);
  LrRangeResult r;
  r.config = o;
  Prober<T> prober(data.train, o.probe_samples, config.seed, -1);
  r.probe_samples = prober.inputs().cols();
  r.sharpness = sharpness(net, prober.inputs(), prober.labels(), config.seed,
                          kInitialSharpnessIterations, kInitialSharpnessTolerance);
  r.max_stable_lr = max_stable_lr(r.sharpness.lambda_max, config.optimizer.momentum());
  r.adaptive = config.optimizer.row().adaptive;
  run_curve(net, data.train, config, r);
  const int low = minimum_index(r.points);
  if (low < 0) return r;
  r.min_loss_lr = r.points[static_cast<std::size_t>(low)].lr;
  r.descent = 1 - r.points[static_cast<std::size_t>(low)].smoothed / r.points.front().smoothed;
  const int steep = steepest_descent_index(r.points, slope_window(o));
  if (steep >= 0 && r.descent >= kMinDescent)
    r.steepest_lr = r.points[static_cast<std::size_t>(steep)].lr;
  return r;
}

}  // namespace

LrRegime LrRangeResult::regime_of(double lr) const {
  if (diverged_lr && lr >= *diverged_lr) return LrRegime::divergent;
  if (!max_stable_lr) return LrRegime::unknown;
  if (lr < *max_stable_lr) return LrRegime::stable;
  return diverged_lr ? LrRegime::catapult : LrRegime::unknown;
}

LrRegime LrRangeResult::suggested_regime() const {
  return steepest_lr ? regime_of(*steepest_lr) : LrRegime::unknown;
}

double lr_at_step(const LrRangeConfig& o, int i) {
  if (o.steps < 2) return o.lr_min;
  const double t = static_cast<double>(i) / (o.steps - 1);
  return o.lr_min * std::pow(o.lr_max / o.lr_min, t);
}

int minimum_index(const std::vector<LrRangePoint>& points) {
  int best = -1;
  for (std::size_t i = 0; i < points.size(); ++i)
    if (std::isfinite(points[i].smoothed) &&
        (best < 0 || points[i].smoothed < points[static_cast<std::size_t>(best)].smoothed))
      best = static_cast<int>(i);
  return best;
}

int steepest_descent_index(const std::vector<LrRangePoint>& points, int window) {
  // The slope of s against log lr over ±window steps, at the points whose window lies
  // within the curve from step 2·window on (10 of 100: fastai v1 skipped the first 10 too)
  // up to the minimum (past it the loss only rises). At the start the moving average has
  // seen few batches and wobbles with them, and a slope there points at the noise; over a
  // window rather than one step for the same reason; and right before the minimum the lag
  // of the average makes it fall fastest, so one window is left out there.
  const int last = minimum_index(points);
  int steepest = -1;
  double slope_min = 0.0;
  for (int i = 3 * window; i + window <= last; ++i) {
    const auto a = static_cast<std::size_t>(i - window), b = static_cast<std::size_t>(i + window);
    const double slope = (points[b].smoothed - points[a].smoothed) /
                         (std::log(points[b].lr) - std::log(points[a].lr));
    if (slope < slope_min) slope_min = slope, steepest = i;
  }
  return steepest;
}

int slope_window(const LrRangeConfig& options) { return std::max(1, options.steps / 20); }

LrRangeResult lr_range_test(const RunConfig& config, const PreparedData& data,
                            const LrRangeConfig& options) {
  set_threads(config.threads);
  return config.f64 ? range_test_typed<double>(config, data, options)
                    : range_test_typed<float>(config, data, options);
}

std::span<const OptionInfo> lr_range_options() { return kLrRangeOptions; }

LrRangeConfig parse_lr_range_config(const OptionValues& values) {
  OptionValues v;
  for (const auto& o : kLrRangeOptions) v[o.name] = o.default_value;
  for (const auto& [name, value] : values) v[name] = value;
  LrRangeConfig c;
  c.lr_min = setting_double(v["lr-min"], "lr-min");
  if (!(c.lr_min > 0) || !std::isfinite(c.lr_min)) setting_error("lr-min", "must be positive");
  c.lr_max = setting_double(v["lr-max"], "lr-max");
  if (!(c.lr_max > c.lr_min) || !std::isfinite(c.lr_max))
    setting_error("lr-max", "must be greater than --lr-min");
  const long long steps = setting_integer(v["steps"], "steps");
  if (steps < 2 || steps > 100000) setting_error("steps", "must be in [2, 100000]");
  c.steps = static_cast<int>(steps);
  c.smoothing = setting_double(v["smoothing"], "smoothing");
  if (!(c.smoothing >= 0 && c.smoothing < 1)) setting_error("smoothing", "must be in [0, 1)");
  const long long probe = setting_integer(v["probe-samples"], "probe-samples");
  if (probe < 1 || probe > 100000) setting_error("probe-samples", "must be in [1, 100000]");
  c.probe_samples = static_cast<Index>(probe);
  return c;
}

}  // namespace mlpscope
