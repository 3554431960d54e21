#include "run/diagnosis.h"

#include <array>
#include <cmath>

#include "core/error.h"
#include "core/strings.h"
#include "core/threads.h"
#include "diagnose/probes.h"
#include "run/memory.h"
#include "train/evaluate.h"

namespace mlpscope {

namespace {

// The homogeneity scan fits a slope over many scales: a looser tolerance is enough.
constexpr int kScanIterations = 30;
constexpr double kScanTolerance = 1e-3;

constexpr std::array<OptionInfo, 3> kDiagnoseOptions{{
    {"probe-samples", "1000", "samples of the training data to measure on"},
    {"homogeneity", "false",
     "scale every weight by c over --scales and fit how output, gradient and sharpness grow"},
    {"scales", "0.25,4,9", "LOW,HIGH,POINTS: the log-spaced scales of --homogeneity"},
}};

template <class T>
HomogeneityPoint measure_scaled(const Network<T>& base, double c, Prober<T>& prober) {
  Network<T> net = base;
  for (Index l = 0; l < net.num_layers(); ++l) net.W(l) *= static_cast<T>(c);
  Workspace<T> ws;
  net.forward(prober.inputs(), ws);
  HomogeneityPoint p;
  p.scale = c;
  const Matrix<double> logits = ws.Z.back().template cast<double>();
  p.output_std = std::sqrt((logits.array() - logits.mean()).square().mean());
  p.loss = net.loss_sum(ws, prober.labels().data()) / static_cast<double>(logits.cols());
  Vector<T> grads;
  net.backward(prober.inputs(), prober.labels().data(), ws, grads);
  p.grad_norm = grads.template cast<double>().norm();
  p.sharpness = sharpness(net, prober.inputs(), prober.labels(), 0, kScanIterations, kScanTolerance)
                    .lambda_max;
  return p;
}

template <class T>
Homogeneity homogeneity(const Network<T>& net, Prober<T>& prober, const DiagnoseConfig& o) {
  if (o.scale_points < 2 || !(o.scale_low > 0) || !(o.scale_high > o.scale_low))
    throw Error("homogeneity needs at least two scales with 0 < low < high");
  Homogeneity h;
  h.depth = static_cast<int>(net.num_layers());
  std::vector<double> c, out, grad, sharp;
  for (int i = 0; i < o.scale_points; ++i) {
    const double t = static_cast<double>(i) / (o.scale_points - 1);
    const double scale = o.scale_low * std::pow(o.scale_high / o.scale_low, t);
    h.points.push_back(measure_scaled(net, scale, prober));
    c.push_back(scale);
    out.push_back(h.points.back().output_std);
    grad.push_back(h.points.back().grad_norm);
    sharp.push_back(h.points.back().sharpness);
  }
  h.output_exponent = log_log_slope(c, out);
  h.grad_exponent = log_log_slope(c, grad);
  h.sharpness_exponent = log_log_slope(c, sharp);
  return h;
}

template <class T>
Network<T> network_of(const Model& model, const Architecture& arch) {
  Network<T> net(arch);
  model.copy_to(net);
  return net;
}

template <class T>
Diagnosis diagnose_typed(const RunConfig& config, const PreparedData& data, const DiagnoseConfig& o,
                         const Model* start) {
  const Architecture arch = make_architecture(config, data.train);
  check_run_memory(config, arch, data, WatchConfig{std::max<Index>(o.probe_samples, 1), 0, 0});
  const Network<T> net = start ? network_of<T>(*start, arch) : initial_network<T>(config, arch);
  Prober<T> prober(data.train, std::max<Index>(o.probe_samples, 1), config.seed, -1);
  Diagnosis d;
  prober.measure(net, nullptr, d.at_init);
  Workspace<T> ws;
  net.forward(prober.inputs(), ws);
  d.at_init.loss =
      net.loss_sum(ws, prober.labels().data()) / static_cast<double>(prober.labels().size());
  d.at_init.accuracy = static_cast<double>(count_correct(ws.P, prober.labels().data())) /
                       static_cast<double>(prober.labels().size());
  d.at_init.lr = config.lr;
  d.sharpness = sharpness(net, prober.inputs(), prober.labels(), config.seed,
                          kInitialSharpnessIterations, kInitialSharpnessTolerance);
  d.at_init.sharpness = d.sharpness.lambda_max;
  d.max_stable_lr = max_stable_lr(d.sharpness.lambda_max, config.optimizer.momentum());
  d.facts = run_facts(config, arch, prober.input_moments());
  const Index n = data.train.size(), batch = config.batch == 0 ? n : std::min(config.batch, n);
  d.facts.budget_steps = static_cast<long long>(config.epochs) * ((n + batch - 1) / batch);
  d.facts.sharpness_at_init = d.sharpness.lambda_max;
  d.theory = d.facts.theory;
  if (d.max_stable_lr) {
    d.regime_bounds = predicted_regime_bounds(*d.max_stable_lr, arch);
    d.regime = regime_of(config.lr, *d.regime_bounds, d.facts.adaptive);
  }
  d.prediction = predict_run(d.at_init, d.facts);
  if (o.homogeneity) d.homogeneity = homogeneity(net, prober, o);
  return d;
}

}  // namespace

double log_log_slope(const std::vector<double>& x, const std::vector<double>& y) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int n = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!(x[i] > 0) || !(y[i] > 0) || !std::isfinite(y[i])) continue;
    const double lx = std::log(x[i]), ly = std::log(y[i]);
    sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly;
    ++n;
  }
  const double denominator = n * sxx - sx * sx;
  return n >= 2 && denominator != 0 ? (n * sxy - sx * sy) / denominator : std::nan("");
}

Diagnosis diagnose(const RunConfig& config, const PreparedData& data, const DiagnoseConfig& options,
                   const Model* start) {
  set_threads(config.threads);
  return config.f64 ? diagnose_typed<double>(config, data, options, start)
                    : diagnose_typed<float>(config, data, options, start);
}

std::span<const OptionInfo> diagnose_options() { return kDiagnoseOptions; }

DiagnoseConfig parse_diagnose_config(const OptionValues& values) {
  OptionValues v;
  for (const auto& o : kDiagnoseOptions) v[o.name] = o.default_value;
  for (const auto& [name, value] : values) v[name] = value;
  DiagnoseConfig dc;
  const long long probe = setting_integer(v["probe-samples"], "probe-samples");
  if (probe < 1 || probe > 100000) setting_error("probe-samples", "must be in [1, 100000]");
  dc.probe_samples = static_cast<Index>(probe);
  const std::string& homogeneity = v["homogeneity"];
  if (homogeneity != "true" && homogeneity != "false")
    setting_error("homogeneity", "expected true or false, got '" + homogeneity + "'");
  dc.homogeneity = homogeneity == "true";
  if (dc.homogeneity) {
    const auto range = split(v["scales"], ',');
    if (range.size() != 3) setting_error("scales", "expected LOW,HIGH,POINTS, e.g. 0.25,4,9");
    dc.scale_low = setting_double(range[0], "scales");
    dc.scale_high = setting_double(range[1], "scales");
    dc.scale_points = static_cast<int>(setting_integer(range[2], "scales"));
    if (!(dc.scale_low > 0) || !(dc.scale_high > dc.scale_low) || dc.scale_points < 2 ||
        dc.scale_points > 100)
      setting_error("scales", "needs 0 < LOW < HIGH and 2 <= POINTS <= 100");
  }
  return dc;
}

}  // namespace mlpscope
