#include "nn/loss.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "core/dtype_row.h"
#include "core/error.h"
#include "core/strings.h"

namespace mlpscope {

namespace {

// Each output: P ← output(Z) (forward) and dZ ← J(Z)ᵀ·dP in place (backward), side by side.

struct Softmax {
  template <class T>
  static void forward(const Matrix<T>& Z, Matrix<T>& P) {
    P.resize(Z.rows(), Z.cols());
    for (Index j = 0; j < Z.cols(); ++j) {
      const T max = Z.col(j).maxCoeff();
      P.col(j) = (Z.col(j).array() - max).exp();
      P.col(j) /= P.col(j).sum();
    }
  }
  template <class T>  // per sample dz = p ⊙ (dp − ⟨p, dp⟩); vanishes as p saturates
  static void backward(const Matrix<T>& P, Matrix<T>& dZ) {
    for (Index j = 0; j < P.cols(); ++j) {
      const T inner = P.col(j).dot(dZ.col(j));
      dZ.col(j) = P.col(j).cwiseProduct((dZ.col(j).array() - inner).matrix());
    }
  }
};

struct Sigmoid {
  template <class T>
  static void forward(const Matrix<T>& Z, Matrix<T>& P) {
    P = Z.unaryExpr([](T z) {
      if (z >= T(0)) return T(1) / (T(1) + std::exp(-z));
      const T e = std::exp(z);
      return e / (T(1) + e);
    });
  }
  template <class T>  // σ' = σ(1 − σ)
  static void backward(const Matrix<T>& P, Matrix<T>& dZ) {
    dZ.array() *= P.array() * (T(1) - P.array());
  }
};

struct Identity {
  template <class T>
  static void forward(const Matrix<T>& Z, Matrix<T>& P) {
    P = Z;
  }
  template <class T>
  static void backward(const Matrix<T>&, Matrix<T>&) {}
};

// dZ ← P − Y, Y the one-hot labels: every loss's derivative starts there.
template <class T>
void minus_labels(const Matrix<T>& P, const std::int32_t* labels, Matrix<T>& dZ) {
  dZ = P;
  for (Index j = 0; j < P.cols(); ++j) dZ(labels[j], j) -= T(1);
}

// Each loss: the loss of sample j with label y (forward) and ∂(mean loss) (backward).

struct Mse {
  template <class T>
  static double sample(const Matrix<T>&, const Matrix<T>& P, Index j, Index y) {
    const Index K = P.rows();
    double sample = 0.0;
    for (Index k = 0; k < K; ++k) {
      const double d = static_cast<double>(P(k, j)) - (k == y ? 1.0 : 0.0);
      sample += d * d;
    }
    return sample / static_cast<double>(K);
  }
  template <class T>  // dL/dP = 2(P − Y)/(N·K)
  static void backward(const Matrix<T>& P, const std::int32_t* labels, Matrix<T>& dZ) {
    minus_labels(P, labels, dZ);
    dZ *= T(2) / static_cast<T>(P.cols() * P.rows());
  }
};

struct CrossEntropy {
  template <class T>  // logsumexp(z) − z_y, with the max subtracted
  static double sample(const Matrix<T>& Z, const Matrix<T>&, Index j, Index y) {
    const Index K = Z.rows();
    const double max = static_cast<double>(Z.col(j).maxCoeff());
    double sum = 0.0;
    for (Index k = 0; k < K; ++k) sum += std::exp(static_cast<double>(Z(k, j)) - max);
    return max + std::log(sum) - static_cast<double>(Z(y, j));
  }
  template <class T>  // dL/dZ = (P − Y)/N through the softmax
  static void backward(const Matrix<T>& P, const std::int32_t* labels, Matrix<T>& dZ) {
    minus_labels(P, labels, dZ);
    dZ *= T(1) / static_cast<T>(P.cols());
  }
};

struct Bce {
  template <class T>  // 1/K Σ softplus(z) − y·z
  static double sample(const Matrix<T>& Z, const Matrix<T>&, Index j, Index y) {
    const Index K = Z.rows();
    double sample = 0.0;
    for (Index k = 0; k < K; ++k) {
      const double z = static_cast<double>(Z(k, j));
      const double softplus = std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z)));
      sample += softplus - (k == y ? z : 0.0);
    }
    return sample / static_cast<double>(K);
  }
  template <class T>  // dL/dZ = (P − Y)/(N·K) through the sigmoid
  static void backward(const Matrix<T>& P, const std::int32_t* labels, Matrix<T>& dZ) {
    minus_labels(P, labels, dZ);
    dZ *= T(1) / static_cast<T>(P.cols() * P.rows());
  }
};

template <class Loss, class T>
double loss_sum(const Matrix<T>& Z, const Matrix<T>& P, const std::int32_t* labels) {
  double total = 0.0;
  for (Index j = 0; j < Z.cols(); ++j) total += Loss::sample(Z, P, j, labels[j]);
  return total;
}

template <class Output, class T>
constexpr OutputRow::Kernels<T> output_kernels() {
  return {&Output::template forward<T>, &Output::template backward<T>};
}

template <class Loss, class T>
constexpr LossRow::Kernels<T> loss_kernels() {
  return {&loss_sum<Loss, T>, &Loss::template backward<T>};
}

