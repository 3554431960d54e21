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
// Each initializer is one row of the table in init.cpp: its names, parameters, formula,
// paper, mean and variance, and its draws. Adding one: a row there (and an enum value
// here); tests/nn/init_test.cpp checks every row's moments against a large fill.
#pragma once

#include <array>
#include <span>
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

struct InitRow;

struct Init {
  InitKind kind = InitKind::he_normal;
  double a = 0.0;  // uniform: low; normal: mean; const: value; orthogonal: gain
  double b = 0.0;  // uniform: high; normal: std

  // "he_normal", "uniform:-1,1", "glorot_uniform", "zeros", …; throws naming `option`.
  static Init parse(std::string_view spec, const std::string& option = "init");
  std::string name() const;
  const InitRow& row() const;

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

// One initializer: what it is called, what it draws, where it comes from, its moments and
// its draws for f32 and f64 (`init` carries the parameters a and b).
struct InitRow {
  template <class T>
  struct Kernels {
    void (*fill)(const Init& init, MatrixMap<T> W, Rng& rng);
    void (*fill_bias)(const Init& init, VectorMap<T> b, Index fan_in, Rng& rng);
  };

  InitKind kind;
  std::string_view name;                    // as name() writes it
  std::array<std::string_view, 3> aliases;  // other names accepted (kaiming_*, zeros), or empty
  std::string_view form;                    // with its parameters: "uniform:LOW,HIGH"
  std::string_view formula;                 // the distribution of a weight and its variance
  std::string_view reference;               // the paper, where there is one
  int parameters;                           // how many of a, b name() writes after ':'
  // a and b from the text after ':' ("" when none); `spelled` is the name as given.
  void (*read)(Init& init, const std::string& spelled, const std::string& args,
               const std::string& option);
  double (*mean)(const Init& init, Index fan_in, Index fan_out);
  double (*variance)(const Init& init, Index fan_in, Index fan_out);
  Kernels<float> f32;
  Kernels<double> f64;
};

// Every initializer, in enum order.
std::span<const InitRow> init_table();

}  // namespace mlpscope
