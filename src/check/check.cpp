#include "check/check.h"

#include <algorithm>
#include <array>

#include "check/backprop_mistakes.h"
#include "check/bug_explanation.h"
#include "core/error.h"
#include "core/strings.h"
#include "io/weights_json.h"
#include "run/diagnosis_json.h"

namespace mlpscope {

namespace {

constexpr std::array<OptionInfo, 3> kCheckOptions{{
    {"weights", "",
     "the network: FILE.npz (numpy's savez of W1,b1,… or a PyTorch state_dict), JSON weights "
     "or a model file"},
    {"layout", "auto",
     "how an .npz stores each weight: numpy (in, out) for x @ W, torch (out, in) as nn.Linear, "
     "or auto (fitted to --data's width)"},
    {"grads", "",
     "FILE.npz: your gradients of the mean loss over all of --data, named as the weights "
     "(W1 or dW1, grad_W1, W1_grad)"},
}};

// Options a network read from a file decides; check does not take them.
constexpr std::array<const char*, 5> kDecidedByWeights{"hidden", "init", "init-scale", "bias-init",
                                                       "init-from"};

NpzNetwork names_of(const Model& model) {
  NpzNetwork named;
  named.sizes = model.arch.sizes;
  named.layout = WeightLayout::torch;
  for (Index l = 0; l < model.arch.num_layers(); ++l) {
    const std::string i = std::to_string(l + 1);
    const auto out = static_cast<std::uint64_t>(model.arch.fan_out(l));
    named.layers.push_back(
        {"W" + i, {out, static_cast<std::uint64_t>(model.arch.fan_in(l))}, "b" + i, {out}});
  }
  return named;
}

Architecture head_of(const RunConfig& run) {
  Architecture arch;
  arch.activation = run.activation;
  arch.head = Head::make(run.output, run.loss);
  return arch;
}

// Errors of reading the user's network or gradients, as a SettingError of `setting` that
// names the file (at the front, unless the reader's message names it already).
template <class F>
auto naming(const std::string& setting, const std::string& path, F&& read) {
  try {
    return read();
  } catch (const SettingError&) {
    throw;
  } catch (const Error& e) {
    const std::string message = e.what();
    setting_error(setting,
                  message.find(path) != std::string::npos ? message : path + ": " + message);
  }
}

// The network's outputs are the classes: labels must lie below them, and the data takes
// their number (a batch need not hold every class).
void fit_classes(PreparedData& data, Index outputs) {
  for (Dataset* set : {&data.train, data.test ? &*data.test : nullptr}) {
    if (!set) continue;
    if (set->num_classes > outputs)
      setting_error(set == &data.train ? "data" : "test",
                    set->name + " has labels up to " + std::to_string(set->num_classes - 1) +
                        ", but the network has " + std::to_string(outputs) + " outputs");
    set->num_classes = outputs;
  }
}

std::vector<ParameterRange> parameter_ranges(const NpzNetwork& named, const Architecture& arch) {
  std::vector<ParameterRange> ranges;
  for (Index l = 0; l < arch.num_layers(); ++l) {
    const NpzLayer& layer = named.layers[static_cast<std::size_t>(l)];
    const Index weights = arch.fan_out(l) * arch.fan_in(l);
    ranges.push_back({layer.weight_name, layer.weight_shape, arch.offset(l), weights});
    if (!layer.bias_name.empty())
      ranges.push_back(
          {layer.bias_name, layer.bias_shape, arch.offset(l) + weights, arch.fan_out(l)});
  }
  return ranges;
}

void check_gradients(CheckResult& result, const UserNetwork& user, const Dataset& data,
                     const std::vector<double>& flat) {
  Network<double> net(result.arch);
  user.model.copy_to(net);
  Matrix<double> X;
  std::vector<std::int32_t> labels(static_cast<std::size_t>(data.size()));
  data.gather_range<double>(0, data.size(), X, labels.data());
  const BackpropMistakes backprop(net, std::move(X), std::move(labels), user.named.has_biases());
  Vector<double> exact;
  backprop.gradient(Mistake{}, exact);
  const Vector<double> given =
      Eigen::Map<const Vector<double>>(flat.data(), static_cast<Index>(flat.size()));
  result.gradient_check =
      compare_gradients(parameter_ranges(user.named, result.arch), given, exact);
  Bug bug = find_bug(backprop, given, exact);
  NetworkNames names{{}, user.named.layout};
  for (const CheckedLayer& layer : result.layers) names.weights.push_back(layer.name);
  explain_bug(bug, result.arch, names, data.size(), result.gradient_check->max_rel_error);
  result.bug = std::move(bug);
}

}  // namespace

std::span<const OptionInfo> check_options() { return kCheckOptions; }

std::span<const OptionInfo> check_run_options() {
  static const std::vector<OptionInfo> options = [] {
    std::vector<OptionInfo> kept;
    for (const OptionInfo& o : run_options())
      if (std::find_if(kDecidedByWeights.begin(), kDecidedByWeights.end(), [&](const char* name) {
            return std::string_view(name) == o.name;
          }) == kDecidedByWeights.end())
        kept.push_back(o);
    return kept;
  }();
  return options;
}

CheckConfig parse_check_config(const OptionValues& values) {
  CheckConfig c;
  for (const auto& [name, value] : values) {
    if (name == "weights")
      c.weights = trim(value);
    else if (name == "layout")
      c.layout = parse_weight_layout(value, "layout");
    else if (name == "grads")
      c.grads = trim(value);
    else
      setting_error(name, "unknown option");
  }
  return c;
}

UserNetwork read_user_network(const CheckConfig& config, RunConfig& run, Index input_width) {
  if (config.weights.empty()) setting_error("weights", "names no file; check needs your network");
  return naming("weights", config.weights, [&] {
    if (looks_like_npz(config.weights)) {
      NpzNetwork named = read_npz_network(config.weights, config.layout, input_width,
                                          "give --layout numpy or --layout torch");
      return UserNetwork{npz_model(named, head_of(run)), std::move(named)};
    }
    Model model = load_weights(config.weights);
    if (model.arch.sizes.front() != input_width)
      throw Error("the network takes " + std::to_string(model.arch.sizes.front()) +
                  " inputs, the data has " + std::to_string(input_width) + " features");
    run.activation = model.arch.activation;
    run.output = model.arch.head.output;
    run.loss = model.arch.head.loss;
    NpzNetwork named = names_of(model);
    named.path = config.weights;
    return UserNetwork{std::move(model), std::move(named)};
  });
}

UserNetwork user_network_from_arrays(const std::vector<NamedArray>& arrays, WeightLayout layout,
                                     const RunConfig& run, Index input_width) {
  return naming("weights", "weights", [&] {
    NpzNetwork named = network_from_arrays(arrays, layout, input_width,
                                           "give layout='numpy' or layout='torch'", "weights");
    return UserNetwork{npz_model(named, head_of(run)), std::move(named)};
  });
}

CheckResult check_network(RunConfig run, PreparedData data, const UserNetwork& user,
                          const std::optional<std::vector<double>>& grads,
                          const DiagnoseConfig& diagnose_config) {
  fit_classes(data, user.model.arch.sizes.back());
  CheckResult result;
  result.arch = user.model.arch;
  result.layout = user.named.layout;
  for (const NpzLayer& layer : user.named.layers)
    result.layers.push_back({layer.weight_name, layer.bias_name, layer.weight_shape});
  result.samples = data.train.size();
  run.hidden.assign(result.arch.sizes.begin() + 1, result.arch.sizes.end() - 1);
  run.init_from = user.named.path;  // what the diagnosis says the network started from
  result.diagnosis = diagnose(run, data, diagnose_config, &user.model);
  if (grads) check_gradients(result, user, data.train, *grads);
  return result;
}

CheckResult check_network(RunConfig run, const CheckConfig& config,
                          const DiagnoseConfig& diagnose_config) {
  PreparedData data = prepare_data(run);
  const UserNetwork user = read_user_network(config, run, data.train.dim);
  std::optional<std::vector<double>> grads;
  if (!config.grads.empty())
    grads =
        naming("grads", config.grads, [&] { return read_npz_gradients(config.grads, user.named); });
  return check_network(std::move(run), std::move(data), user, grads, diagnose_config);
}

namespace {

nlohmann::json optional_number(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json network_json(const CheckResult& r) {
  nlohmann::json layers = nlohmann::json::array();
  for (const CheckedLayer& layer : r.layers)
    layers.push_back(
        {{"name", layer.name},
         {"shape", layer.shape},
         {"layout", to_string(r.layout)},
         {"bias", layer.bias.empty() ? nlohmann::json(nullptr) : nlohmann::json(layer.bias)}});
  return {{"layers", layers},
          {"sizes", r.arch.sizes},
          {"activation", r.arch.activation.name()},
          {"output", r.arch.head.output_name()},
          {"loss", r.arch.head.loss_name()},
          {"samples", r.samples}};
}

nlohmann::json gradient_check_json(const GradientCheck& g) {
  nlohmann::json parameters = nlohmann::json::array();
  for (const ParameterCheck& p : g.parameters)
    parameters.push_back({{"name", p.name},
                          {"shape", p.shape},
                          {"rel_error", p.rel_error},
                          {"cosine", optional_number(p.cosine)},
                          {"scale", optional_number(p.scale)}});
  return {{"parameters", parameters}, {"max_rel_error", g.max_rel_error}, {"agrees", g.agrees}};
}

nlohmann::json bug_json(const Bug& bug) {
  return {{"class", std::string(name(bug.kind))},
          {"factor", optional_number(bug.factor)},
          {"layer", bug.layer ? nlohmann::json(*bug.layer + 1) : nlohmann::json(nullptr)},
          {"explanation", bug.explanation},
          {"fix", bug.fix.empty() ? nlohmann::json(nullptr) : nlohmann::json(bug.fix)}};
}

}  // namespace

nlohmann::json check_to_json(const CheckResult& result) {
  return {{"network", network_json(result)},
          {"diagnosis", diagnosis_to_json(result.diagnosis)},
          {"gradient_check", result.gradient_check ? gradient_check_json(*result.gradient_check)
                                                   : nlohmann::json(nullptr)},
          {"bug", result.bug ? bug_json(*result.bug) : nlohmann::json(nullptr)}};
}

}  // namespace mlpscope
