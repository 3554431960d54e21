#include "nn/init.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "nn/network.h"
#include "support/fixtures.h"

namespace mlpscope {
namespace {

// Draws a fan_out × fan_in matrix big enough for 1e5+ samples and checks mean and variance.
void check_moments(const std::string& spec, Index fan_in, Index fan_out, double want_mean,
                   double want_var) {
  SCOPED_TRACE(spec);
  const Init init = Init::parse(spec);
  Matrix<double> W(fan_out, fan_in);
  Rng rng(123);
  init.fill<double>(MatrixMap<double>(W.data(), fan_out, fan_in), rng);
  const double n = static_cast<double>(W.size());
  const double mean = W.mean();
  const double var = (W.array() - mean).square().sum() / (n - 1);
  EXPECT_NEAR(init.mean(fan_in, fan_out), want_mean, 1e-12);
  EXPECT_NEAR(init.variance(fan_in, fan_out), want_var, 1e-12 * want_var);
  // 4 standard errors: sd(mean) = sqrt(var/n); sd(var) ≤ var·sqrt(2/n)·~1.3 for uniforms
  EXPECT_NEAR(mean, want_mean, 4.0 * std::sqrt(want_var / n) + 1e-12);
  EXPECT_NEAR(var, want_var, 4.0 * want_var * std::sqrt(2.0 / n) + 1e-12);
}

TEST(Init, MomentsMatchTheFormulasOver1e5Draws) {
  const Index in = 400, out = 300;  // 120000 draws
  check_moments("uniform:-1,1", in, out, 0.0, 1.0 / 3.0);
  check_moments("uniform:0,1", in, out, 0.5, 1.0 / 12.0);
  check_moments("normal:0.5,2", in, out, 0.5, 4.0);
  check_moments("he_normal", in, out, 0.0, 2.0 / in);
  check_moments("he_uniform", in, out, 0.0, 2.0 / in);
  check_moments("xavier_normal", in, out, 0.0, 2.0 / (in + out));
  check_moments("xavier_uniform", in, out, 0.0, 2.0 / (in + out));
  check_moments("lecun_normal", in, out, 0.0, 1.0 / in);
  check_moments("lecun_uniform", in, out, 0.0, 1.0 / in);
  check_moments("orthogonal", in, out, 0.0, 1.0 / in);
}

// A spec of `row` with parameters where it takes them: uniform:-0.5,2, const:0.5, …
std::string spec_of(const InitRow& row) {
  std::string spec(row.name);
  if (row.parameters == 1) spec += ":0.5";
  if (row.parameters == 2) spec += ":-0.5,2";
  return spec;
}

TEST(InitTable, EveryRowParsesBackToItselfByNameAndAliases) {
  for (const InitRow& row : init_table()) {
    SCOPED_TRACE(row.name);
    const Init init = Init::parse(spec_of(row));
    EXPECT_EQ(init.kind, row.kind);
    EXPECT_EQ(&init.row(), &row);
    EXPECT_EQ(init.name(), spec_of(row));
    for (std::string_view alias : row.aliases) {
      if (alias.empty()) continue;
      SCOPED_TRACE(alias);
      // An alias takes the row's parameters, or none where it stands for a value (zeros).
      const std::string bare(alias), with = bare + spec_of(row).substr(row.name.size());
      const std::string spec = testing::error_of([&] { Init::parse(with); }).empty() ? with : bare;
      EXPECT_EQ(Init::parse(spec).kind, row.kind);
    }
  }
  EXPECT_EQ(Init::parse("zeros").name(), "const:0");
  EXPECT_EQ(Init::parse("ones").name(), "const:1");
  EXPECT_EQ(Init::parse("kaiming_uniform").name(), "he_uniform");
  EXPECT_EQ(Init::parse("orthogonal").name(), "orthogonal:1");
}

TEST(InitTable, UnknownNameListsEveryRow) {
  const std::string message = testing::error_of([] { Init::parse("glorot"); });
  EXPECT_MESSAGE_HAS(message, "unknown initializer 'glorot' (choose ");
  for (const InitRow& row : init_table()) EXPECT_MESSAGE_HAS(message, std::string(row.form));
}

// The row's mean and variance are those of what its fill draws (120000 draws each).
TEST(InitTable, EveryRowsMomentsAgreeWithALargeFill) {
  for (const InitRow& row : init_table()) {
    const Init init = Init::parse(spec_of(row));
    check_moments(spec_of(row), 400, 300, init.mean(400, 300), init.variance(400, 300));
  }
}

// W row by row, each weight one draw, then b with the fans of its layer.
TEST(InitTable, DrawsWeightsRowByRowThenBias) {
  Matrix<double> W(3, 4);
  Vector<double> b(3);
  Rng rng(9), expected(9);
  const Init init = Init::parse("he_uniform");
  init.fill<double>(MatrixMap<double>(W.data(), 3, 4), rng);
  init.fill_bias<double>(VectorMap<double>(b.data(), 3), 4, rng);
  const double bound = std::sqrt(6.0 / 4.0);
  for (Index r = 0; r < 3; ++r)
    for (Index c = 0; c < 4; ++c) EXPECT_EQ(W(r, c), expected.uniform(-bound, bound));
  for (Index i = 0; i < 3; ++i) EXPECT_EQ(b(i), expected.uniform(-bound, bound));
}

TEST(Init, ConstantAndBounds) {
  Matrix<double> W(3, 4);
  Rng rng(1);
  Init::parse("const:0.25").fill<double>(MatrixMap<double>(W.data(), 3, 4), rng);
  EXPECT_TRUE((W.array() == 0.25).all());
  Init::parse("uniform:-0.5,0.5").fill<double>(MatrixMap<double>(W.data(), 3, 4), rng);
  EXPECT_LE(W.cwiseAbs().maxCoeff(), 0.5);
}

TEST(Init, OrthogonalRowsOrColumnsAreOrthonormal) {
  for (auto [rows, cols] : {std::pair<Index, Index>{6, 4}, {4, 6}, {5, 5}}) {
    Matrix<double> W(rows, cols);
    Rng rng(5);
    Init::parse("orthogonal:2").fill<double>(MatrixMap<double>(W.data(), rows, cols), rng);
    const Matrix<double> gram =
        rows >= cols ? Matrix<double>(W.transpose() * W) : Matrix<double>(W * W.transpose());
    EXPECT_TRUE(gram.isApprox(4.0 * Matrix<double>::Identity(gram.rows(), gram.cols()), 1e-12));
  }
}

TEST(Init, SameSeedSameNetworkOtherSeedOtherNetwork) {
  const Architecture arch{
      {10, 7, 3}, Activation::parse("relu"), Head::make(OutputKind::softmax, LossKind::mse)};
  auto draw = [&](std::uint64_t seed) {
    Network<double> net(arch);
    Rng rng(seed);
    net.initialize(Init::parse("uniform:-1,1"), BiasInit::parse("same"), 1.0, rng);
    return Eigen::VectorXd(net.params());
  };
  EXPECT_EQ(draw(42), draw(42));
  EXPECT_NE(draw(42), draw(43));
}

TEST(Init, ScaleMultipliesWeightsNotBiases) {
  const Architecture arch{
      {3, 4, 2}, Activation::parse("relu"), Head::make(OutputKind::softmax, LossKind::mse)};
  Network<double> a(arch), b(arch);
  Rng r1(8), r2(8);
  a.initialize(Init::parse("he_normal"), BiasInit::parse("const:0.1"), 1.0, r1);
  b.initialize(Init::parse("he_normal"), BiasInit::parse("const:0.1"), 3.0, r2);
  EXPECT_TRUE(b.W(1).isApprox(3.0 * a.W(1)));
  EXPECT_EQ(Eigen::VectorXd(b.b(0)), Eigen::VectorXd(a.b(0)));
}

TEST(Init, ParseErrorsNameTheOption) {
  for (const char* bad : {"uniform:1", "uniform:1,-1", "uniform:a,b", "normal:0,-1", "he",
                          "const:", "he_normal:2", "orthogonal:x"}) {
    SCOPED_TRACE(bad);
    try {
      Init::parse(bad);
      ADD_FAILURE() << "accepted";
    } catch (const SettingError& e) {
      EXPECT_EQ(e.setting(), "init") << e.what();
    }
  }
  EXPECT_EQ(Init::parse("uniform:-1,1").name(), "uniform:-1,1");
  EXPECT_EQ(Init::parse("normal:0,0.1").name(), "normal:0,0.1");
}

}  // namespace
}  // namespace mlpscope
