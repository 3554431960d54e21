#include "diagnose/sharpness.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>

#include "core/random.h"

namespace mlpscope {

namespace {

// ∇L(θ) of the mean loss over (X, labels), in float64. The samples go through in chunks,
// converted to float64 as they are used, so the working set is one chunk's activations
// rather than the whole probe set's: for 1000 Fashion-MNIST samples that was 20 MB of a
// run's peak memory (bench/RESULTS.md, memory).
template <class T>
class GradientOracle {
 public:
  GradientOracle(const Architecture& arch, const Matrix<T>& X,
                 const std::vector<std::int32_t>& labels)
      : net_(arch), X_(X), labels_(labels), chunk_samples_(chunk_samples(arch)) {}

  // As many samples as keep a chunk's float64 inputs and its four matrices per layer (Z,
  // A, dZ, dA) within 1 MiB, and at least 32 (products narrower than that lose more
  // speed than they save memory): 55 for Fashion-MNIST's 784-256-128-10, where chunks of
  // 256 took 5 MB more of the run's peak; a sweep's 2-32-32-2 takes its 400 samples at once.
  static Index chunk_samples(const Architecture& arch) {
    Index doubles_per_sample = arch.sizes.front();
    for (std::size_t i = 1; i < arch.sizes.size(); ++i) doubles_per_sample += 4 * arch.sizes[i];
    return std::max<Index>(32, (Index{1} << 20) / (Index{8} * doubles_per_sample));
  }

  // θ of the next gradients (the network's own storage: no temporary vector).
  Eigen::VectorXd& params() { return net_.params(); }

  // out += scale · ∇L(θ): the mean loss's gradient is the chunks' mean gradients weighted
  // by their shares of the samples.
  void add_gradient(double scale, Eigen::VectorXd& out) {
    const Index n = X_.cols();
    for (Index first = 0; first < n; first += chunk_samples_) {
      const Index count = std::min(chunk_samples_, n - first);
      chunk_ = X_.middleCols(first, count).template cast<double>();
      net_.forward(chunk_, ws_);
      net_.backward(chunk_, labels_.data() + first, ws_, grads_);
      out += (scale * static_cast<double>(count) / static_cast<double>(n)) * grads_;
    }
  }

 private:
  Network<double> net_;
  const Matrix<T>& X_;
  const std::vector<std::int32_t>& labels_;
  const Index chunk_samples_;
  Matrix<double> chunk_;
  Workspace<double> ws_;
  Eigen::VectorXd grads_;  // one chunk's gradient
};

// Lanczos iteration (Lanczos 1950; Golub & Van Loan §10.1) on the Hessian-vector product:
// after k products the top eigenvalue of the k×k tridiagonal matrix T is a lower bound on
// λmax that converges much faster than power iteration, whatever the sign of the other
// eigenvalues. Only the last two Lanczos vectors are kept (memory O(P)); without full
// reorthogonalization the extremal Ritz value stays correct (lost orthogonality only adds
// duplicate copies of converged eigenvalues: Paige 1980).
template <class Scalar>
Sharpness lanczos(GradientOracle<Scalar>& oracle, const Vector<Scalar>& theta, std::uint64_t seed,
                  int max_iterations, double tolerance) {
  const Index P = theta.size();
  const double eps = 1e-4 * std::max(1.0, theta.template cast<double>().norm() /
                                              std::sqrt(static_cast<double>(P)));
  // w ← H v, accumulated in place: five float64 vectors of P in all (v, the previous v, w,
  // and the oracle's parameters and gradient). θ is read from the network itself,
  // converted as it is used.
  auto hessian_times = [&](const Eigen::VectorXd& v, Eigen::VectorXd& w) {
    w.setZero();
    oracle.params() = theta.template cast<double>() + eps * v;
    oracle.add_gradient(1 / (2 * eps), w);
    oracle.params() = theta.template cast<double>() - eps * v;
    oracle.add_gradient(-1 / (2 * eps), w);
  };
  Rng rng(seed, 4);
  Eigen::VectorXd v(P), previous = Eigen::VectorXd::Zero(P), w(P);
  for (Index i = 0; i < P; ++i) v(i) = rng.normal();
  v.normalize();
  std::vector<double> alpha, beta;
  Sharpness s;
  double top = 0.0;
  for (int k = 1; k <= max_iterations; ++k) {
    hessian_times(v, w);
    s.iterations = k;
    if (!w.allFinite()) break;
    alpha.push_back(w.dot(v));
    w -= alpha.back() * v + (beta.empty() ? 0.0 : beta.back()) * previous;
    w -= w.dot(v) * v;  // local reorthogonalization against the last two vectors
    if (!beta.empty()) w -= w.dot(previous) * previous;
    Eigen::MatrixXd T = Eigen::MatrixXd::Zero(k, k);
    for (int i = 0; i < k; ++i) T(i, i) = alpha[static_cast<std::size_t>(i)];
    for (int i = 0; i + 1 < k; ++i) T(i, i + 1) = T(i + 1, i) = beta[static_cast<std::size_t>(i)];
    const double next = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(T, Eigen::EigenvaluesOnly)
                            .eigenvalues()
                            .maxCoeff();
    const double norm = w.norm();
    const bool settled = k > 1 && std::abs(next - top) <= tolerance * std::abs(next);
    top = next;
    // An invariant subspace (norm ≈ 0) means T already holds exact eigenvalues.
    if (settled || norm <= 1e-12 * std::max(1.0, std::abs(top))) {
      s.converged = true;
      break;
    }
    beta.push_back(norm);
    previous = v;
    v = w / norm;
  }
  s.lambda_max = top;
  return s;
}

}  // namespace

template <class T>
Sharpness sharpness(const Network<T>& net, const Matrix<T>& X,
                    const std::vector<std::int32_t>& labels, std::uint64_t seed, int max_iterations,
                    double tolerance) {
  GradientOracle<T> oracle(net.arch(), X, labels);
  return lanczos(oracle, net.params(), seed, max_iterations, tolerance);
}

std::optional<double> max_stable_lr(double lambda_max, double momentum) {
  if (!(lambda_max > 0.0) || !std::isfinite(lambda_max)) return std::nullopt;
  return 2.0 * (1.0 + momentum) / lambda_max;
}

template Sharpness sharpness<float>(const Network<float>&, const Matrix<float>&,
                                    const std::vector<std::int32_t>&, std::uint64_t, int, double);
template Sharpness sharpness<double>(const Network<double>&, const Matrix<double>&,
                                     const std::vector<std::int32_t>&, std::uint64_t, int, double);

}  // namespace mlpscope