// clang-format off
constexpr OutputRow kOutputs[] = {
    {OutputKind::softmax, "softmax", "", "pₖ = e^zₖ / Σᵢ e^zᵢ; Jᵀ·dp = p ⊙ (dp − ⟨p, dp⟩)",
     "Bridle 1990", output_kernels<Softmax, float>(), output_kernels<Softmax, double>()},
    {OutputKind::sigmoid, "sigmoid", "", "p = 1 / (1 + e⁻ᶻ); Jᵀ·dp = dp ⊙ p(1 − p)", "",
     output_kernels<Sigmoid, float>(), output_kernels<Sigmoid, double>()},
    {OutputKind::identity, "identity", "linear", "p = z; Jᵀ·dp = dp", "",
     output_kernels<Identity, float>(), output_kernels<Identity, double>()},
};

constexpr LossRow kLosses[] = {
    {LossKind::mse, "mse", "", "L = 1/K Σ (p − y)²; dL/dP = 2(P − Y)/(N·K)",
     "torch.nn.MSELoss(reduction='mean')", std::nullopt,
     loss_kernels<Mse, float>(), loss_kernels<Mse, double>()},
    {LossKind::cross_entropy, "cross_entropy", "ce", "L = logsumexp(z) − z_y; dZ = (P − Y)/N",
     "torch.nn.CrossEntropyLoss", OutputKind::softmax,
     loss_kernels<CrossEntropy, float>(), loss_kernels<CrossEntropy, double>()},
    {LossKind::bce, "bce", "binary_cross_entropy",
     "L = 1/K Σ softplus(z) − y·z; dZ = (P − Y)/(N·K)", "torch.nn.BCEWithLogitsLoss",
     OutputKind::sigmoid, loss_kernels<Bce, float>(), loss_kernels<Bce, double>()},
};
// clang-format on

// The row called `name` (or its alias) in `table`, or nullptr.
template <class Row>
const Row* find_row(std::span<const Row> table, std::string_view name) {
  for (const Row& row : table)
    if (name == row.name || (!row.alias.empty() && name == row.alias)) return &row;
  return nullptr;
}

template <class Row>
std::string unknown(std::span<const Row> table, const char* what, const std::string& name) {
  std::string message = "unknown ";
  message += what;
  message += " '";
  message += name;
  message += "' (choose ";
  for (const Row& row : table) {
    if (&row != table.data()) message += ", ";
    message += row.name;
  }
  message += ')';
  return message;
}

}  // namespace

std::span<const OutputRow> output_table() { return kOutputs; }
std::span<const LossRow> loss_table() { return kLosses; }

OutputKind Head::parse_output(std::string_view spec) {
  const std::string s = trim(spec);
  if (const OutputRow* row = find_row(output_table(), s)) return row->kind;
  setting_error("output", unknown(output_table(), "output", s));
}

LossKind Head::parse_loss(std::string_view spec) {
  const std::string s = trim(spec);
  if (const LossRow* row = find_row(loss_table(), s)) return row->kind;
  setting_error("loss", unknown(loss_table(), "loss", s));
}

bool Head::defined(OutputKind output, LossKind loss) {
  const LossRow& row = kLosses[static_cast<int>(loss)];
  return !row.fused_with || *row.fused_with == output;
}

// "cross_entropy needs --output softmax (with sigmoid choose mse or bce)"
Head Head::make(OutputKind output, LossKind loss) {
  if (defined(output, loss)) return Head{output, loss};
  std::string message(kLosses[static_cast<int>(loss)].name);
  message += " needs --output ";
  message += to_string(*kLosses[static_cast<int>(loss)].fused_with);
  message += " (with ";
  message += to_string(output);
  message += " choose ";
  std::string losses;
  for (const LossRow& row : kLosses) {
    if (!defined(output, row.kind)) continue;
    if (!losses.empty()) losses += " or ";
    losses += row.name;
  }
  message += losses;
  message += ')';
  setting_error("loss", message);
}

std::string to_string(OutputKind kind) {
  return std::string(kOutputs[static_cast<int>(kind)].name);
}
std::string to_string(LossKind kind) { return std::string(kLosses[static_cast<int>(kind)].name); }

std::string Head::output_name() const { return to_string(output); }
std::string Head::loss_name() const { return to_string(loss); }
const OutputRow& Head::output_row() const { return kOutputs[static_cast<int>(output)]; }
const LossRow& Head::loss_row() const { return kLosses[static_cast<int>(loss)]; }

template <class T>
void Head::forward(const Matrix<T>& Z, Matrix<T>& P) const {
  for_dtype<T>(output_row()).forward(Z, P);
}

template <class T>
double Head::loss_sum(const Matrix<T>& Z, const Matrix<T>& P, const std::int32_t* labels) const {
  return for_dtype<T>(loss_row()).loss_sum(Z, P, labels);
}

// A fused loss gives dZ at once; mse gives dP, which the output's Jacobian carries to dZ.
template <class T>
void Head::backward(const Matrix<T>&, const Matrix<T>& P, const std::int32_t* labels,
                    Matrix<T>& dZ) const {
  for_dtype<T>(loss_row()).backward(P, labels, dZ);
  if (!loss_row().fused_with) for_dtype<T>(output_row()).backward(P, dZ);
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
