#include "data/load.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/strings.h"
#include "data/csv.h"
#include "data/idx.h"
#include "data/npz_data.h"
#include "data/synthetic.h"

namespace mlpscope {

namespace {

namespace fs = std::filesystem;

constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";
// The synthetic test split is the same distribution drawn from seed + this (a prime, so it
// collides with no small seed a user is likely to sweep over).
constexpr std::uint64_t kTestSeedOffset = 1000003;
constexpr const char* kValidKinds =
    "fashion-mnist, mnist:DIR, idx:IMAGES[,LABELS], csv:PATH[,label=NAME][,classes=K], "
    "npz:FILE[,x=NAME,y=NAME], spiral, circles, xor, moons, gaussians "
    "[:n=N,noise=S,classes=K,seed=S]";

[[noreturn]] void spec_error(const std::string& spec, const std::string& message) {
  throw Error("data spec '" + spec + "': " + message);
}

// A spec resolved to what reads each of its splits; nothing is read until one is called.
struct Source {
  std::function<Dataset()> train;
  std::function<Dataset()> test;  // empty when the spec has no test split
};

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// "a=1,b=2" parts → {{"a","1"},{"b","2"}}; a part without '=' or a repeated key is an error.
KeyValues parse_key_values(const std::string& spec, const std::vector<std::string>& parts) {
  KeyValues pairs;
  for (const std::string& part : parts) {
    const auto eq = part.find('=');
    if (eq == std::string::npos) spec_error(spec, "expected key=value, got '" + trim(part) + "'");
    std::string key = trim(part.substr(0, eq));
    const bool repeated = std::any_of(pairs.begin(), pairs.end(),
                                      [&](const auto& pair) { return pair.first == key; });
    if (repeated) spec_error(spec, "key '" + key + "' is given twice");
    pairs.emplace_back(std::move(key), trim(part.substr(eq + 1)));
  }
  return pairs;
}

// The IDX file for `stem` ("train-images-idx3-ubyte") in `dir`, gzipped or not, with the
// "-idx" or the ".idx" spelling; nullopt when there is none.
std::optional<std::string> find_idx_file(const std::string& dir, const std::string& stem) {
  std::string dotted = stem;
  dotted[dotted.find("-idx")] = '.';
  for (const std::string& name : {stem + ".gz", stem, dotted + ".gz", dotted}) {
    const fs::path path = fs::path(dir) / name;
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) return path.string();
  }
  return std::nullopt;
}

// Loads prefix-{images-idx3,labels-idx1}-ubyte from dir; a file that is not there is an
// Error with the message `missing(stem)`.
Dataset load_split(const std::string& dir, const std::string& prefix, const std::string& name,
                   const std::function<std::string(const std::string& stem)>& missing) {
  const std::string images_stem = prefix + "-images-idx3-ubyte";
  const std::string labels_stem = prefix + "-labels-idx1-ubyte";
  const auto images = find_idx_file(dir, images_stem);
  if (!images) throw Error(missing(images_stem));
  const auto labels = find_idx_file(dir, labels_stem);
  if (!labels) throw Error(missing(labels_stem));
  return load_idx(*images, *labels, name);
}

Source fashion_mnist_source(const std::string& spec, const std::string& args) {
  if (!args.empty()) spec_error(spec, "fashion-mnist takes no arguments");
  const auto missing = [](const std::string& stem) {
    return std::string("fashion-mnist: ") + kFashionMnistDir + "/" + stem +
           ".gz not found; install the Debian package dataset-fashion-mnist "
           "(apt-get install dataset-fashion-mnist) or run `make setup`";
  };
  return {[=] { return load_split(kFashionMnistDir, "train", spec + " (train)", missing); },
          [=] { return load_split(kFashionMnistDir, "t10k", spec + " (test)", missing); }};
}

Source mnist_source(const std::string& spec, const std::string& dir) {
  std::error_code ec;
  if (dir.empty()) spec_error(spec, "expected mnist:DIR");
  if (!fs::is_directory(dir, ec)) spec_error(spec, "no directory " + dir);
  const auto missing = [=](const std::string& stem) {
    return "data spec '" + spec + "': no " + stem + "[.gz] in " + dir;
  };
  Source source{[=] { return load_split(dir, "train", spec + " (train)", missing); }, {}};
  if (find_idx_file(dir, "t10k-images-idx3-ubyte"))
    source.test = [=] { return load_split(dir, "t10k", spec + " (test)", missing); };
  return source;
}

// LABELS defaults to IMAGES with "images-idx3" (or "images.idx3") in its file name replaced
// by "labels-idx1" (or "labels.idx1").
std::string guess_labels_path(const std::string& spec, const std::string& images) {
  const fs::path path(images);
  std::string name = path.filename().string();
  for (const char* separator : {"-", "."}) {
    const std::string from = std::string("images") + separator + "idx3";
    const auto at = name.find(from);
    if (at == std::string::npos) continue;
    name.replace(at, from.size(), std::string("labels") + separator + "idx1");
    return (path.parent_path() / name).string();
  }
  spec_error(spec, "cannot guess the labels file (no 'images-idx3' in the name of " + images +
                       "); give idx:IMAGES,LABELS");
}

Source idx_source(const std::string& spec, const std::string& args) {
  const std::vector<std::string> parts = split(args, ',');
  if (parts.size() > 2 || trim(parts[0]).empty()) spec_error(spec, "expected idx:IMAGES[,LABELS]");
  const std::string images = trim(parts[0]);
  const std::string labels = parts.size() == 2 ? trim(parts[1]) : guess_labels_path(spec, images);
  return {[=] { return load_idx(images, labels, spec); }, {}};
}

// "PATH,key=value,…" → PATH and the pairs after it; an empty PATH is an error showing `usage`.
std::pair<std::string, KeyValues> path_and_keys(const std::string& spec, const std::string& args,
                                                const char* usage) {
  std::vector<std::string> parts = split(args, ',');
  std::string path = trim(parts[0]);
  if (path.empty()) spec_error(spec, std::string("expected ") + usage);
  parts.erase(parts.begin());
  return {std::move(path), parse_key_values(spec, parts)};
}

// A file's data set, named by the spec that asked for it.
Source file_source(const std::string& spec, std::function<Dataset()> load) {
  return {[spec, load = std::move(load)] {
            Dataset data = load();
            data.name = spec;
            return data;
          },
          {}};
}

Source csv_source(const std::string& spec, const std::string& args) {
  // Not a structured binding: the lambda below captures the path (clang 14 cannot).
  const auto parsed = path_and_keys(spec, args, "csv:PATH[,label=NAME][,classes=K]");
  const std::string& path = parsed.first;
  CsvOptions options;
  for (const auto& [key, value] : parsed.second) {
    if (key == "label") {
      if (value.empty()) spec_error(spec, "label= needs a column name");
      options.label_column = value;
    } else if (key == "classes") {
      options.classes = parse_integer(value, "data spec '" + spec + "': classes");
      if (*options.classes < 1) spec_error(spec, "classes=" + value + " must be at least 1");
    } else {
      spec_error(spec, "unknown key '" + key + "'; csv takes label=NAME and classes=K");
    }
  }
  return file_source(spec, [path, options] { return load_csv(path, options); });
}

Source npz_source(const std::string& spec, const std::string& args) {
  const auto parsed = path_and_keys(spec, args, "npz:FILE[,x=NAME,y=NAME]");
  const std::string& path = parsed.first;
  NpzDataOptions options;
  for (const auto& [key, value] : parsed.second) {
    if (key != "x" && key != "y")
      spec_error(spec, "unknown key '" + key + "'; npz takes x=NAME and y=NAME");
    if (value.empty()) spec_error(spec, key + "= needs an array name");
    (key == "x" ? options.x : options.y) = value;
  }
  return file_source(spec, [path, options] { return load_npz(path, options); });
}

SyntheticOptions parse_synthetic_options(const std::string& spec, const std::string& args) {
  SyntheticOptions options;
  if (trim(args).empty()) return options;
  for (const auto& [key, value] : parse_key_values(spec, split(args, ','))) {
    const std::string what = "data spec '" + spec + "': " + key;
    if (key == "n") {  // ranges are checked by check_synthetic_options
      options.n = parse_integer(value, what);
    } else if (key == "noise") {
      options.noise = parse_double(value, what);
    } else if (key == "classes") {
      options.classes = parse_integer(value, what);
    } else if (key == "seed") {
      const long long seed = parse_integer(value, what);
      if (seed < 0) spec_error(spec, "seed=" + value + " must be >= 0");
      options.seed = static_cast<std::uint64_t>(seed);
    } else {
      spec_error(spec, "unknown key '" + key + "'; valid keys are n, noise, classes, seed");
    }
  }
  return options;
}

// Draws one split, naming it by the training draw's canonical name.
Dataset draw(const std::string& kind, SyntheticOptions options, bool test) {
  const std::string name = synthetic_name(kind, options) + (test ? " (test)" : " (train)");
  if (test) options.seed += kTestSeedOffset;
  Dataset data = make_synthetic(kind, options);
  data.name = name;
  return data;
}

Source synthetic_source(const std::string& spec, const std::string& kind, const std::string& args) {
  const SyntheticOptions options = parse_synthetic_options(spec, args);
  try {
    check_synthetic_options(kind, options);  // now, so that a bad spec fails before any work
  } catch (const Error& e) {
    spec_error(spec, e.what());  // e.g. "moons: classes=3: moons always has 2 classes"
  }
  return {[=] { return draw(kind, options, false); }, [=] { return draw(kind, options, true); }};
}

Source resolve(const std::string& raw_spec) {
  const std::string spec = trim(raw_spec);
  const auto [kind, args] = split_kind(spec);
  if (kind == "fashion-mnist") return fashion_mnist_source(spec, args);
  if (kind == "mnist") return mnist_source(spec, trim(args));
  if (kind == "idx") return idx_source(spec, args);
  if (kind == "csv") return csv_source(spec, args);
  if (kind == "npz") return npz_source(spec, args);
  if (is_synthetic(kind)) return synthetic_source(spec, kind, args);
  spec_error(spec, "unknown data kind '" + kind + "'; valid kinds: " + kValidKinds);
}

}  // namespace

DataPair load_data(const std::string& spec) {
  const Source source = resolve(spec);
  DataPair pair{source.train(), std::nullopt};
  if (source.test) {
    pair.test = source.test();
    const Index classes = std::max(pair.train.num_classes, pair.test->num_classes);
    pair.train.num_classes = pair.test->num_classes = classes;
  }
  return pair;
}

Dataset load_dataset(const std::string& spec, bool prefer_test) {
  const Source source = resolve(spec);
  return prefer_test && source.test ? source.test() : source.train();
}

}  // namespace mlpscope
