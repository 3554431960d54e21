#include "io/model_file.h"

#include <zlib.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>

#include "core/error.h"
#include "io/atomic_file.h"

namespace mlpscope {

// Integers and doubles are copied to and from the file byte for byte.
static_assert(std::endian::native == std::endian::little,
              "model files are little-endian; a big-endian host needs byte swaps here");
static_assert(std::numeric_limits<double>::is_iec559, "model files hold IEEE 754 doubles");

namespace {

using json = nlohmann::json;

constexpr std::string_view kMagic = "MLPSCOPE";
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderOffset = 8 + 4 + 8;              // magic, version, H
constexpr std::size_t kFramingBytes = kHeaderOffset + 8 + 4;  // … P, CRC: 32

template <class U>
void append(std::string& out, U value) {
  char raw[sizeof(U)];
  std::memcpy(raw, &value, sizeof(U));
  out.append(raw, sizeof(U));
}

// The caller has checked that offset + sizeof(U) <= bytes.size().
template <class U>
U read_at(std::string_view bytes, std::size_t offset) {
  U value;
  std::memcpy(&value, bytes.data() + offset, sizeof(U));
  return value;
}

std::uint32_t crc32_of(std::string_view bytes) {
  // crc32_z takes a size_t length; plain crc32 would stop at 4 GiB.
  return static_cast<std::uint32_t>(
      crc32_z(0, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()));
}

std::string hex(std::uint32_t value) {
  char text[16];
  const auto end = std::to_chars(text, text + sizeof text, value, 16).ptr;
  return "0x" + std::string(text, end);
}

// 32 + H + 8·P, or nothing when a damaged length field makes it overflow.
std::optional<std::uint64_t> expected_size(std::uint64_t header_bytes, std::uint64_t num_params) {
  std::uint64_t param_bytes = 0, total = 0;
  if (__builtin_mul_overflow(num_params, std::uint64_t{8}, &param_bytes) ||
      __builtin_add_overflow(header_bytes, param_bytes, &total) ||
      __builtin_add_overflow(total, std::uint64_t{kFramingBytes}, &total))
    return std::nullopt;
  return total;
}

// A length field and the file's size disagree. Both a cut-off file and a damaged length
// field look like this, and nothing tells them apart, so the message names both.
[[noreturn]] void wrong_size(std::optional<std::uint64_t> expected, std::size_t found,
                             bool at_least = false) {
  const std::string want = expected ? std::to_string(*expected) : "more than 2^64";
  const std::string what = (!expected || *expected > found) ? "truncated or damaged" : "damaged";
  throw Error(what + ": expected " + (at_least ? "at least " : "") + want + " bytes, found " +
              std::to_string(found));
}

struct Layout {
  std::string_view header;
  std::uint64_t num_params = 0;
  std::size_t params_offset = 0;
};

// Checks magic, version, lengths and checksum, in that order: each check only reads
// bytes that the ones before it proved present, and no length is trusted before it has
// been compared with the file's size.
Layout check_layout(std::string_view bytes) {
  if (!looks_like_model_file(bytes)) {
    if (bytes.size() < kMagic.size() && kMagic.starts_with(bytes))
      throw Error("truncated: expected at least " + std::to_string(kFramingBytes) +
                  " bytes, found " + std::to_string(bytes.size()));
    throw Error("not an mlpscope model file (it does not start with \"MLPSCOPE\")");
  }
  if (bytes.size() < kFramingBytes) wrong_size(kFramingBytes, bytes.size(), true);
  const auto version = read_at<std::uint32_t>(bytes, kMagic.size());
  if (version != kVersion)
    throw Error("unknown format version " + std::to_string(version) +
                " (this build reads version " + std::to_string(kVersion) +
                "; the file is damaged or from a newer mlpscope)");
  const auto header_bytes = read_at<std::uint64_t>(bytes, kMagic.size() + 4);
  if (header_bytes > bytes.size() - kFramingBytes)
    wrong_size(expected_size(header_bytes, 0), bytes.size(), true);
  const std::size_t count_offset = kHeaderOffset + header_bytes;
  const auto num_params = read_at<std::uint64_t>(bytes, count_offset);
  const auto expected = expected_size(header_bytes, num_params);
  if (expected != bytes.size()) wrong_size(expected, bytes.size());
  const auto stored = read_at<std::uint32_t>(bytes, bytes.size() - 4);
  const auto computed = crc32_of(bytes.substr(0, bytes.size() - 4));
  if (stored != computed)
    throw Error("damaged: checksum mismatch (stored " + hex(stored) + ", computed " +
                hex(computed) + ")");
  return {bytes.substr(kHeaderOffset, header_bytes), num_params, count_offset + 8};
}

const json& member(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) throw Error(std::string("missing \"") + key + "\"");
  return *it;
}

std::string string_member(const json& object, const char* key) {
  const json& value = member(object, key);
  if (!value.is_string()) throw Error(std::string("\"") + key + "\" is not a string");
  return value.get<std::string>();
}

std::vector<double> finite_numbers(const json& array, const std::string& what) {
  if (!array.is_array()) throw Error(what + " is not an array");
  std::vector<double> values;
  values.reserve(array.size());
  for (const json& v : array) {
    if (!v.is_number() || !std::isfinite(v.get<double>()))
      throw Error(what + "[" + std::to_string(values.size()) + "] is not a finite number");
    values.push_back(v.get<double>());
  }
  return values;
}

std::vector<Index> read_sizes(const json& array) {
  if (!array.is_array()) throw Error("\"sizes\" is not an array");
  std::vector<Index> sizes;
  for (const json& v : array) {
    const bool too_large =
        v.is_number_unsigned() &&
        v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<Index>::max());
    if (!v.is_number_integer() || too_large)
      throw Error("\"sizes\"[" + std::to_string(sizes.size()) + "] is not a layer width");
    sizes.push_back(v.get<Index>());
  }
  return sizes;
}

