#include "io/weights_npz.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>

#include "core/error.h"
#include "core/strings.h"
#include "data/npz.h"
#include "io/weights_json.h"

namespace mlpscope {

namespace {

enum class Role { weight, bias };

std::string lower_stem(const std::string& name) {
  std::string stem = name.substr(name.rfind('.') == std::string::npos ? 0 : name.rfind('.') + 1);
  for (char& c : stem) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return stem;
}

// By name first (the names people give them), then by rank.
Role role_of(const NamedArray& array) {
  const std::string stem = lower_stem(array.name);
  if (stem.find("bias") != std::string::npos) return Role::bias;
  if (stem.find("weight") != std::string::npos) return Role::weight;
  if (stem.starts_with('b')) return Role::bias;
  if (stem.starts_with('w')) return Role::weight;
  if (array.shape.size() == 1) return Role::bias;
  if (array.shape.size() == 2) return Role::weight;
  throw Error(array.where + ": shape " + shape_text(array.shape) +
              " is neither a weight matrix (2-D) nor a bias vector (1-D)");
}

struct Sorted {
  std::vector<const NamedArray*> weights, biases;
};

Sorted sort_arrays(const std::vector<NamedArray>& arrays, const std::string& source) {
  Sorted a;
  std::string names;
  for (const NamedArray& array : arrays) {
    names += (names.empty() ? "'" : ", '") + array.name + "'";
    if (role_of(array) == Role::bias) {
      a.biases.push_back(&array);
      continue;
    }
    if (array.shape.size() != 2)
      throw Error(array.where + ": shape " + shape_text(array.shape) +
                  ", a weight matrix must be 2-D");
    a.weights.push_back(&array);
  }
  if (a.weights.empty())
    throw Error(source + ": no weight matrix among the arrays " +
                (names.empty() ? "(none)" : names));
  if (!a.biases.empty() && a.biases.size() != a.weights.size())
    throw Error(source + ": " + std::to_string(a.weights.size()) + " weight matrices but " +
                std::to_string(a.biases.size()) +
                " bias vectors; every layer needs one bias, or none has any");
  return a;
}

// (in, out) of a stored matrix under a layout.
std::pair<std::uint64_t, std::uint64_t> in_out(const NamedArray& w, WeightLayout layout) {
  return layout == WeightLayout::numpy ? std::pair{w.shape[0], w.shape[1]}
                                       : std::pair{w.shape[1], w.shape[0]};
}

// Empty when the chain of matrices takes `input_width` inputs under `layout`; otherwise why not.
std::string misfit(const std::vector<const NamedArray*>& weights, WeightLayout layout,
                   Index input_width) {
  std::uint64_t width = static_cast<std::uint64_t>(input_width);
  for (std::size_t l = 0; l < weights.size(); ++l) {
    const auto [in, out] = in_out(*weights[l], layout);
    if (in != width) {
      const std::string expected = layout == WeightLayout::numpy
                                       ? "(" + std::to_string(width) + ", …) in numpy layout"
                                       : "(…, " + std::to_string(width) + ") in torch layout";
      return weights[l]->where + " has shape " + shape_text(weights[l]->shape) + ", expected " +
             expected + ": it must take " +
             (l == 0 ? "the data's " + std::to_string(width) + " features"
                     : "the previous layer's " + std::to_string(width) + " outputs");
    }
    width = out;
  }
  return {};
}

WeightLayout fit_layout(const Sorted& a, WeightLayout asked, Index input_width,
                        const std::string& how_to_choose) {
  if (asked != WeightLayout::automatic) {
    const std::string why = misfit(a.weights, asked, input_width);
    if (!why.empty()) throw Error(why);
    return asked;
  }
  const std::string numpy_misfit = misfit(a.weights, WeightLayout::numpy, input_width);
  const std::string torch_misfit = misfit(a.weights, WeightLayout::torch, input_width);
  if (numpy_misfit.empty() && torch_misfit.empty())
    throw Error(a.weights.front()->where + ": every weight matrix is square and " +
                std::to_string(input_width) +
                " wide, so the shapes cannot tell numpy's layout (in, out) from torch's (out, "
                "in); " +
                how_to_choose);
  if (numpy_misfit.empty()) return WeightLayout::numpy;
  if (torch_misfit.empty()) return WeightLayout::torch;
  throw Error(numpy_misfit + "; nor does it fit torch's (out, in) layout");
}

void check_finite(const NamedArray& array) {
  for (std::size_t k = 0; k < array.values.size(); ++k)
    if (!std::isfinite(array.values[k]))
      throw Error(array.where + ": element " + std::to_string(k) + " is " +
                  (std::isnan(array.values[k]) ? "nan" : "infinite") +
                  "; parameters must be finite");
}

// Stored (in, out) or (out, in) in C order → column-major out×in at `flat`.
void put_matrix(const NamedArray& w, WeightLayout layout, double* flat) {
  check_finite(w);
  const std::vector<double>& values = w.values;
  const auto [in, out] = in_out(w, layout);
  for (std::uint64_t o = 0; o < out; ++o)
    for (std::uint64_t i = 0; i < in; ++i)
      flat[i * out + o] = layout == WeightLayout::numpy ? values[i * out + o] : values[o * in + i];
}

bool bias_fits(const NamedArray& b, std::uint64_t out) {
  const auto& s = b.shape;
  if (s.size() == 1) return s[0] == out;
  return s.size() == 2 && ((s[0] == 1 && s[1] == out) || (s[0] == out && s[1] == 1));
}

void put_bias(const NamedArray& b, std::uint64_t out, double* flat) {
  if (!bias_fits(b, out))
    throw Error(b.where + " has shape " + shape_text(b.shape) + ", expected (" +
                std::to_string(out) + ",): one bias per output of its layer");
  check_finite(b);
  std::copy(b.values.begin(), b.values.end(), flat);
}

std::vector<std::string> gradient_names(const std::string& name) {
  return {name,           "d" + name,     "d_" + name,   "grad" + name,
          "grad_" + name, name + "_grad", name + ".grad"};
}

// The gradient of parameter `name` among `arrays`, under the first spelling present.
const NamedArray& find_gradient(const std::vector<NamedArray>& arrays, const std::string& name,
                                const std::string& source) {
  for (const std::string& candidate : gradient_names(name))
    for (const NamedArray& array : arrays)
      if (array.name == candidate) return array;
  std::string names;
  for (const NamedArray& array : arrays) names += (names.empty() ? "'" : ", '") + array.name + "'";
  throw Error(source + ": no gradient for '" + name + "' (looked for '" + name + "', 'd" + name +
              "', 'grad_" + name + "', '" + name + "_grad'); it holds " +
              (names.empty() ? "no array" : names));
}

void require_shape(const NamedArray& g, const std::vector<std::uint64_t>& expected,
                   const std::string& parameter) {
  if (g.shape == expected) return;
  std::string hint;
  if (g.shape.size() == 2 && expected.size() == 2 && g.shape[0] == expected[1] &&
      g.shape[1] == expected[0])
    hint = ": it is the transpose of that shape, so the gradient is transposed";
  throw Error(g.where + " has shape " + shape_text(g.shape) + ", expected " + shape_text(expected) +
              " (the shape of '" + parameter + "')" + hint);
}

}  // namespace

WeightLayout parse_weight_layout(std::string_view text, const std::string& setting) {
  const std::string t = trim(text);
  if (t == "auto" || t == "automatic") return WeightLayout::automatic;
  if (t == "numpy") return WeightLayout::numpy;
  if (t == "torch" || t == "pytorch") return WeightLayout::torch;
  setting_error(setting, "unknown layout '" + t +
                             "' (choose auto, numpy for x @ W with W (in, out), or torch for "
                             "nn.Linear's W (out, in))");
}

std::string to_string(WeightLayout layout) {
  switch (layout) {
    case WeightLayout::automatic:
      return "auto";
    case WeightLayout::numpy:
      return "numpy";
    case WeightLayout::torch:
      return "torch";
  }
  return "auto";
}

std::vector<NamedArray> read_npz_arrays(const std::string& path) {
  const NpzArchive archive(path);
  std::vector<NamedArray> arrays;
  for (const std::string& name : archive.names()) {
    const NpyArray array = archive.read(name);
    arrays.push_back({name, array.where, array.shape, array.to_doubles()});
  }
  return arrays;
}

NpzNetwork network_from_arrays(const std::vector<NamedArray>& arrays, WeightLayout layout,
                               Index input_width, const std::string& how_to_choose,
                               const std::string& source) {
  const Sorted a = sort_arrays(arrays, source);
  NpzNetwork net;
  net.path = source;
  net.layout = fit_layout(a, layout, input_width, how_to_choose);
  net.sizes.push_back(input_width);
  for (const NamedArray* w : a.weights)
    net.sizes.push_back(static_cast<Index>(in_out(*w, net.layout).second));
  Architecture shape;
  shape.sizes = net.sizes;
  shape.validate();
  net.params.assign(static_cast<std::size_t>(shape.num_params()), 0.0);
  for (std::size_t l = 0; l < a.weights.size(); ++l) {
    const Index layer = static_cast<Index>(l);
    const auto out = static_cast<std::uint64_t>(shape.fan_out(layer));
    double* flat = net.params.data() + shape.offset(layer);
    put_matrix(*a.weights[l], net.layout, flat);
    NpzLayer named{a.weights[l]->name, a.weights[l]->shape, {}, {}};
    if (!a.biases.empty()) {
      put_bias(*a.biases[l], out, flat + out * static_cast<std::uint64_t>(shape.fan_in(layer)));
      named.bias_name = a.biases[l]->name;
      named.bias_shape = a.biases[l]->shape;
    }
    net.layers.push_back(std::move(named));
  }
  return net;
}

std::vector<double> gradients_from_arrays(const std::vector<NamedArray>& arrays,
                                          const NpzNetwork& network, const std::string& source) {
  Architecture shape;
  shape.sizes = network.sizes;
  std::vector<double> flat(network.params.size(), 0.0);
  for (std::size_t l = 0; l < network.layers.size(); ++l) {
    const NpzLayer& layer = network.layers[l];
    const Index i = static_cast<Index>(l);
    const NamedArray& dW = find_gradient(arrays, layer.weight_name, source);
    require_shape(dW, layer.weight_shape, layer.weight_name);
    put_matrix(dW, network.layout, flat.data() + shape.offset(i));
    if (layer.bias_name.empty()) continue;
    // Any bias shape will do: db = delta.sum(axis=0) is (out,) beside a b kept as (1, out).
    const NamedArray& db = find_gradient(arrays, layer.bias_name, source);
    put_bias(db, static_cast<std::uint64_t>(shape.fan_out(i)),
             flat.data() + shape.offset(i) + shape.fan_out(i) * shape.fan_in(i));
  }
  return flat;
}

NpzNetwork read_npz_network(const std::string& path, WeightLayout layout, Index input_width,
                            const std::string& how_to_choose) {
  return network_from_arrays(read_npz_arrays(path), layout, input_width, how_to_choose, path);
}

std::vector<double> read_npz_gradients(const std::string& path, const NpzNetwork& network) {
  return gradients_from_arrays(read_npz_arrays(path), network, path);
}

Model npz_model(const NpzNetwork& network, const Architecture& arch) {
  Model model;
  model.arch = arch;
  model.arch.sizes = network.sizes;
  model.params = network.params;
  return model;
}

bool looks_like_npz(const std::string& path) {
  char signature[4] = {};
  std::ifstream(path, std::ios::binary).read(signature, 4);
  return std::string_view(signature, 4) == std::string_view("PK\x03\x04", 4);
}

Model load_weights_for(const std::string& spec, const Architecture& arch) {
  std::string path = spec;
  WeightLayout layout = WeightLayout::automatic;
  const auto comma = spec.rfind(",layout=");
  if (comma != std::string::npos) {
    path = spec.substr(0, comma);
    layout = parse_weight_layout(spec.substr(comma + 8), "init-from");
  }
  if (!looks_like_npz(path)) {
    if (comma != std::string::npos)
      throw Error(path + ": ,layout= is for .npz archives, and this is not one");
    return load_weights(path);
  }
  const NpzNetwork network =
      read_npz_network(path, layout, arch.sizes.front(), "add ,layout=numpy or ,layout=torch");
  return npz_model(network, arch);
}

}  // namespace mlpscope
