// Weight initializers. fan_in = inputs of the layer, fan_out = its outputs.
//
//   uniform:A,B      U(A, B)                         Var = (B − A)²/12
//   normal:M,S       N(M, S²)
//   const:V          every weight V (zeros = const:0)
//   he_normal        N(0, 2/fan_in)                  He et al. 2015, "Delving Deep into Rectifiers"
//   he_uniform       U(±sqrt(6/fan_in))              (same variance 2/fan_in)
//   xavier_normal    N(0, 2/(fan_in + fan_out))      Glorot & Bengio 2010
//   xavier_uniform   U(±sqrt(6/(fan_in + fan_out)))
//   lecun_normal     N(0, 1/fan_in)                  LeCun et al. 1998, "Efficient BackProp"
//   lecun_uniform    U(±sqrt(3/fan_in))
//   orthogonal[:g]   g·Q, Q from the QR decomposition of a Gaussian matrix with the signs
//                    of R's diagonal folded in (Saxe, McClelland & Ganguli 2014), as
//                    torch.nn.init.orthogonal_ does; rows (or columns) orthonormal.
// Draw order is fixed so that a seed gives the same network everywhere: layer by layer,
// each W row by row (one output unit after another, PyTorch's storage order), then b.
#pragma once

#include <string>
#include <string_view>

#include "core/random.h"
#include "core/types.h"

namespace mlpscope {

enum class InitKind {
  uniform,
  normal,
  constant,
  he_normal,
  he_uniform,
  xavier_normal,
  xavier_uniform,
  lecun_normal,
  lecun_uniform,
  orthogonal
};

struct Init {
  InitKind kind = InitKind::he_normal;
  double a = 0.0;  // uniform: low; normal: mean; const: value; orthogonal: gain
  double b = 0.0;  // uniform: high; normal: std

  static Init parse(std::string_view spec, const std::string& option = "init");
  std::string name() const;

  // Mean and variance of one weight for a layer of this shape (orthogonal: the variance
  // of an entry of a random orthogonal matrix, g²/max(fan_in, fan_out)).
  double mean(Index fan_in, Index fan_out) const;
  double variance(Index fan_in, Index fan_out) const;

  // W (out, in) ← draws, row by row; W is a view into the flat parameter vector.
  template <class T>
  void fill(MatrixMap<T> W, Rng& rng) const;
  // b (out) ← draws, with the fans of the layer the bias belongs to.
  template <class T>
  void fill_bias(VectorMap<T> b, Index fan_in, Rng& rng) const;
};

}  // namespace mlpscope
