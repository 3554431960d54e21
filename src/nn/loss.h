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
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/types.h"

namespace mlpscope {

enum class OutputKind { softmax, sigmoid, identity };
enum class LossKind { mse, cross_entropy, bce };

struct Head {
  OutputKind output = OutputKind::softmax;
  LossKind loss = LossKind::cross_entropy;

  static OutputKind parse_output(std::string_view spec);
  static LossKind parse_loss(std::string_view spec);
  // Throws Error when the pair is not defined (cross_entropy needs softmax, bce sigmoid).
  static Head make(OutputKind output, LossKind loss);
  std::string output_name() const;
  std::string loss_name() const;

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

}  // namespace mlpscope
