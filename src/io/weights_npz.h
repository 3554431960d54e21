// A user's own network read from a numpy .npz archive (data/npz.h), and the gradients of
// its parameters from a second archive: how a network written in numpy or PyTorch reaches
// mlpscope (DESIGN.md, "Your own network").
//
// Which array is what. Weight matrices and bias vectors are taken in the order the archive
// holds them (np.savez keeps its keyword order): the i-th bias belongs to the i-th weight.
// An array is a bias when its name, lower-cased and after the last '.', contains "bias" or
// starts with 'b' (b1, bias0, fc1.bias); a weight when it contains "weight" or starts with
// 'w' (W1, w0, 0.weight); otherwise a 1-D array is a bias and a 2-D one a weight. A bias may
// be (out,), (1, out) or (out, 1), as numpy code keeps them. An archive with no bias at all
// is a network without biases: they are zeros, and a gradient is not asked for them.
//
// Layouts. numpy code computes x @ W, so W is (in, out); PyTorch's nn.Linear computes
// W @ x, so W is (out, in). `automatic` fits the shapes to the data's input width: layer by
// layer, each matrix must take the previous layer's outputs. The two fit at once only when
// every matrix is square and as wide as the input, and then automatic refuses rather than
// guess.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.h"
#include "io/model.h"

namespace mlpscope {

enum class WeightLayout { automatic, numpy, torch };

// "auto", "numpy" or "torch"; SettingError naming `setting` otherwise.
WeightLayout parse_weight_layout(std::string_view text, const std::string& setting);
std::string to_string(WeightLayout layout);

// Where one layer's parameters came from.
struct NpzLayer {
  std::string weight_name;
  std::vector<std::uint64_t> weight_shape;  // as stored
  std::string bias_name;                    // empty: the archive holds no biases
  std::vector<std::uint64_t> bias_shape;
};

struct NpzNetwork {
  std::string path;
  std::vector<Index> sizes;    // the input width, then each layer's outputs
  std::vector<double> params;  // the flat layout of nn/architecture.h (W out×in, then b)
  std::vector<NpzLayer> layers;
  WeightLayout layout = WeightLayout::numpy;  // the one the shapes fit: numpy or torch
  bool has_biases() const { return !layers.empty() && !layers.front().bias_name.empty(); }
};

// One array of a user's network or gradients: read from an archive, or handed over from
// memory (Python's numpy arrays). Values in C order (last index fastest).
struct NamedArray {
  std::string name;
  std::string where;  // names it in errors: "net.npz: array 'W1'", "weights['W1']"
  std::vector<std::uint64_t> shape;
  std::vector<double> values;
};

// Every array of the archive at `path`, in archive order.
std::vector<NamedArray> read_npz_arrays(const std::string& path);

// The network that `arrays` hold (sorted and fitted as the header says); `source` names the
// whole in errors about it ("net.npz", "weights").
NpzNetwork network_from_arrays(const std::vector<NamedArray>& arrays, WeightLayout layout,
                               Index input_width, const std::string& how_to_choose,
                               const std::string& source);
// The gradients that `arrays` hold for `network`, as read_npz_gradients finds them.
std::vector<double> gradients_from_arrays(const std::vector<NamedArray>& arrays,
                                          const NpzNetwork& network, const std::string& source);

// Reads the network in `path` for inputs `input_width` wide. Errors are one line naming the
// archive and the array; when automatic cannot decide, the message ends with `how_to_choose`
// (e.g. "give --layout numpy or --layout torch").
NpzNetwork read_npz_network(const std::string& path, WeightLayout layout, Index input_width,
                            const std::string& how_to_choose);

// The gradients in `path`, one array per parameter of `network`, each named as the parameter
// is (W1) or with a prefix or suffix that says gradient: dW1, d_W1, gradW1, grad_W1, W1_grad,
// W1.grad. Shapes and layout as in the network's own archive. Returned in the flat layout;
// the biases' entries stay 0 when the network has none. A missing array or a shape that
// does not fit is an Error naming the array, its shape and the shape expected.
std::vector<double> read_npz_gradients(const std::string& path, const NpzNetwork& network);

// The network as a Model for `arch`'s activation and head, its widths its own.
Model npz_model(const NpzNetwork& network, const Architecture& arch);

// Whether the file at `path` starts with a zip archive's signature, as every .npz does.
bool looks_like_npz(const std::string& path);

// What --init-from reads, for a network shaped `arch`: FILE.npz[,layout=numpy|torch|auto]
// (an archive is known by its zip signature), an mlpscope model file or JSON weights.
Model load_weights_for(const std::string& spec, const Architecture& arch);

}  // namespace mlpscope
