#include "diagnose/sharpness.h"

#include <cmath>

#include "core/random.h"

namespace mlpscope {

namespace {

// ∇L(θ) of the mean loss over (X, labels), all in float64.
class GradientOracle {
 public:
  GradientOracle(const Architecture& arch, Matrix<double> X, const std::vector<std::int32_t>& labels)
      : net_(arch), X_(std::move(X)), labels_(labels) {}

  Eigen::VectorXd gradient(const Eigen::VectorXd& params) {
    net_.params() = params;
    net_.forward(X_, ws_);
    net_.backward(X_, labels_.data(), ws_);
    return net_.grads();
  }

 private:
  Network<double> net_;
  Matrix<double> X_;
  const std::vector<std::int32_t>& labels_;
  Workspace<double> ws_;
};

struct PowerResult {
  double eigenvalue;
  int iterations;
  bool converged;
};

// Dominant eigenvalue of (H − shift·I) by power iteration from a random start.
PowerResult power_iteration(GradientOracle& oracle, const Eigen::VectorXd& theta, double shift,
                            std::uint64_t seed, int max_iterations, double tolerance) {
  const Index P = theta.size();
  const double eps = 1e-4 * std::max(1.0, theta.norm() / std::sqrt(static_cast<double>(P)));
  Rng rng(seed, 4);
  Eigen::VectorXd v(P);
  for (Index i = 0; i < P; ++i) v(i) = rng.normal();
  v.normalize();
  double lambda = 0.0;
  for (int it = 1; it <= max_iterations; ++it) {
    Eigen::VectorXd Hv = (oracle.gradient(theta + eps * v) - oracle.gradient(theta - eps * v)) / (2 * eps);
    Hv -= shift * v;
    const double next = v.dot(Hv);
    const double norm = Hv.norm();
    if (norm == 0.0 || !std::isfinite(norm)) return {next, it, norm == 0.0};
    const bool done = it > 1 && std::abs(next - lambda) <= tolerance * std::abs(next);
    lambda = next;
    v = Hv / norm;
    if (done) return {lambda, it, true};
  }
  return {lambda, max_iterations, false};
}

}  // namespace

template <class T>
Sharpness sharpness(const Network<T>& net, const Matrix<T>& X,
                    const std::vector<std::int32_t>& labels, std::uint64_t seed,
                    int max_iterations, double tolerance) {
  GradientOracle oracle(net.arch(), X.template cast<double>(), labels);
  const Eigen::VectorXd theta = net.params().template cast<double>();
  const PowerResult first = power_iteration(oracle, theta, 0.0, seed, max_iterations, tolerance);
  Sharpness s{first.eigenvalue, first.iterations, first.converged};
  if (first.eigenvalue < 0.0) {
    const PowerResult top = power_iteration(oracle, theta, first.eigenvalue, seed + 1,
                                            max_iterations, tolerance);
    s.lambda_max = first.eigenvalue + top.eigenvalue;
    s.iterations += top.iterations;
    s.converged = s.converged && top.converged;
  }
  return s;
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
