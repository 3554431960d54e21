#include "io/weights_json.h"

#include <cmath>
#include <optional>
#include <utility>

#include "core/error.h"
#include "io/atomic_file.h"
#include "io/model_file.h"

namespace mlpscope {

namespace {

using json = nlohmann::json;

constexpr const char* kFormat = "mlpscope-weights";
constexpr int kVersion = 1;

std::string layer_name(Index l) { return "layer " + std::to_string(l + 1); }

// "weight[3][4]": indices from 0, as numpy and PyTorch count them.
std::string element(const char* name, Index r, std::optional<std::size_t> c) {
  std::string s = std::string(name) + "[" + std::to_string(r) + "]";
  return c ? s + "[" + std::to_string(*c) + "]" : s;
}

// The element's name is built only for the message: these run once per parameter.
double finite_number(const json& value, Index l, const char* name, Index r,
                     std::optional<std::size_t> c = {}) {
  if (!value.is_number() || !std::isfinite(value.get<double>())) {
    std::string shown = value.dump(-1, ' ', false, json::error_handler_t::replace);
    if (shown.size() > 40) shown = shown.substr(0, 37) + "...";
    throw Error(layer_name(l) + ": " + element(name, r, c) + " is not a finite number (it is " +
                shown + ")");
  }
  return value.get<double>();
}

json export_number(double value, Index l, const char* name, Index r,
                   std::optional<std::size_t> c = {}) {
  if (!std::isfinite(value))
    throw Error(layer_name(l) + ": " + element(name, r, c) + " is " + std::to_string(value) +
                ", which JSON cannot hold");
  return value;
}

json layer_to_json(const Model& m, Index l) {
  const Index rows = m.arch.fan_out(l), cols = m.arch.fan_in(l);
  const double* W = m.params.data() + m.arch.offset(l);  // column-major (rows, cols)
  const double* b = W + rows * cols;
  json weight = json::array(), bias = json::array();
  for (Index r = 0; r < rows; ++r) {
    json row = json::array();
    for (Index c = 0; c < cols; ++c)
      row.push_back(export_number(W[c * rows + r], l, "weight", r, c));
    weight.push_back(std::move(row));
    bias.push_back(export_number(b[r], l, "bias", r));
  }
  return {{"weight", std::move(weight)}, {"bias", std::move(bias)}};
}

const json& member(const json& object, const char* key, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end()) throw Error(where + "missing \"" + key + "\"");
  return *it;
}

std::string string_member(const json& object, const char* key) {
  const json& value = member(object, key, "");
  if (!value.is_string()) throw Error(std::string("\"") + key + "\" is not a string");
  return value.get<std::string>();
}

void check_format(const json& weights) {
  const auto format = weights.find("format");
  if (format == weights.end() || *format != kFormat)
    throw Error(std::string("not an mlpscope weights file (\"format\" is ") +
                (format == weights.end() ? "missing" : format->dump()) + ", expected \"" + kFormat +
                "\")");
  const json& version = member(weights, "version", "");
  if (version != kVersion)
    throw Error("unknown weights format version " + version.dump() + " (this build reads " +
                std::to_string(kVersion) + ")");
}

Head read_head(const json& weights) {
  const OutputKind output = Head::parse_output(string_member(weights, "output"));
  if (weights.contains("loss"))
    return Head::make(output, Head::parse_loss(string_member(weights, "loss")));
  switch (output) {
    case OutputKind::softmax:
      return Head::make(output, LossKind::cross_entropy);
    case OutputKind::sigmoid:
      return Head::make(output, LossKind::bce);
    case OutputKind::identity:
      break;
  }
  return Head::make(output, LossKind::mse);
}

// The (rows, cols) of layer l's weight, after checking that it is a non-empty rectangle
// whose columns match `inputs` (the previous layer's rows; 0 for the first layer).
std::pair<Index, Index> weight_shape(const json& weight, Index l, Index inputs) {
  const std::string where = layer_name(l) + ": ";
  if (!weight.is_array() || weight.empty() || !weight[0].is_array() || weight[0].empty())
    throw Error(where + "\"weight\" must be a non-empty array of non-empty rows");
  const std::size_t cols = weight[0].size();
  for (std::size_t r = 0; r < weight.size(); ++r)
    if (!weight[r].is_array() || weight[r].size() != cols)
      throw Error(
          where + "weight row " + std::to_string(r) + " has " +
          (weight[r].is_array() ? std::to_string(weight[r].size()) + " entries" : "no entries") +
          ", row 0 has " + std::to_string(cols) + " (rows must all have the same length)");
  if (inputs > 0 && static_cast<Index>(cols) != inputs)
    throw Error(where + "weight is " + std::to_string(weight.size()) + "x" + std::to_string(cols) +
                " (out x in), but " + layer_name(l - 1) + " has " + std::to_string(inputs) +
                " outputs, so it needs " + std::to_string(inputs) + " columns");
  return {static_cast<Index>(weight.size()), static_cast<Index>(cols)};
}

// Appends layer l's W (column-major, the flat layout) and b to `params`; returns the
// shape of W, (outputs, inputs).
std::pair<Index, Index> read_layer(const json& layer, Index l, Index inputs,
                                   std::vector<double>& params) {
  if (!layer.is_object()) throw Error(layer_name(l) + ": not a JSON object");
  const json& weight = member(layer, "weight", layer_name(l) + ": ");
  const json& bias = member(layer, "bias", layer_name(l) + ": ");
  const auto [rows, cols] = weight_shape(weight, l, inputs);
  if (!bias.is_array() || static_cast<Index>(bias.size()) != rows)
    throw Error(layer_name(l) + ": bias has " +
                (bias.is_array() ? std::to_string(bias.size()) : std::string("no")) +
                " entries, weight has " + std::to_string(rows) + " rows");
  const std::size_t start = params.size();
  params.resize(start + static_cast<std::size_t>(rows * cols));
  for (Index r = 0; r < rows; ++r)
    for (Index c = 0; c < cols; ++c)
      params[start + static_cast<std::size_t>(c * rows + r)] =
          finite_number(weight[r][c], l, "weight", r, c);
  for (Index r = 0; r < rows; ++r) params.push_back(finite_number(bias[r], l, "bias", r));
  return {rows, cols};
}

Model decode_weights(const json& weights) {
  if (!weights.is_object()) throw Error("not an mlpscope weights file (not a JSON object)");
  check_format(weights);
  Model m;
  m.arch.activation = Activation::parse(string_member(weights, "activation"));
  m.arch.head = read_head(weights);
  const json& layers = member(weights, "layers", "");
  if (!layers.is_array() || layers.empty()) throw Error("\"layers\" must be a non-empty array");
  Index inputs = 0;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const auto [outputs, layer_inputs] =
        read_layer(layers[l], static_cast<Index>(l), inputs, m.params);
    if (l == 0) m.arch.sizes.push_back(layer_inputs);
    m.arch.sizes.push_back(outputs);
    inputs = outputs;
  }
  m.arch.validate();
  return m;
}

