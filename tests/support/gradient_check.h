// The one gradient-check helper every test uses (after mlpack's CheckGradient and dlib's
// test_layer): central differences in float64 against an analytic gradient, compared by
// the relative error ‖a − b‖ / ‖a + b‖ over the whole vector.
#pragma once

#include <Eigen/Core>
#include <functional>

namespace mlpscope::testing {

// f(x) → scalar; returns the central-difference gradient with step h at x.
inline Eigen::VectorXd numerical_gradient(const std::function<double(const Eigen::VectorXd&)>& f,
                                          Eigen::VectorXd x, double h = 1e-6) {
  Eigen::VectorXd g(x.size());
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double saved = x(i);
    x(i) = saved + h;
    const double up = f(x);
    x(i) = saved - h;
    const double down = f(x);
    x(i) = saved;
    g(i) = (up - down) / (2.0 * h);
  }
  return g;
}

inline double relative_error(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  const double denominator = (a + b).norm();
  if (denominator == 0.0) return (a - b).norm();
  return (a - b).norm() / denominator;
}

}  // namespace mlpscope::testing
