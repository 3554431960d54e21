#include "run/run_config.h"

#include <array>

#include "core/error.h"
#include "core/strings.h"

namespace mlpscope {

namespace {

constexpr std::array<OptionInfo, 19> kRunOptions{{
    {"data", "fashion-mnist",
     "training data: fashion-mnist, mnist:DIR, idx:IMAGES[,LABELS], csv:PATH[,label=NAME], "
     "npz:FILE[,x=NAME,y=NAME], or spiral|circles|xor|moons|gaussians[:n=N,noise=S,classes=K,"
     "seed=S]"},
    {"test", "", "held-out data (same forms as --data); default: the data's own test split; none"},
    {"limit", "0", "use only the first N training samples (0: all)"},
    {"standardize", "false", "standardize each feature to mean 0, std 1 (training-set statistics)"},
    {"hidden", "256,128", "hidden widths W1,W2,… or none for a linear model"},
    {"activation", "relu",
     "hidden activation: relu, leaky_relu[:slope], elu, gelu, sigmoid, tanh, softplus, identity"},
    {"output", "softmax", "output activation: softmax, sigmoid, identity"},
    {"loss", "cross_entropy",
     "mse (torch MSELoss, mean over batch and outputs, one-hot targets), cross_entropy "
     "(softmax), bce (sigmoid)"},
    {"init", "he_normal",
     "weights: uniform:A,B, normal:MEAN,STD, const:V, he_normal, he_uniform, xavier_normal, "
     "xavier_uniform, lecun_normal, lecun_uniform, orthogonal[:gain]"},
    {"init-scale", "1", "multiply every initial weight (not bias) by C"},
    {"bias-init", "zeros", "biases: zeros, same (as the weights), const:V, or any --init form"},
    {"init-from", "",
     "start from saved weights: FILE.npz[,layout=numpy|torch] (numpy's savez, a PyTorch "
     "state_dict), JSON weights or a model file"},
    {"optimizer", "sgd", "sgd, momentum[:0.9], nesterov[:0.9], adam[:0.9,0.999], rmsprop[:0.99]"},
    {"lr", "0.01", "learning rate"},
    {"batch", "32", "samples per step: N (1 is online SGD) or full"},
    {"epochs", "10", "passes over the training data"},
    {"seed", "0", "seed of the initial weights, the data order and synthetic data"},
    {"dtype", "f32", "f32 or f64"},
    {"threads", "1",
     "threads for the matrix products and the batch-1 SGD step (1 is fastest for small networks)"},
}};

Index positive_integer(const std::string& name, const std::string& text, Index max) {
  const long long v = setting_integer(text, name);
  if (v < 1) setting_error(name, "must be at least 1, got " + text);
  if (v > max) setting_error(name, text + " is larger than the limit of " + std::to_string(max));
  return static_cast<Index>(v);
}

bool parse_bool(const std::string& name, const std::string& text) {
  if (text == "true" || text == "1" || text == "yes") return true;
  if (text == "false" || text == "0" || text == "no") return false;
  setting_error(name, "expected true or false, got '" + text + "'");
}

std::vector<Index> parse_hidden(const std::string& text) {
  const std::string s = trim(text);
  if (s == "none" || s.empty()) return {};
  std::vector<Index> widths;
  for (const auto& part : split(s, ',')) {
    const long long w = setting_integer(part, "hidden");
    if (w < 1) setting_error("hidden", "every width must be at least 1, got " + trim(part));
    if (w > (1 << 24)) setting_error("hidden", "width " + trim(part) + " is absurdly large");
    widths.push_back(static_cast<Index>(w));
  }
  return widths;
}

}  // namespace

std::span<const OptionInfo> run_options() { return kRunOptions; }

OptionValues default_run_options() {
  OptionValues values;
  for (const auto& o : run_options()) values[o.name] = o.default_value;
  return values;
}

RunConfig parse_run_config(const OptionValues& given) {
  OptionValues v = default_run_options();
  for (const auto& [name, value] : given) {
    if (!v.contains(name)) setting_error(name, "unknown option");
    v[name] = value;
  }
  // Free text that goes into the run's options as it is (the summary, the sweep's run keys):
  // JSON holds UTF-8 only, and a file name that is not would otherwise fail when recorded.
  for (const char* name : {"data", "test", "init-from"})
    if (!is_utf8(v[name]))
      setting_error(name, "is not valid UTF-8 text (a run's options are recorded as JSON)");
  RunConfig c;
  c.data = trim(v["data"]);
  if (c.data.empty()) setting_error("data", "must name a data set");
  c.test = trim(v["test"]);
  const long long limit = setting_integer(v["limit"], "limit");
  if (limit < 0) setting_error("limit", "must be 0 (all) or positive");
  c.limit = static_cast<Index>(limit);
  c.standardize = parse_bool("standardize", v["standardize"]);
  c.hidden = parse_hidden(v["hidden"]);
  c.activation = Activation::parse(v["activation"]);
  c.output = Head::parse_output(v["output"]);
  c.loss = Head::parse_loss(v["loss"]);
  Head::make(c.output, c.loss);  // rejects undefined pairs now, naming --loss
  c.init = Init::parse(v["init"]);
  c.init_scale = setting_double(v["init-scale"], "init-scale");
  c.bias_init = BiasInit::parse(v["bias-init"]);
  c.init_from = trim(v["init-from"]);
  c.optimizer = OptimizerSpec::parse(v["optimizer"]);
  c.lr = setting_double(v["lr"], "lr");
  if (c.lr <= 0) setting_error("lr", "must be positive, got " + trim(v["lr"]));
  c.batch = trim(v["batch"]) == "full" ? 0 : positive_integer("batch", v["batch"], 1 << 30);
  const long long epochs = setting_integer(v["epochs"], "epochs");
  if (epochs < 0 || epochs > 1000000) setting_error("epochs", "must be in [0, 1000000]");
  c.epochs = static_cast<int>(epochs);
  const long long seed = setting_integer(v["seed"], "seed");
  if (seed < 0) setting_error("seed", "must be non-negative");
  c.seed = static_cast<std::uint64_t>(seed);
  const std::string dtype = trim(v["dtype"]);
  if (dtype != "f32" && dtype != "f64")
    setting_error("dtype", "expected f32 or f64, got '" + dtype + "'");
  c.f64 = dtype == "f64";
  c.threads = static_cast<int>(positive_integer("threads", v["threads"], 1024));
  return c;
}

nlohmann::json RunConfig::to_json() const {
  nlohmann::json hidden_json = nlohmann::json::array();
  for (Index w : hidden) hidden_json.push_back(w);
  return {
      {"data", data},
      {"test", test.empty() ? nlohmann::json(nullptr) : nlohmann::json(test)},
      {"limit", limit},
      {"standardize", standardize},
      {"hidden", hidden_json},
      {"activation", activation.name()},
      {"output", to_string(output)},
      {"loss", to_string(loss)},
      {"init", init.name()},
      {"init-scale", init_scale},
      {"bias-init", bias_init.name()},
      {"init-from", init_from.empty() ? nlohmann::json(nullptr) : nlohmann::json(init_from)},
      {"optimizer", optimizer.name()},
      {"lr", lr},
      {"batch", batch == 0 ? nlohmann::json("full") : nlohmann::json(batch)},
      {"epochs", epochs},
      {"seed", seed},
      {"dtype", f64 ? "f64" : "f32"},
      {"threads", threads},
  };
}

}  // namespace mlpscope
