// Weights as JSON: the interchange format for moving a network to and from numpy or
// PyTorch (DESIGN.md, "Files"), and what --init-from reads.
//
//   {"format": "mlpscope-weights", "version": 1,
//    "activation": "relu", "output": "softmax", "loss": "cross_entropy",
//    "layers": [{"weight": [[w00, w01, …], …], "bias": [b0, …]}, …]}
//
// Each "weight" is stored as PyTorch's nn.Linear stores it: one row per output unit, one
// column per input, so `torch.tensor(layer["weight"])` is `linear.weight` and row r,
// column c is net.W(l)(r, c). Numbers are float64 written with the shortest digits that
// read back as the same double, so export → import is exact. Reading, "loss" may be left
// out: it then defaults to the output's natural partner (softmax → cross_entropy, sigmoid
// → bce, identity → mse). Layer widths come from the matrices. A model read from JSON has
// no feature transform, no class names and empty options.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "io/model.h"

namespace mlpscope {

// Throws Error naming the layer when a parameter is NaN or infinite (JSON cannot hold it)
// or when the parameters do not fit the architecture.
nlohmann::json weights_to_json(const Model& model);

// Validates the format, the version and every layer: a rectangular "weight" of finite
// numbers whose columns match the previous layer's rows, and a "bias" with one number per
// row. Throws Error("SOURCE_NAME: layer 2: …"), layers counted from 1.
Model weights_from_json(const nlohmann::json& weights, const std::string& source_name);

// weights_to_json written to `path` atomically (io/atomic_file.h).
void save_weights_json(const Model& model, const std::string& path);

// Reads a JSON weights file; malformed JSON throws Error naming the path and the line and
// column where parsing stopped.
Model load_weights_json(const std::string& path);

// A model file (recognised by its magic bytes) or a JSON weights file, whichever `path`
// holds: what --init-from calls.
Model load_weights(const std::string& path);

}  // namespace mlpscope