FeatureTransform read_transform(const json& header, Index inputs) {
  FeatureTransform t;
  const auto it = header.find("transform");
  if (it == header.end()) return t;
  if (!it->is_object()) throw Error("\"transform\" is not an object");
  if (it->contains("mean")) t.mean = finite_numbers((*it)["mean"], "\"transform\".\"mean\"");
  if (it->contains("inv_std"))
    t.inv_std = finite_numbers((*it)["inv_std"], "\"transform\".\"inv_std\"");
  for (const auto* v : {&t.mean, &t.inv_std})
    if (!v->empty() && static_cast<Index>(v->size()) != inputs)
      throw Error("\"transform\" has " + std::to_string(v->size()) + " values for " +
                  std::to_string(inputs) + " inputs");
  return t;
}

// Everything of the model but its parameters.
Model model_from_header(const json& header) {
  if (!header.is_object()) throw Error("not a JSON object");
  Model m;
  m.arch.sizes = read_sizes(member(header, "sizes"));
  m.arch.validate();
  m.arch.activation = Activation::parse(string_member(header, "activation"));
  m.arch.head = Head::make(Head::parse_output(string_member(header, "output")),
                           Head::parse_loss(string_member(header, "loss")));
  m.transform = read_transform(header, m.arch.sizes.front());
  if (const auto it = header.find("class_names"); it != header.end()) {
    if (!it->is_array()) throw Error("\"class_names\" is not an array");
    for (const json& name : *it) {
      if (!name.is_string()) throw Error("\"class_names\" holds a value that is not a string");
      m.class_names.push_back(name.get<std::string>());
    }
  }
  if (const auto it = header.find("options"); it != header.end()) {
    if (!it->is_object()) throw Error("\"options\" is not an object");
    m.options = *it;
  }
  return m;
}

Model decode_header(std::string_view text) {
  json header;
  try {
    header = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    throw Error(std::string("malformed header: ") + e.what());
  }
  try {
    return model_from_header(header);
  } catch (const Error& e) {
    throw Error(std::string("header: ") + e.what());
  }
}

json header_json(const Model& m) {
  return {{"sizes", m.arch.sizes},
          {"activation", activation_spec(m.arch.activation)},
          {"output", m.arch.head.output_name()},
          {"loss", m.arch.head.loss_name()},
          {"transform", {{"mean", m.transform.mean}, {"inv_std", m.transform.inv_std}}},
          {"class_names", m.class_names},
          {"options", m.options}};
}

// What load_model would refuse, refused before writing.
void check_consistent(const Model& m) {
  m.arch.validate();
  if (m.params.size() != static_cast<std::size_t>(m.arch.num_params()))
    throw Error("it holds " + std::to_string(m.params.size()) + " parameters, architecture " +
                m.arch.describe() + " needs " + std::to_string(m.arch.num_params()));
  for (const auto* v : {&m.transform.mean, &m.transform.inv_std}) {
    if (!v->empty() && static_cast<Index>(v->size()) != m.arch.sizes.front())
      throw Error("its feature transform has " + std::to_string(v->size()) + " values for " +
                  std::to_string(m.arch.sizes.front()) + " inputs");
    for (double x : *v)
      if (!std::isfinite(x)) throw Error("its feature transform holds a non-finite value");
  }
  if (!m.options.is_object()) throw Error("its options are not a JSON object");
}

}  // namespace

std::string activation_spec(const Activation& activation) {
  if (activation.kind != ActivationKind::leaky_relu) return activation.name();
  char digits[32];
  const auto end = std::to_chars(digits, digits + sizeof digits, activation.slope).ptr;
  return "leaky_relu:" + std::string(digits, end);
}

bool looks_like_model_file(std::string_view first_bytes) { return first_bytes.starts_with(kMagic); }

std::string model_to_bytes(const Model& model) {
  check_consistent(model);
  std::string header;
  try {
    header = header_json(model).dump();
  } catch (const json::exception& e) {  // class names or options that are not UTF-8
    throw Error(std::string("its header cannot be written as JSON: ") + e.what());
  }
  std::string out;
  out.reserve(kFramingBytes + header.size() + 8 * model.params.size());
  out.append(kMagic);
  append<std::uint32_t>(out, kVersion);
  append<std::uint64_t>(out, header.size());
  out += header;
  append<std::uint64_t>(out, model.params.size());
  out.append(reinterpret_cast<const char*>(model.params.data()), 8 * model.params.size());
  append<std::uint32_t>(out, crc32_of(out));
  return out;
}

Model model_from_bytes(std::string_view bytes, const std::string& source_name) {
  try {
    const Layout layout = check_layout(bytes);
    Model m = decode_header(layout.header);
    if (layout.num_params != static_cast<std::uint64_t>(m.arch.num_params()))
      throw Error("it holds " + std::to_string(layout.num_params) + " parameters, architecture " +
                  m.arch.describe() + " needs " + std::to_string(m.arch.num_params()));
    m.params.resize(layout.num_params);
    std::memcpy(m.params.data(), bytes.data() + layout.params_offset, 8 * layout.num_params);
    return m;
  } catch (const Error& e) {
    throw Error(source_name + ": " + e.what());
  }
}

void save_model(const Model& model, const std::string& path) {
  std::string bytes;
  try {
    bytes = model_to_bytes(model);
  } catch (const Error& e) {
    throw Error("cannot save model to " + path + ": " + e.what());
  }
  write_file_atomically(path, bytes);
}

Model load_model(const std::string& path) { return model_from_bytes(read_file(path), path); }

}  // namespace mlpscope
