#include "nn/loss.h"

#include <cmath>

#include "core/error.h"
#include "core/strings.h"

namespace mlpscope {

OutputKind Head::parse_output(std::string_view spec) {
  const std::string s = trim(spec);
  if (s == "softmax") return OutputKind::softmax;
  if (s == "sigmoid") return OutputKind::sigmoid;
  if (s == "identity" || s == "linear") return OutputKind::identity;
  setting_error("output", "unknown output '" + s + "' (choose softmax, sigmoid, identity)");
}

LossKind Head::parse_loss(std::string_view spec) {
  const std::string s = trim(spec);
  if (s == "mse") return LossKind::mse;
  if (s == "cross_entropy" || s == "ce") return LossKind::cross_entropy;
  if (s == "bce" || s == "binary_cross_entropy") return LossKind::bce;
  setting_error("loss", "unknown loss '" + s + "' (choose mse, cross_entropy, bce)");
}

Head Head::make(OutputKind output, LossKind loss) {
  if (loss == LossKind::cross_entropy && output != OutputKind::softmax)
    setting_error("loss", "cross_entropy needs --output softmax (use bce with a sigmoid output)");
  if (loss == LossKind::bce && output != OutputKind::sigmoid)
    setting_error("loss", "bce needs --output sigmoid (use cross_entropy with softmax)");
  return Head{output, loss};
}

std::string to_string(OutputKind kind) {
  switch (kind) {
    case OutputKind::softmax:
      return "softmax";
    case OutputKind::sigmoid:
      return "sigmoid";
    case OutputKind::identity:
      return "identity";
  }
  return "?";
}

std::string to_string(LossKind kind) {
  switch (kind) {
    case LossKind::mse:
      return "mse";
    case LossKind::cross_entropy:
      return "cross_entropy";
    case LossKind::bce:
      return "bce";
  }
  return "?";
}

std::string Head::output_name() const { return to_string(output); }
std::string Head::loss_name() const { return to_string(loss); }

template <class T>
void Head::forward(const Matrix<T>& Z, Matrix<T>& P) const {
  switch (output) {
    case OutputKind::softmax:
      P.resize(Z.rows(), Z.cols());
      for (Index j = 0; j < Z.cols(); ++j) {
        const T max = Z.col(j).maxCoeff();
        P.col(j) = (Z.col(j).array() - max).exp();
        P.col(j) /= P.col(j).sum();
      }
      break;
    case OutputKind::sigmoid:
      P = Z.unaryExpr([](T z) {
        if (z >= T(0)) return T(1) / (T(1) + std::exp(-z));
        const T e = std::exp(z);
        return e / (T(1) + e);
      });
      break;
    case OutputKind::identity:
      P = Z;
      break;
  }
}

template <class T>
double Head::loss_sum(const Matrix<T>& Z, const Matrix<T>& P, const std::int32_t* labels) const {
  const Index K = Z.rows();
  double total = 0.0;
  for (Index j = 0; j < Z.cols(); ++j) {
    const Index y = labels[j];
    double sample = 0.0;
    switch (loss) {
      case LossKind::mse:
        for (Index k = 0; k < K; ++k) {
          const double d = static_cast<double>(P(k, j)) - (k == y ? 1.0 : 0.0);
          sample += d * d;
        }
        sample /= static_cast<double>(K);
        break;
      case LossKind::cross_entropy: {
        const double max = static_cast<double>(Z.col(j).maxCoeff());
        double sum = 0.0;
        for (Index k = 0; k < K; ++k) sum += std::exp(static_cast<double>(Z(k, j)) - max);
        sample = max + std::log(sum) - static_cast<double>(Z(y, j));
        break;
      }
      case LossKind::bce:
        for (Index k = 0; k < K; ++k) {
          const double z = static_cast<double>(Z(k, j));
          const double softplus = std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z)));
          sample += softplus - (k == y ? z : 0.0);
        }
        sample /= static_cast<double>(K);
        break;
    }
    total += sample;
  }
  return total;
}

template <class T>
void Head::backward(const Matrix<T>& Z, const Matrix<T>& P, const std::int32_t* labels,
                    Matrix<T>& dZ) const {
  const Index K = Z.rows(), N = Z.cols();
  dZ = P;
  for (Index j = 0; j < N; ++j) dZ(labels[j], j) -= T(1);  // P − Y
  if (loss == LossKind::cross_entropy) {
    dZ *= T(1) / static_cast<T>(N);
    return;
  }
  if (loss == LossKind::bce) {
    dZ *= T(1) / static_cast<T>(N * K);
    return;
  }
  // mse: dP = 2(P − Y)/(N·K), then the output's Jacobian.
  dZ *= T(2) / static_cast<T>(N * K);
  switch (output) {
    case OutputKind::softmax:
      for (Index j = 0; j < N; ++j) {
        const T inner = P.col(j).dot(dZ.col(j));
        dZ.col(j) = P.col(j).cwiseProduct((dZ.col(j).array() - inner).matrix());
      }
      break;
    case OutputKind::sigmoid:
      dZ.array() *= P.array() * (T(1) - P.array());
      break;
    case OutputKind::identity:
      break;
  }
}

template void Head::forward<float>(const Matrix<float>&, Matrix<float>&) const;
template void Head::forward<double>(const Matrix<double>&, Matrix<double>&) const;
template double Head::loss_sum<float>(const Matrix<float>&, const Matrix<float>&,
                                      const std::int32_t*) const;
template double Head::loss_sum<double>(const Matrix<double>&, const Matrix<double>&,
                                       const std::int32_t*) const;
template void Head::backward<float>(const Matrix<float>&, const Matrix<float>&, const std::int32_t*,
                                    Matrix<float>&) const;
template void Head::backward<double>(const Matrix<double>&, const Matrix<double>&,
                                     const std::int32_t*, Matrix<double>&) const;

}  // namespace mlpscope
