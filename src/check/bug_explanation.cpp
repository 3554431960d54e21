#include "check/bug_explanation.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/strings.h"

namespace mlpscope {

namespace {

// What the lines of a fix call things. Weight layer l (0-based here) is the code's layer
// l + 1: its input is a{l}, its pre-activation z{l+1}, its delta delta{l+1}.
struct Names {
  const Architecture& arch;
  const NetworkNames& user;
  // The user's name where it can be a numpy variable (W1), else W1, W2, … (a state_dict's
  // "0.weight" cannot).
  std::string W(Index l) const {
    const std::string& name = user.weights[static_cast<std::size_t>(l)];
    const bool identifier = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
                            std::all_of(name.begin(), name.end(), [](char c) {
                              return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                            });
    return identifier ? name : numbered("W", l + 1);
  }
  static std::string a(Index i) { return numbered("a", i); }
  static std::string z(Index i) { return numbered("z", i); }
  static std::string delta(Index i) { return numbered("delta", i); }
  // Appended, not "a" + std::to_string(i): GCC 12 warns -Wrestrict on that falsely.
  static std::string numbered(const char* stem, Index i) {
    std::string name = stem;
    name += std::to_string(i);
    return name;
  }
  bool torch() const { return user.layout == WeightLayout::torch; }
  // The delta of weight layer l carried down through its weights, before the ⊙ f'.
  std::string carried(Index l) const { return delta(l + 1) + " @ " + W(l) + (torch() ? "" : ".T"); }
  // The right gradient of weight layer l, stored as the weight is.
  std::string weight_gradient(Index l) const {
    std::string line(1, 'd');  // not "d" + W(l): GCC 12's false -Wrestrict
    line += W(l) + " = ";
    line += torch() ? delta(l + 1) + ".T @ " + a(l) : a(l) + ".T @ " + delta(l + 1);
    return line;
  }
  // f'(z_i) in numpy for the code's layer i, from z_i or a_i = f(z_i).
  std::string derivative(Index i) const {
    const std::string zi = z(i), ai = a(i);
    switch (arch.activation.kind) {
      case ActivationKind::relu:
        return "(" + zi + " > 0)";
      case ActivationKind::leaky_relu:
        return "np.where(" + zi + " > 0, 1, " + significant(arch.activation.slope, 4) + ")";
      case ActivationKind::elu:
        return "np.where(" + zi + " > 0, 1, " + ai + " + 1)";
      case ActivationKind::gelu:
        return "(Phi(" + zi + ") + " + zi + " * np.exp(-" + zi + "**2 / 2) / np.sqrt(2 * np.pi))";
      case ActivationKind::sigmoid:
        return ai + " * (1 - " + ai + ")";
      case ActivationKind::tanh:
        return "(1 - " + ai + "**2)";
      case ActivationKind::softplus:
        return "1 / (1 + np.exp(-" + zi + "))";
      case ActivationKind::identity:
        return "1";
    }
    return "f_prime(" + zi + ")";
  }
  // The user's own name, for prose.
  const std::string& raw(Index l) const { return user.weights[static_cast<std::size_t>(l)]; }
  std::string layer(Index l) const {
    return "layer " + std::to_string(l + 1) + " (" + raw(l) + ")";
  }
};

// The right output delta, as numpy code writes it for this head.
std::string right_output_delta(const Head& head) {
  if (head.loss == LossKind::cross_entropy) return "delta_out = (p - y) / n";
  if (head.loss == LossKind::bce) return "delta_out = (p - y) / (n * k)";
  const std::string g = "g = 2 * (p - y) / (n * k); ";
  if (head.output == OutputKind::softmax)
    return g + "delta_out = p * (g - np.sum(p * g, axis=1, keepdims=True))";
  if (head.output == OutputKind::sigmoid) return g + "delta_out = g * p * (1 - p)";
  return "delta_out = 2 * (p - y) / (n * k)";
}

// The usual reason for a factor under this loss, where one fits within 2%.
std::string factor_cause(double factor, const Architecture& arch, Index samples) {
  const double n = static_cast<double>(samples), k = static_cast<double>(arch.sizes.back());
  const bool mse = arch.head.loss == LossKind::mse;
  const bool per_output = arch.head.loss != LossKind::cross_entropy;
  struct Known {
    double value;
    bool applies;
    const char* why;
  };
  const Known known[] = {
      {n, true, "summed over the batch instead of averaged (n = the batch size)"},
      {1 / n, true, "the batch size divided out twice"},
      {k / 2, mse,
       "the loss taken as ½·Σ over the outputs of (p − y)², averaged over the batch: a common "
       "convention, and then nothing is wrong; mlpscope's mse, like torch.nn.MSELoss, averages "
       "over the outputs as well"},
      {k, per_output, "summed over the k outputs, where the loss averages them"},
      {n * k, per_output, "summed over the batch and the outputs instead of averaged"},
      {n * k / 2, mse, "the loss taken as ½·Σ (p − y)² over the batch and the outputs"},
      {0.5, mse, "the 2 of the square's derivative dropped: d(p − y)²/dp = 2(p − y)"},
      {2, true, "a 2 too many (the square's 2 applied twice)"},
  };
  for (const Known& c : known)
    if (c.applies && std::abs(std::abs(factor) / c.value - 1) < 0.02) {
      if (c.value == 0.5 && k == 2 && arch.head.output == OutputKind::softmax)
        return std::string(c.why) +
               "; or, the same gradient with two softmax outputs, the delta multiplies g by "
               "p(1 − p), the Jacobian's diagonal alone, which is half of it here";
      return c.why;
    }
  return "no usual constant explains it (n = " + std::to_string(samples) +
         ", k = " + std::to_string(arch.sizes.back()) + "): look for a stray constant";
}

// " and off by a factor F (why)" for a structural class whose fit needed a factor.
std::string factor_rider(const Bug& bug, const Architecture& arch, Index samples) {
  if (!bug.factor) return "";
  return " The gradients are also " + significant(*bug.factor, 4) +
         " times what that mistake alone gives: " + factor_cause(*bug.factor, arch, samples) + ".";
}

void explain_scale(Bug& bug, const Architecture& arch, Index samples) {
  const double f = bug.factor.value_or(1.0);
  if (bug.kind == BugClass::sign) {
    bug.explanation =
        "Every gradient points the wrong way (factor " + significant(f, 4) +
        "): the update climbs the loss, gradient ascent. Usually the output delta is written "
        "y − p instead of p − y, or the update adds the gradient." +
        (std::abs(f + 1) < 0.02 ? ""
                                : " Its size is off too: " + factor_cause(f, arch, samples) + ".");
    bug.fix = right_output_delta(arch.head) + "  # p - y, not y - p; and W -= lr * dW";
    return;
  }
  bug.explanation = "Every gradient is " + significant(f, 4) +
                    " times the exact one, in the right direction, so it trains as if --lr were " +
                    significant(f, 4) +
                    " times larger. The likely cause: " + factor_cause(f, arch, samples) + ".";
  bug.fix = right_output_delta(arch.head);
}

void explain_output(Bug& bug, const Architecture& arch) {
  const Head& head = arch.head;
  const bool softmax = head.output == OutputKind::softmax;
  if (bug.kind == BugClass::softmax_jacobian_missing) {
    const std::string trained = softmax ? "cross-entropy" : "binary cross-entropy";
    bug.explanation =
        "The output delta is p − y: the gradient of " + trained +
        " at the logits, while the "
        "loss is MSE through " +
        head.output_name() + ". MSE's delta goes through the " + head.output_name() +
        "'s derivative" +
        (softmax ? ", p ⊙ (g − Σ p⊙g) with g = 2(p − y)/(n·k), which vanishes as the softmax "
                   "saturates; "
                 : ", g ⊙ p(1 − p) with g = 2(p − y)/(n·k), which vanishes as the outputs "
                   "saturate; ") +
        "p − y does not. So the code trains " + trained +
        " while it reports MSE: it leaves starting points where the true MSE gradient is 0 "
        "(every softmax one-hot, as uniform[-1,1] weights give), and its learning rate behaves "
        "as " +
        trained + "'s. Decide which loss you mean: keep p − y and call it " + trained +
        ", or backpropagate MSE for real.";
    bug.fix = right_output_delta(head) + "  # MSE through " + head.output_name() +
              "; or keep (p - y) / n and train " + trained;
    return;
  }
  if (head.loss_row().fused_with) {
    bug.explanation =
        "The output delta is multiplied by p(1 − p), an elementwise derivative of "
        "the output, but with " +
        head.loss_name() + " after " + head.output_name() +
        " the delta at the logits already is p − y: the "
        "output's derivative is folded into it. Multiplying again shrinks the "
        "gradient wherever an output is confident, right or wrong.";
    bug.fix = right_output_delta(head) + "  # no * p * (1 - p)";
    return;
  }
  bug.explanation =
      "The output delta multiplies MSE's gradient g by p(1 − p), the diagonal of "
      "softmax's Jacobian only. A softmax couples its outputs: its Jacobian is "
      "diag(p) − p pᵀ, so the delta is p ⊙ (g − Σ p⊙g).";
  bug.fix = right_output_delta(head);
}

void explain_hidden(Bug& bug, const Names& names) {
  const bool every = !bug.layer;
  const Index l = bug.layer.value_or(0);  // the weight layer whose delta is wrong
  const std::string where = every ? "Every hidden layer's delta" : "The delta of " + names.layer(l);
  const Index i = l + 1;  // the code's numbering
  const std::string line =
      names.delta(i) + " = (" + names.carried(l + 1) + ") * " + names.derivative(i);
  if (bug.kind == BugClass::missing_activation_derivative) {
    bug.explanation = where +
                      " lacks the activation's derivative: the delta carried down through "
                      "the weights above is used as it is, without ⊙ " +
                      names.arch.activation.name() +
                      "'(z). Every gradient from there down is wrong.";
    bug.fix = line + (every ? "  # and the same in every hidden layer" : "");
    return;
  }
  bug.explanation = where +
                    " takes the activation's derivative at the layer's output a = f(z) "
                    "instead of at z, e.g. sigmoid_prime(a) where a * (1 - a) already is σ'(z): "
                    "the derivative is applied twice over.";
  bug.fix = line + "  # f'(z), written from z or from a = f(z), not f'(a)";
}

void explain_weight(Bug& bug, const Names& names) {
  const Index l = bug.layer.value_or(1);
  if (bug.kind == BugClass::transposed) {
    bug.explanation = "The gradient of " + names.raw(l) + " is transposed. The layer is square (" +
                      std::to_string(names.arch.fan_in(l)) + " × " +
                      std::to_string(names.arch.fan_in(l)) +
                      "), so the shapes could not show it; " + names.raw(l) + " is stored " +
                      (names.torch() ? "(out, in) as nn.Linear" : "(in, out) for x @ W") +
                      " and its gradient must be stored the same way.";
    bug.fix = names.weight_gradient(l);
    return;
  }
  if (!bug.layer) {
    bug.explanation =
        "Every layer's weight gradient multiplies the delta by the pre-activation "
        "z of its input instead of the input a = f(z) the layer sees.";
    bug.fix = names.weight_gradient(1) + "  # a, not z, in every layer";
    return;
  }
  bug.explanation = "The gradient of " + names.raw(l) + " multiplies the delta by " + Names::z(l) +
                    ", the previous layer's pre-activation, instead of " + Names::a(l) + " = f(" +
                    Names::z(l) + "), the input " + names.raw(l) + " actually sees.";
  bug.fix = names.weight_gradient(l) + "  # " + Names::a(l) + ", not " + Names::z(l);
}

void explain_unknown(Bug& bug, const Names& names) {
  const Index last = names.arch.num_layers() - 1;
  if (!bug.layer) {  // every layer right alone, yet no single factor fits them together
    bug.explanation =
        "Each layer's gradient is right, but not with one factor across the "
        "layers: a constant differs from layer to layer.";
    bug.fix = "use the same output delta for every layer; scale nothing per layer";
    return;
  }
  const Index l = *bug.layer;
  const std::string error = significant(bug.layer_errors[static_cast<std::size_t>(l)], 4);
  if (l == last) {
    bug.explanation =
        "No known mistake reproduces these gradients, and already the output layer's (" +
        names.raw(l) + ") differs from the exact one (relative error " + error +
        "): look at the output delta and the loss's derivative.";
    bug.fix = right_output_delta(names.arch.head) + "; " + names.weight_gradient(l);
    return;
  }
  bug.explanation = "No known mistake reproduces these gradients. Going back from the output, " +
                    names.layer(l + 1) + " is the deepest layer whose gradient is still right; " +
                    names.layer(l) + " is the first that is not (relative error " + error +
                    "): the mistake is where the delta is carried from layer " +
                    std::to_string(l + 2) + " down to layer " + std::to_string(l + 1) + ", or in " +
                    names.raw(l) + "'s own gradient.";
  bug.fix = names.delta(l + 1) + " = (" + names.carried(l + 1) + ") * " + names.derivative(l + 1) +
            "; " + names.weight_gradient(l);
}

}  // namespace

void explain_bug(Bug& bug, const Architecture& arch, const NetworkNames& names, Index samples,
                 double max_rel_error) {
  const Names n{arch, names};
  switch (bug.kind) {
    case BugClass::none:
      bug.explanation = "The gradients are the exact gradient of the mean " +
                        arch.head.loss_name() + " over the " + std::to_string(samples) +
                        " samples (largest relative error " + significant(max_rel_error, 4) +
                        "): the backpropagation is right. If the network does not learn, the "
                        "cause is in the diagnosis, not in the gradients.";
      bug.fix.clear();
      return;
    case BugClass::scale:
    case BugClass::sign:
      explain_scale(bug, arch, samples);
      return;
    case BugClass::softmax_jacobian_missing:
    case BugClass::output_activation_derivative:
      explain_output(bug, arch);
      break;
    case BugClass::missing_activation_derivative:
    case BugClass::derivative_at_activation:
      explain_hidden(bug, n);
      break;
    case BugClass::wrong_layer_input:
    case BugClass::transposed:
      explain_weight(bug, n);
      break;
    case BugClass::unknown:
      explain_unknown(bug, n);
      return;
  }
  bug.explanation += factor_rider(bug, arch, samples);
}

}  // namespace mlpscope
