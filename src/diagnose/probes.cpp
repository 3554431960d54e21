#include "diagnose/probes.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/random.h"
#include "diagnose/sharpness.h"
#include "diagnose/thresholds.h"

namespace mlpscope {

namespace {

template <class T>
std::pair<double, double> mean_std(const Matrix<T>& M) {
  const double n = static_cast<double>(M.size());
  const double mean = M.template cast<double>().sum() / n;
  const double var = (M.template cast<double>().array() - mean).square().sum() / n;
  return {mean, std::sqrt(var)};
}

}  // namespace

template <class T>
LayerStats layer_stats(const Activation& activation, bool is_output, const Matrix<T>& Z,
                       const Matrix<T>& A) {
  LayerStats s;
  std::tie(s.preact_mean, s.preact_std) = mean_std(Z);
  std::tie(s.act_mean, s.act_std) = mean_std(A);
  if (is_output) return s;
  const Index units = A.rows(), samples = A.cols();
  if (activation.can_die()) {
    Index dead = 0;
    for (Index u = 0; u < units; ++u) dead += (A.row(u).array() == T(0)).all();
    s.dead_fraction = static_cast<double>(dead) / static_cast<double>(units);
  }
  if (activation.can_saturate()) {
    Index saturated = 0;
    const double need = thresholds::kSaturatedSampleShare * static_cast<double>(samples);
    for (Index u = 0; u < units; ++u) {
      Index count = 0;
      for (Index j = 0; j < samples; ++j)
        count += activation.derivative_share(static_cast<double>(A(u, j))) <
                 thresholds::kSaturatedDerivativeShare;
      saturated += static_cast<double>(count) >= need;
    }
    s.saturated_fraction = static_cast<double>(saturated) / static_cast<double>(units);
  }
  return s;
}

template <class T>
OutputStats output_stats(const Matrix<T>& P) {
  OutputStats o;
  const Index K = P.rows(), N = P.cols();
  std::vector<Index> predicted(static_cast<std::size_t>(K), 0);
  double top_sum = 0.0;
  Index confident = 0;
  for (Index j = 0; j < N; ++j) {
    Index best = 0;
    const double top = static_cast<double>(P.col(j).maxCoeff(&best));
    top_sum += top;
    confident += top > thresholds::kConfidentProbability;
    ++predicted[static_cast<std::size_t>(best)];
  }
  o.mean_top_probability = top_sum / static_cast<double>(N);
  o.confident_fraction = static_cast<double>(confident) / static_cast<double>(N);
  o.majority_fraction = static_cast<double>(*std::max_element(predicted.begin(), predicted.end())) /
                        static_cast<double>(N);
  o.predicted_classes =
      std::count_if(predicted.begin(), predicted.end(), [](Index c) { return c > 0; });
  return o;
}

// During training sharpness is a monitor, not a measurement to publish: fewer power
// iterations (diagnose uses 100 and 1e-4).
constexpr int kTrainingIterations = 20;
constexpr double kTrainingTolerance = 1e-3;

template <class T>
Prober<T>::Prober(const Dataset& train, Index size, std::uint64_t seed, int sharpness_every,
                  SharpnessMemo* memo)
    : sharpness_every_(sharpness_every), seed_(seed), memo_(memo), train_(&train) {
  const Index n = std::min(size, train.size());
  std::vector<std::int32_t> order(static_cast<std::size_t>(train.size()));
  std::iota(order.begin(), order.end(), 0);
  if (n < train.size()) {
    Rng rng(seed, 3);
    rng.shuffle(order);
    order.resize(static_cast<std::size_t>(n));
    std::sort(order.begin(), order.end());
  }
  labels_.resize(static_cast<std::size_t>(n));
  train.gather(order.data(), n, X_, labels_.data());
  if (n > 0) moments_ = mlpscope::input_moments(X_);
}

template <class T>
void Prober<T>::measure(const Network<T>& net, const Vector<T>* previous_params,
                        EpochRecord& record) {
  measure_layers(net, previous_params, record);
  // λmax is taken after the layers' workspace and gradients are released: the two
  // working sets never add up in the run's peak memory.
  const bool due =
      !record.within_epoch && sharpness_every_ >= 0 &&
      (record.epoch == 0 || (sharpness_every_ > 0 && record.epoch % sharpness_every_ == 0));
  // At initialization λ0 decides the verdict's bounds: measured as diagnose measures it.
  // Later ones, only watched, take fewer products.
  const bool initial = record.epoch == 0;
  if (!due || !net.params().allFinite()) return;
  record.sharpness =
      initial
          ? initial_sharpness(net)
          : sharpness(net, X_, labels_, seed_, kTrainingIterations, kTrainingTolerance).lambda_max;
}

template <class T>
double Prober<T>::initial_sharpness(const Network<T>& net) const {
  const auto measure = [&] {
    return sharpness(net, X_, labels_, seed_, kInitialSharpnessIterations,
                     kInitialSharpnessTolerance)
        .lambda_max;
  };
  if (!memo_) return measure();
  // Everything λ0 depends on: the probe set (its source, size and seed), the Lanczos seed,
  // the architecture with its activation and head, the scalar type and the parameters.
  const Architecture& arch = net.arch();
  std::string key =
      std::to_string(reinterpret_cast<std::uintptr_t>(train_)) + ' ' + std::to_string(X_.cols()) +
      ' ' + std::to_string(seed_) + ' ' + arch.describe() + ' ' + arch.activation.name() + ' ' +
      std::to_string(static_cast<int>(arch.head.output)) + ' ' +
      std::to_string(static_cast<int>(arch.head.loss)) + ' ' + std::to_string(sizeof(T)) + ' ';
  const double slope = arch.activation.slope;
  key.append(reinterpret_cast<const char*>(&slope), sizeof slope);
  key.append(reinterpret_cast<const char*>(net.params().data()),
             static_cast<std::size_t>(net.params().size()) * sizeof(T));
  return memo_->lambda0(key, measure);
}

template <class T>
void Prober<T>::measure_layers(const Network<T>& net, const Vector<T>* previous_params,
                               EpochRecord& record) const {
  const Architecture& arch = net.arch();
  const Index L = arch.num_layers();
  // The gradients are the probe's own: the network being trained is only read.
  Vector<T> grads;
  Workspace<T> ws;
  net.forward(X_, ws);
  net.backward(X_, labels_.data(), ws, grads);
  record.layers.clear();
  for (Index l = 0; l < L; ++l) {
    const bool is_output = l == L - 1;
    const auto k = static_cast<std::size_t>(l);
    LayerStats s = layer_stats(arch.activation, is_output, ws.Z[k], is_output ? ws.P : ws.A[k]);
    const Index begin = arch.offset(l), count = arch.offset(l + 1) - begin;
    s.weight_norm = static_cast<double>(net.W(l).norm());
    s.grad_norm = grads.segment(begin, count).template cast<double>().norm();
    if (previous_params && previous_params->size() == net.params().size()) {
      const auto now = net.params().segment(begin, count).template cast<double>();
      const auto before = previous_params->segment(begin, count).template cast<double>();
      const double denominator = before.norm();
      s.update_ratio = denominator > 0 ? (now - before).norm() / denominator : 0.0;
    }
    record.layers.push_back(s);
  }
  record.output = output_stats(ws.P);
  // The per-sample loss gradient at the logits: what the output passes back at all.
  Matrix<T> dZ;
  arch.head.backward(ws.Z.back(), ws.P, labels_.data(), dZ);
  record.output->logit_gradient =
      dZ.template cast<double>().colwise().norm().mean() * static_cast<double>(dZ.cols());
}

template class Prober<float>;
template class Prober<double>;
template LayerStats layer_stats<float>(const Activation&, bool, const Matrix<float>&,
                                       const Matrix<float>&);
template LayerStats layer_stats<double>(const Activation&, bool, const Matrix<double>&,
                                        const Matrix<double>&);
template OutputStats output_stats<float>(const Matrix<float>&);
template OutputStats output_stats<double>(const Matrix<double>&);

}  // namespace mlpscope
