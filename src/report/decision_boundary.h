// The decision boundary of a trained network on two-feature data, as TensorFlow Playground
// shows it: the network evaluated on a regular grid over the data's range (in the data's
// own coordinates, before the model's feature transform), with a sample of the points.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "data/dataset.h"
#include "io/model.h"

namespace mlpscope {

struct DecisionGrid {
  double x_min = 0, x_max = 0, y_min = 0, y_max = 0;  // the grid's outer edges
  int nx = 0, ny = 0;                                 // cells per axis
  int classes = 0;
  // Per cell, row-major from (x_min, y_min), cell (i, j) centred at
  // (x_min + (i + ½)·dx, y_min + (j + ½)·dy): with two classes the probability of class 1,
  // else the predicted class; and the top output (the confidence).
  std::vector<double> values, confidence;
  std::vector<double> px, py;        // data points drawn, at most `max_points`
  std::vector<std::int32_t> labels;  // their classes
  std::string data_name;
};

// Requires data.dim == 2 and a model with 2 inputs (Error otherwise). The grid covers the
// data's bounding box widened by 10% on each side; `resolution` cells along each axis.
DecisionGrid decision_grid(const Model& model, const Dataset& data, int resolution = 100,
                           Index max_points = 600);

nlohmann::json to_json(const DecisionGrid& grid);

}  // namespace mlpscope
