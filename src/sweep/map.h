// The convergence map of a sweep: for two axes, each cell the verdicts of its runs (over
// seeds) and their median final loss; every further axis becomes a facet, one table per
// combination of its values. Where one axis is lr, the theory's boundary beside it: the
// largest stable learning rate 2/λmax, λmax the top Hessian eigenvalue of the loss at
// initialization (median over the runs of each value of the other axis). Gradient descent
// with lr above it is unstable at the start (see DESIGN.md, "The problem it exists for").
// Where that other axis is init-scale, the homogeneity prediction beside it (scale_law.h).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sweep/grid.h"
#include "sweep/store.h"

namespace mlpscope {

struct MapCell {
  std::map<std::string, int> verdicts;  // verdict → runs
  int runs = 0;                         // runs found; missing ones (other shards) excluded
  int expected = 0;                     // runs in the grid
  std::optional<double> median_final_loss;
};

struct MapFacet {
  std::string label;                        // "activation=relu loss=mse", empty without facets
  std::vector<std::string> values;          // the facet axes' values: relu, mse
  std::vector<std::vector<MapCell>> cells;  // [row value][column value]
  std::vector<std::optional<double>> row_boundary;  // per row value when the columns are lr
  std::vector<std::optional<double>> col_boundary;  // per column value when the rows are lr
  // Where the boundary's axis is init-scale (the other one lr): the homogeneity prediction
  // of 2/λmax beside each measured value, drawn from the largest scale (sweep/scale_law.h),
  // the exponents of λmax ∝ c^k it gives and that the measured values fit, and for what.
  std::vector<std::optional<double>> row_predicted, col_predicted;
  std::optional<int> theory_exponent;
  std::optional<double> measured_exponent, anchor_scale;
  std::string law;  // "relu, 3 weight layers, no biases, softmax + mse"
};

struct ConvergenceMap {
  std::string row_axis, col_axis;  // "" for a missing axis (fewer than two --vary)
  std::vector<std::string> row_values, col_values;
  std::vector<std::string> facet_axes;
  std::vector<MapFacet> facets;
};

// `axes`: two axis names, or empty for the first two. Throws SettingError("axes", …)
// for a name that is not a --vary.
ConvergenceMap build_map(const GridSpec& spec, const std::vector<GridPoint>& points,
                         const std::vector<RunRow>& rows, const std::vector<std::string>& axes);

std::string map_to_text(const ConvergenceMap& map);
// One line per cell: facet axes, row and column values, runs, expected, one count per
// verdict, median_final_loss, max_stable_lr (2/λmax where one axis is lr, else empty),
// predicted_max_stable_lr (the homogeneity prediction where the other axis is init-scale).
std::string map_to_csv(const ConvergenceMap& map);

}  // namespace mlpscope
