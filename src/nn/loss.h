// The output layer's activation and the loss, as one piece: the pair decides the
// gradient that reaches the last pre-activations, and the pairs differ a great deal.
//
// Targets are one-hot vectors y of the label. With P (K, N) the outputs, Z (K, N) the
// output pre-activations and N the batch size:
//   mse            L = 1/(N·K) Σ (p − y)²   exactly torch.nn.MSELoss(reduction='mean')
//                  dL/dP = 2(P − Y)/(N·K), then through the output's Jacobian:
//                    softmax: dz = p ⊙ (dp − ⟨p, dp⟩)  (per sample; vanishes as p saturates)
//                    sigmoid: dz = dp ⊙ p(1 − p);  identity: dz = dp
//   cross_entropy  softmax output only. L = 1/N Σ (logsumexp(z) − z_label), evaluated on
//                  Z with the max subtracted (no overflow, no log 0); dZ = (P − Y)/N.
//   bce            sigmoid output only, one independent binary decision per output
//                  (torch.nn.BCEWithLogitsLoss, mean over N·K):
//                  L = 1/(N·K) Σ softplus(z) − y·z;  dZ = (P − Y)/(N·K).
// Losses are returned as the SUM over the batch of the per-sample loss (the mean over
// outputs for mse and bce), so that evaluation in chunks adds up; the gradient is that of
// the mean over the batch, as everywhere (core/types.h).
//
// Each output and each loss is one row of the tables in loss.cpp (name, formula, paper,
// forward and derivative side by side); a loss's row says which outputs it is defined
// with. Adding one: a row there (and an enum value here); tests/nn/loss_test.cpp checks
// every defined pair against finite differences.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/types.h"

namespace mlpscope {

enum class OutputKind { softmax, sigmoid, identity };
enum class LossKind { mse, cross_entropy, bce };

struct OutputRow;
struct LossRow;

struct Head {
  OutputKind output = OutputKind::softmax;
  LossKind loss = LossKind::cross_entropy;

  static OutputKind parse_output(std::string_view spec);
  static LossKind parse_loss(std::string_view spec);
  // Throws Error when the pair is not defined (cross_entropy needs softmax, bce sigmoid).
  static Head make(OutputKind output, LossKind loss);
  // Whether the pair is defined (make accepts it).
  static bool defined(OutputKind output, LossKind loss);
  std::string output_name() const;
  std::string loss_name() const;
  const OutputRow& output_row() const;
  const LossRow& loss_row() const;

  // P ← output(Z)
  template <class T>
  void forward(const Matrix<T>& Z, Matrix<T>& P) const;
  // Σ over the batch of the per-sample loss.
  template <class T>
  double loss_sum(const Matrix<T>& Z, const Matrix<T>& P, const std::int32_t* labels) const;
  // dZ ← ∂(mean loss)/∂Z
  template <class T>
  void backward(const Matrix<T>& Z, const Matrix<T>& P, const std::int32_t* labels,
                Matrix<T>& dZ) const;
};

std::string to_string(OutputKind kind);
std::string to_string(LossKind kind);

// One output: P ← output(Z) and its Jacobian, side by side, for f32 and f64.
struct OutputRow {
  template <class T>
  struct Kernels {
    void (*forward)(const Matrix<T>& Z, Matrix<T>& P);
    // dZ ← J(Z)ᵀ·dZ in place, from P = output(Z): a gradient at P carried back to Z.
    void (*backward)(const Matrix<T>& P, Matrix<T>& dZ);
  };

  OutputKind kind;
  std::string_view name;
  std::string_view alias;      // another name accepted (identity: linear), or empty
  std::string_view formula;    // p(z) and Jᵀ·dp
  std::string_view reference;  // the paper, where there is one
  Kernels<float> f32;
  Kernels<double> f64;
};

// One loss: its value (summed over the batch) and its derivative, side by side.
struct LossRow {
  template <class T>
  struct Kernels {
    double (*loss_sum)(const Matrix<T>& Z, const Matrix<T>& P, const std::int32_t* labels);
    // dZ ← ∂(mean loss)/∂P, or ∂(mean loss)/∂Z for a loss fused with its output.
    void (*backward)(const Matrix<T>& P, const std::int32_t* labels, Matrix<T>& dZ);
  };

  LossKind kind;
  std::string_view name;
  std::string_view alias;      // another name accepted (cross_entropy: ce), or empty
  std::string_view formula;    // L per sample and its derivative
  std::string_view reference;  // the paper or the library it matches, where there is one
  // The output a loss is fused with: defined with that output only, its derivative taken
  // at the logits with the output's Jacobian folded in. Empty for a loss taken at P (mse),
  // which any output's Jacobian carries back.
  std::optional<OutputKind> fused_with;
  Kernels<float> f32;
  Kernels<double> f64;
};

// Every output and every loss, in enum order.
std::span<const OutputRow> output_table();
std::span<const LossRow> loss_table();

}  // namespace mlpscope