// `not_json` says what the text was expected to be, for the message when it is not JSON.
Model weights_from_text(const std::string& text, const std::string& path, const char* not_json) {
  json weights;
  try {
    weights = json::parse(text);
  } catch (const json::exception& e) {  // parse_error, or out_of_range for 1e999
    // Drop nlohmann's "[json.exception.parse_error.101] " tag; keep line and column.
    std::string what = e.what();
    if (const auto tag = what.find("] "); what.starts_with("[json.") && tag != std::string::npos)
      what.erase(0, tag + 2);
    throw Error(path + ": " + not_json + ": " + what);
  }
  return weights_from_json(weights, path);
}

}  // namespace

json weights_to_json(const Model& model) {
  model.arch.validate();
  if (model.params.size() != static_cast<std::size_t>(model.arch.num_params()))
    throw Error("the model holds " + std::to_string(model.params.size()) +
                " parameters, architecture " + model.arch.describe() + " needs " +
                std::to_string(model.arch.num_params()));
  json layers = json::array();
  for (Index l = 0; l < model.arch.num_layers(); ++l) layers.push_back(layer_to_json(model, l));
  return {{"format", kFormat},
          {"version", kVersion},
          {"activation", activation_spec(model.arch.activation)},
          {"output", model.arch.head.output_name()},
          {"loss", model.arch.head.loss_name()},
          {"layers", std::move(layers)}};
}

Model weights_from_json(const json& weights, const std::string& source_name) {
  try {
    return decode_weights(weights);
  } catch (const Error& e) {
    throw Error(source_name + ": " + e.what());
  }
}

void save_weights_json(const Model& model, const std::string& path) {
  std::string text;
  try {
    text = weights_to_json(model).dump() + "\n";
  } catch (const Error& e) {
    throw Error("cannot save weights to " + path + ": " + e.what());
  }
  write_file_atomically(path, text);
}

Model load_weights_json(const std::string& path) {
  return weights_from_text(read_file(path), path, "malformed JSON");
}

Model load_weights(const std::string& path) {
  const std::string bytes = read_file(path);
  if (looks_like_model_file(bytes)) return model_from_bytes(bytes, path);
  return weights_from_text(bytes, path, "neither an mlpscope model file nor valid JSON weights");
}

}  // namespace mlpscope
