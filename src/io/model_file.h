// Model files: a trained (or initial) network with everything needed to use it again,
// versioned and checksummed, so that loading a damaged file is an error and never a crash.
//
// Format version 1, all integers and floats little-endian:
//
//   offset     size  field
//   0          8     magic, the ASCII bytes "MLPSCOPE"
//   8          4     u32 format version, 1
//   12         8     u64 H, the length of the header in bytes
//   20         H     header: UTF-8 JSON object
//                      "sizes"       [inputs, hidden widths…, outputs]   (positive integers)
//                      "activation"  hidden activation spec, e.g. "relu", "leaky_relu:0.2"
//                      "output"      "softmax" | "sigmoid" | "identity"
//                      "loss"        "mse" | "cross_entropy" | "bce"
//                      "transform"   {"mean": [...], "inv_std": [...]}, each empty or one
//                                    number per input (data/dataset.h, FeatureTransform)
//                      "class_names" [strings], possibly empty
//                      "options"     object: every option of the run that made the model
//   20+H       8     u64 P, the number of parameters
//   28+H       8·P   P float64: the flat parameter vector (nn/architecture.h layout: layer
//                    after layer, W (out, in) column-major, then b)
//   28+H+8·P   4     u32 CRC-32 (zlib's crc32, as in gzip and PNG) of bytes [0, 28+H+8·P)
//
// The file is 32 + H + 8·P bytes long, exactly. Parameters are stored in binary, not in
// the header, so that a 784-256-128-10 model is 0.9 MB rather than 4 MB of text and loads
// with one copy; the header is JSON so that it can grow fields without a new version.
#pragma once

#include <string>
#include <string_view>

#include "io/model.h"

namespace mlpscope {

// Writes `model` to `path` atomically (io/atomic_file.h). Throws Error("cannot save model
// to PATH: …") when the model is inconsistent (parameter count, transform size, text that
// is not UTF-8) or the file cannot be written.
void save_model(const Model& model, const std::string& path);

// Reads and validates a model file. Throws Error("PATH: …") for a missing file, a file
// that is not a model file, an unknown version, a truncated or damaged file, a malformed
// header, or parameters that do not fit the architecture.
Model load_model(const std::string& path);

// True when the bytes start with the magic: enough to tell a model file from JSON.
bool looks_like_model_file(std::string_view first_bytes);

// The in-memory halves of save_model and load_model. `source_name` (a path) starts every
// error message.
std::string model_to_bytes(const Model& model);
Model model_from_bytes(std::string_view bytes, const std::string& source_name);

// Activation::name(), except that a leaky_relu slope is written with the shortest digits
// that read back as the same double (name() rounds it to 6 decimals). Both file formats
// store the activation this way so that a saved network is exactly the one trained.
std::string activation_spec(const Activation& activation);

}  // namespace mlpscope
