#include "report/decision_boundary.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.h"
#include "nn/network.h"

namespace mlpscope {

DecisionGrid decision_grid(const Model& model, const Dataset& data, int resolution,
                           Index max_points) {
  if (data.dim != 2 || model.arch.sizes.front() != 2)
    throw Error("a decision boundary needs two-feature data and a model with 2 inputs (got " +
                std::to_string(data.dim) + " features, " +
                std::to_string(model.arch.sizes.front()) + " inputs)");
  if (data.size() == 0) throw Error("a decision boundary needs at least one data point");
  DecisionGrid g;
  g.nx = g.ny = resolution;
  g.classes = static_cast<int>(model.arch.sizes.back());
  g.data_name = data.name;

  double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
  for (Index i = 0; i < data.size(); ++i)
    for (int f = 0; f < 2; ++f) {
      lo[f] = std::min(lo[f], data.raw(i, f));
      hi[f] = std::max(hi[f], data.raw(i, f));
    }
  for (int f = 0; f < 2; ++f) {
    const double margin = 0.1 * std::max(hi[f] - lo[f], 1e-9);
    lo[f] -= margin;
    hi[f] += margin;
  }
  g.x_min = lo[0], g.x_max = hi[0], g.y_min = lo[1], g.y_max = hi[1];

  // Every cell centre as one batch (columns are samples), through the model's transform.
  const Index cells = static_cast<Index>(g.nx) * g.ny;
  Matrix<double> X(2, cells);
  const double dx = (g.x_max - g.x_min) / g.nx, dy = (g.y_max - g.y_min) / g.ny;
  for (int j = 0; j < g.ny; ++j)
    for (int i = 0; i < g.nx; ++i) {
      const Index c = static_cast<Index>(j) * g.nx + i;
      const double raw[2] = {g.x_min + (i + 0.5) * dx, g.y_min + (j + 0.5) * dy};
      for (int f = 0; f < 2; ++f) {
        const double mean = model.transform.mean.empty() ? 0.0 : model.transform.mean[f];
        const double inv_std = model.transform.inv_std.empty() ? 1.0 : model.transform.inv_std[f];
        X(f, c) = (raw[f] - mean) * inv_std;
      }
    }
  Network<double> net(model.arch);
  model.copy_to(net);
  Workspace<double> ws;
  net.forward(X, ws);
  g.values.resize(static_cast<std::size_t>(cells));
  g.confidence.resize(static_cast<std::size_t>(cells));
  for (Index c = 0; c < cells; ++c) {
    Index top = 0;
    const double best = ws.P.col(c).maxCoeff(&top);
    g.confidence[static_cast<std::size_t>(c)] = best;
    g.values[static_cast<std::size_t>(c)] =
        g.classes == 2 ? ws.P(1, c) / std::max(ws.P(0, c) + ws.P(1, c), 1e-300)
                       : static_cast<double>(top);
  }

  // An even sample of the points within each class, in the data's order: of a class's n_c
  // points, the one of rank r is drawn when ⌊(r+1)·m/N⌋ > ⌊r·m/N⌋, so ⌊n_c·m/N⌋ of them
  // evenly spread, and at most m in all. Every k-th point of the whole set would draw one
  // class only when classes alternate with period k (the two spirals: period 2).
  const Index n = data.size(), m = std::min(max_points, n);
  std::vector<Index> rank;
  for (Index i = 0; i < n; ++i) {
    const auto label =
        static_cast<std::size_t>(std::max(0, data.labels[static_cast<std::size_t>(i)]));
    if (label >= rank.size()) rank.resize(label + 1, 0);
    const Index r = rank[label]++;
    if ((r + 1) * m / n == r * m / n) continue;
    g.px.push_back(data.raw(i, 0));
    g.py.push_back(data.raw(i, 1));
    g.labels.push_back(data.labels[static_cast<std::size_t>(i)]);
  }
  return g;
}

nlohmann::json to_json(const DecisionGrid& g) {
  // Four decimals are finer than any colour step and keep the page small.
  auto rounded = [](const std::vector<double>& v) {
    std::vector<double> out(v.size());
    std::transform(v.begin(), v.end(), out.begin(),
                   [](double x) { return std::round(x * 1e4) / 1e4; });
    return out;
  };
  return {{"x_min", g.x_min},
          {"x_max", g.x_max},
          {"y_min", g.y_min},
          {"y_max", g.y_max},
          {"nx", g.nx},
          {"ny", g.ny},
          {"classes", g.classes},
          {"values", rounded(g.values)},
          {"confidence", rounded(g.confidence)},
          {"points", {{"x", g.px}, {"y", g.py}, {"label", g.labels}}},
          {"data", g.data_name}};
}

}  // namespace mlpscope
