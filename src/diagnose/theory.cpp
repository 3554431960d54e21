#include "diagnose/theory.h"

#include <Eigen/Eigenvalues>
#include <cmath>

namespace mlpscope {

namespace {

// Nodes and weights of Gauss–Hermite quadrature for the probabilists' weight e^{−x²/2}
// (Golub & Welsch 1969: eigen-decomposition of the Jacobi matrix with off-diagonal
// sqrt(k)); weights normalized so that Σ wᵢ f(xᵢ) ≈ E[f(Z)], Z ~ N(0,1).
struct Quadrature {
  Eigen::VectorXd nodes, weights;
  Quadrature() {
    constexpr int n = 64;
    Eigen::MatrixXd J = Eigen::MatrixXd::Zero(n, n);
    for (int k = 1; k < n; ++k) J(k, k - 1) = J(k - 1, k) = std::sqrt(static_cast<double>(k));
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(J);
    nodes = solver.eigenvalues();
    weights = solver.eigenvectors().row(0).transpose().array().square();
  }
};

const Quadrature& quadrature() {
  static const Quadrature q;
  return q;
}

double apply(const Activation& act, double z) {
  Matrix<double> Z(1, 1), A;
  Z(0, 0) = z;
  act.forward(Z, A);
  return A(0, 0);
}

struct Moments {
  double mean, second;  // E[a], E[a²] of one unit's input
};

LayerPrediction propagate(double mu, double var, double bias_mean, double bias_second, double sum,
                          double sum_squared, double norm_squared) {
  LayerPrediction p;
  p.preact_mean = mu * sum + bias_mean;
  const double second =
      var * norm_squared + mu * mu * sum_squared + 2 * mu * sum * bias_mean + bias_second;
  p.preact_std = std::sqrt(std::max(0.0, second - p.preact_mean * p.preact_mean));
  return p;
}

// (E[Σa], E[(Σa)²], E[‖a‖²]) of n units each with moments m, treated as independent.
InputMoments from_units(double n, const Moments& m) {
  return {n * m.mean, n * m.second + n * (n - 1) * m.mean * m.mean, n * m.second};
}

std::vector<LayerPrediction> run(const Architecture& arch, const Init& weights, const Init* bias,
                                 bool bias_same, double scale, const InputMoments& inputs) {
  std::vector<LayerPrediction> out;
  InputMoments in = inputs;
  for (Index l = 0; l < arch.num_layers(); ++l) {
    const Index fan_in = arch.fan_in(l), fan_out = arch.fan_out(l);
    const double mu = scale * weights.mean(fan_in, fan_out);
    const double var = scale * scale * weights.variance(fan_in, fan_out);
    const Init& b = bias_same ? weights : *bias;
    const double bm = b.mean(fan_in, fan_out);
    const double bv = b.kind == InitKind::orthogonal ? b.a * b.a / static_cast<double>(fan_out)
                                                     : b.variance(fan_in, fan_out);
    LayerPrediction p =
        propagate(mu, var, bm, bv + bm * bm, in.sum, in.sum_squared, in.norm_squared);
    out.push_back(p);
    if (l + 1 < arch.num_layers()) {
      const auto [m1, m2] =
          gaussian_activation_moments(arch.activation, p.preact_mean, p.preact_std);
      in = from_units(static_cast<double>(fan_out), {m1, m2});
    }
  }
  return out;
}

}  // namespace

template <class T>
InputMoments input_moments(const Matrix<T>& X) {
  const Eigen::MatrixXd x = X.template cast<double>();
  const Eigen::RowVectorXd sums = x.colwise().sum();
  const double n = static_cast<double>(x.cols());
  return {sums.sum() / n, sums.squaredNorm() / n, x.squaredNorm() / n};
}

std::pair<double, double> gaussian_activation_moments(const Activation& activation, double mean,
                                                      double std) {
  const Quadrature& q = quadrature();
  double m1 = 0.0, m2 = 0.0;
  for (Index i = 0; i < q.nodes.size(); ++i) {
    const double a = apply(activation, mean + std * q.nodes(i));
    m1 += q.weights(i) * a;
    m2 += q.weights(i) * a * a;
  }
  return {m1, m2};
}

std::vector<LayerPrediction> predict_preactivations(const Architecture& arch, const Init& weights,
                                                    const BiasInit& bias, double scale,
                                                    const InputMoments& inputs) {
  std::vector<LayerPrediction> predicted =
      run(arch, weights, &bias.init, bias.same_as_weights, scale, inputs);
  const Init he{InitKind::he_normal, 0.0, 0.0};
  const Init zero{InitKind::constant, 0.0, 0.0};
  const std::vector<LayerPrediction> reference = run(arch, he, &zero, false, 1.0, inputs);
  for (std::size_t l = 0; l < predicted.size(); ++l) {
    predicted[l].he_std = reference[l].preact_std;
    predicted[l].he_ratio =
        reference[l].preact_std > 0 ? predicted[l].preact_std / reference[l].preact_std : 0.0;
  }
  return predicted;
}

template InputMoments input_moments<float>(const Matrix<float>&);
template InputMoments input_moments<double>(const Matrix<double>&);

}  // namespace mlpscope
