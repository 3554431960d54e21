"""mlpscope: train multilayer perceptrons from scratch and see why they converge or fail to.

The same library as the ``mlpscope`` command line, from Python: keywords are the command's
options (``--init-scale`` is ``init_scale=``), generated from the same option tables, so
the same options and seed give the same results, bit for bit. ::

    import mlpscope as ms
    run = ms.train(data="fashion-mnist", limit=10000, hidden=[64, 64], init="uniform:-1,1",
                   loss="mse", lr=0.01, epochs=3, seed=3)
    run.verdict, run.cause, run.explanation, run.suggestions, run.summary
    run.history    # the run log's records, one dict each (pandas.DataFrame(run.history))
    run.weights    # [(W, b), ...] numpy arrays in nn.Linear layout: W is (out, in)
    ms.train(X=X, y=y, hidden=[32], on_epoch=lambda record: print(record["loss"]))
    ms.diagnose(init="uniform:-1,1", loss="mse", limit=10000)
    ms.sweep(vary={"init": ["uniform:-1,1", "he_normal"], "lr": [0.01, 0.001]}, seeds=3,
             out="sw")          # the runs as a list of dicts; the same call again resumes
    ms.read_sweep("sw")
    ms.toy(f="x^4", lr=0.1, x0=1.0)
    ms.check({"W1": W1, "b1": b1, ...}, X=X, y=y, grads={"W1": dW1, ...}, loss="mse")
    ms.check(torch_model, X=X, y=y, grads=True)   # a torch.nn.Sequential, its .grad

Bad options or data raise ``mlpscope.SettingError`` (a ValueError) or ValueError with the
command line's one-line message; Ctrl-C raises KeyboardInterrupt once the run has stopped
cleanly; training releases the GIL. See docs/python.md.
"""
import inspect
import io
import os

import numpy as np

from . import _core
from ._core import SettingError

__all__ = ["train", "diagnose", "lr_find", "sweep", "read_sweep", "toy", "check", "Run",
           "Diagnosis", "Sweep", "Check", "SettingError"]


# --- settings: keywords to the option tables' text values -----------------------------

def _refuse(setting, detail):
    error = SettingError(f"option --{setting}: {detail}")
    error.setting, error.detail = setting.replace("-", "_"), detail
    raise error


def _text(setting, value):
    """A keyword's value as the command line would spell it."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        return str(value)
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back to the same double
    if isinstance(value, (list, tuple)):
        return ",".join(_text(setting, v) for v in value) if value else "none"
    _refuse(setting, f"expected a number, text, bool or list, got {type(value).__name__}")


def _default(text):
    """A table's default as the Python value help() shows."""
    if text in ("true", "false"):
        return text == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


class _Command:
    """One command's keywords: rows of the library's option tables, by table."""

    def __init__(self, name, tables, extra):
        self.name, self.extra = name, extra
        self.rows = [(table, row) for table in tables for row in _core.tables[table]]
        self.table_of = {row[0].replace("-", "_"): (table, row[0]) for table, row in self.rows}

    def split(self, keywords):
        """{table: {option: text}} of the keywords given; others stay for the caller."""
        values = {table: {} for table, _ in self.rows}
        rest = {}
        for keyword, value in keywords.items():
            if keyword in self.table_of:
                table, option = self.table_of[keyword]
                values[table][option] = _text(option, value)
            elif keyword in self.extra:
                rest[keyword] = value
            else:
                _refuse(keyword.replace("_", "-"),
                        f"unknown option of {self.name} (see help(mlpscope.{self.name}))")
        return values, rest

    def signature(self):
        parameters = [inspect.Parameter(row[0].replace("-", "_"), inspect.Parameter.KEYWORD_ONLY,
                                        default=_default(row[1])) for _, row in self.rows]
        parameters += [inspect.Parameter(k, inspect.Parameter.KEYWORD_ONLY, default=None)
                       for k in self.extra]
        return inspect.Signature(parameters)

    def options_doc(self):
        lines = []
        for _, (name, default, help_text) in self.rows:
            lines.append(f"    {name.replace('-', '_')} = {_default(default)!r}: {help_text}")
        for keyword, help_text in self.extra.items():
            lines.append(f"    {keyword} = None: {help_text}")
        return "\n".join(lines)


def _command(name, tables, extra, summary):
    """Gives the function its keywords' signature and a docstring listing every option."""
    command = _Command(name, tables, extra)

    def wrap(function):
        function.__signature__ = command.signature()
        function.__doc__ = (f"{summary}\n\nKeywords (the command line's options, '-' written "
                            f"'_'), each with its default:\n{command.options_doc()}\n")
        function._command = command
        return function
    return wrap


_ARRAYS = {
    "X": "training features (n, d), one sample per row; float32 and float64 C-ordered arrays "
         "are read in place, other numeric arrays converted to float64 once (instead of data=)",
    "y": "training labels: (n,) class indices 0..K-1 or an (n, K) one-hot matrix",
    "X_test": "held-out features (instead of test=)",
    "y_test": "held-out labels",
}


def _npy(y):
    """Labels travel as the bytes of an .npy file: the library reads them as an .npz's y."""
    if y is None:
        return None
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(y), allow_pickle=False)
    return buffer.getvalue()


def _path(path):
    return os.fspath(path) if path is not None else ""


def _arrays(rest):
    return (rest.get("X"), _npy(rest.get("y")), rest.get("X_test"), _npy(rest.get("y_test")))


# --- results -----------------------------------------------------------------------------

class Run:
    """A finished training run.

    verdict, cause, explanation, suggestions, checks: the verdict and why (cause is None
    when there is none); summary: the run's summary, the dict `mlpscope train --json`
    prints; history: the run log's records, one dict per record (epoch 0 is at
    initialization); weights: [(W, b), ...] per layer, W (out, in) and b (out,), numpy
    arrays in the run's dtype (nn.Linear's layout).
    """

    def __init__(self, result):
        self.summary = result["summary"]
        self.history = result["history"]
        self.weights = result["weights"]
        for field in ("verdict", "cause", "explanation", "suggestions", "checks"):
            setattr(self, field, self.summary[field])

    def __repr__(self):
        s = self.summary
        cause = f": {s['cause']}" if s["cause"] else ""
        return (f"<mlpscope.Run {s['verdict']}{cause}, loss {s['initial_loss']:.4g} -> "
                f"{s['final_loss'] if s['final_loss'] is None else format(s['final_loss'], '.4g')}"
                f" in {s['epochs']} epochs>")


class Diagnosis:
    """A network at initialization, before any training.

    verdict (the predicted one), cause, explanation, suggestions, max_stable_lr (2/λmax, or
    None), sharpness (λmax), layers (per layer measured and predicted statistics); json: the
    whole dict `mlpscope diagnose --json` prints.
    """

    def __init__(self, json):
        self.json = json
        self.verdict = json["predicted_verdict"]
        for field in ("cause", "explanation", "suggestions", "max_stable_lr", "sharpness",
                      "layers"):
            setattr(self, field, json[field])

    def __repr__(self):
        return (f"<mlpscope.Diagnosis predicted {self.verdict}"
                f"{': ' + self.cause if self.cause else ''}, max stable lr "
                f"{self.max_stable_lr}>")


class Sweep(list):
    """A sweep's runs, one dict each (options, verdict, cause, losses, accuracy,
    epochs_to_target, sharpness_init, seconds, summary), ordered by grid index.

    map: the convergence map as the command line prints it; grid_size: runs in the grid.
    After sweep(): done (runs done by this call), skipped (finished before: resumed),
    failed, failures (their messages).
    """

    def __init__(self, result):
        super().__init__(result.pop("runs"))
        for key, value in result.items():
            setattr(self, key, value)


# --- the commands ------------------------------------------------------------------------

@_command("train", ["run", "watch"],
          dict(_ARRAYS, on_epoch="called with each run-log record (a dict) as it is written; "
                                 "an exception it raises stops the run and is raised",
               log="write the run log as JSON Lines to FILE (as --log)",
               save="save the trained model to FILE (as --save)"),
          "Trains one network and returns a Run: verdict, cause, summary, history, weights.")
def train(**keywords):
    values, rest = train._command.split(keywords)
    return Run(_core.train(values["run"], values["watch"], *_arrays(rest),
                           rest.get("on_epoch"), _path(rest.get("log")), _path(rest.get("save"))))


@_command("diagnose", ["run", "diagnose"], _ARRAYS,
          "Diagnoses a network at initialization, before any training: scale per layer "
          "against theory, dead and saturated units, sharpness, the largest stable learning "
          "rate and a predicted verdict. Returns a Diagnosis.")
def diagnose(**keywords):
    values, rest = diagnose._command.split(keywords)
    return Diagnosis(_core.diagnose(values["run"], values["diagnose"], *_arrays(rest)))


@_command("lr_find", ["run", "lr_find"], {k: _ARRAYS[k] for k in ("X", "y")},
          "Smith's learning-rate range test from the network train would start with: the lr "
          "grows geometrically from lr_min to lr_max over `steps` steps, the smoothed loss is "
          "recorded until it blows up, and the lr of its steepest descent is suggested, beside "
          "the prediction before training (the sharpness λ0 and the stable bound 2/λ0) and the "
          "regime of the suggestion (stable, catapult, divergent). Returns the dict "
          "`mlpscope lr-find --json` prints: points (step, lr, loss, smoothed), suggested_lr, "
          "suggested_regime, min_loss_lr_over_10, diverged_lr, sharpness (λ0), "
          "max_stable_lr, stopped_early and the settings.")
def lr_find(**keywords):
    values, rest = lr_find._command.split(keywords)
    X, y, _, _ = _arrays(rest)
    return _core.lr_find(values["run"], values["lr_find"], X, y)


def _vary_text(name, values):
    """One axis as --vary NAME=… spells it: a list is joined on ';' so values keep commas."""
    option = name.replace("_", "-")
    if isinstance(values, str):
        return f"{option}={values}"  # the command line's own text, ranges included
    if not isinstance(values, (list, tuple)):
        values = [values]
    return f"{option}=" + "".join(_text(option, v) + ";" for v in values)


@_command("sweep", ["run", "sweep"],
          {"vary": "{option: [values]} (or the command line's text, e.g. 'log:1e-4..1e-2:3'), "
                   "one axis each"},
          "Runs a grid of trainings on every core into OUT/results.sqlite and returns a Sweep "
          "(a list of the runs as dicts, with the map). The same call again resumes.")
def sweep(**keywords):
    values, rest = sweep._command.split(keywords)
    vary = [_vary_text(name, v) for name, v in (rest.get("vary") or {}).items()]
    return Sweep(_core.sweep({**values["run"], **values["sweep"]}, vary, "seeds" in keywords))


def read_sweep(dir, axes=None):
    """The runs of the sweep in DIR as a Sweep (a list of dicts with the map); axes: the
    map's two axes, as [A, B] (default: the first two varied)."""
    return Sweep(_core.read_sweep(os.fspath(dir), list(axes or [])))


@_command("toy", ["toy"], {"scan": "also find the basin boundary in x0 by bisection"},
          "Gradient descent on x^2, x^4 or |x|^p in one dimension. Returns the dict "
          "`mlpscope toy --json` prints: f, lr, x0, iterates, verdict, explanation (and "
          "boundary, closed_form with scan=True).")
def toy(**keywords):
    values, rest = toy._command.split(keywords)
    return _core.toy(values["toy"], bool(rest.get("scan")))


# --- check: the user's own network ---------------------------------------------------------

class Check:
    """A check of your own network (docs/check.md).

    diagnosis: a Diagnosis of the network as it is; gradient_check: per parameter the
    relative error, cosine and best-fit scale of your gradients against the exact ones, with
    max_rel_error and agrees (None without grads); bug: class, factor, layer, explanation,
    fix (None without grads); bug_class: bug["class"] or None; network: its layers, widths,
    activation, output and loss; json: the whole dict `mlpscope check --json` prints.
    """

    def __init__(self, json):
        self.json = json
        self.network = json["network"]
        self.diagnosis = Diagnosis(json["diagnosis"])
        self.gradient_check = json["gradient_check"]
        self.bug = json["bug"]
        self.bug_class = self.bug["class"] if self.bug else None

    def __repr__(self):
        found = f"bug {self.bug_class}" if self.bug else "no gradients checked"
        return f"<mlpscope.Check {found}; {self.diagnosis!r}>"


def _as_numpy(value):
    """A numpy array, or a torch tensor brought to one."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return value


def _named(arrays, what):
    """[(name, array)] from a dict (np.savez's keywords, a state_dict), a list of (W, b)
    pairs (W1, b1, …) or a flat list (2-D arrays W1, W2, …; 1-D ones b1, b2, …)."""
    if isinstance(arrays, dict):
        return [(str(k), _as_numpy(v)) for k, v in arrays.items()]
    if not isinstance(arrays, (list, tuple)):
        raise ValueError(f"{what}: expected a dict of arrays, a list of (W, b) pairs or a list "
                         f"of arrays, got {type(arrays).__name__}")
    named, weights, biases = [], 0, 0
    for item in arrays:
        if isinstance(item, (list, tuple)) and len(item) == 2:
            weights += 1
            named += [(f"W{weights}", _as_numpy(item[0])), (f"b{weights}", _as_numpy(item[1]))]
            biases = weights
            continue
        item = _as_numpy(item)
        if np.ndim(item) == 2:
            weights += 1
            named.append((f"W{weights}", item))
        else:
            biases += 1
            named.append((f"b{biases}", item))
    return named


_TORCH_ACTIVATIONS = {"ReLU": "relu", "ELU": "elu", "GELU": "gelu", "Sigmoid": "sigmoid",
                      "Tanh": "tanh", "Softplus": "softplus", "Identity": "identity"}


def _torch_network(module, keywords):
    """A torch.nn.Sequential of Linear layers and activations: its state_dict's arrays, and
    the activation and output it computes, where the keywords do not say them."""
    kinds = []
    for layer in module.children():
        name = type(layer).__name__
        if name == "LeakyReLU":
            kinds.append(f"leaky_relu:{layer.negative_slope!r}")
        elif name in _TORCH_ACTIVATIONS:
            kinds.append(_TORCH_ACTIVATIONS[name])
        elif name in ("Softmax", "LogSoftmax"):
            kinds.append("softmax")
        elif name != "Linear":
            raise ValueError(f"weights: {name} is not a Linear layer or an activation mlpscope "
                             f"knows; check takes a Sequential of Linear layers and activations")
        else:
            kinds.append("Linear")
    last_linear = max(i for i, k in enumerate(kinds) if k == "Linear")
    hidden = {k for k in kinds[:last_linear] if k != "Linear"}
    if len(hidden) > 1:
        raise ValueError(f"weights: hidden activations {sorted(hidden)} differ; mlpscope's "
                         f"networks have one activation for every hidden layer")
    if hidden:
        keywords.setdefault("activation", hidden.pop())
    after = [k for k in kinds[last_linear + 1:]]
    if after:
        keywords.setdefault("output", after[0])
    return [(k, _as_numpy(v)) for k, v in module.state_dict().items()]


def _torch_grads(module):
    grads = []
    for name, parameter in module.named_parameters():
        if parameter.grad is None:
            raise ValueError(f"grads=True: parameter {name} has no .grad; call loss.backward() "
                             f"on the batch X, y first")
        grads.append((name, _as_numpy(parameter.grad)))
    return grads


@_command("check", ["check_run", "diagnose"],
          {"X": _ARRAYS["X"], "y": _ARRAYS["y"],
           "grads": "your gradients of the mean loss over X: named as the weights (or dW1, "
                    "grad_W1, W1_grad, 0.weight.grad), in the same forms; True with a torch "
                    "module: its parameters' .grad",
           "layout": "how each weight is stored: 'numpy' (in, out) for x @ W, 'torch' (out, "
                     "in) as nn.Linear, or 'auto' (default: fitted to X's width)"},
          "Checks your own network: weights as a dict of arrays (np.savez's keywords, a "
          "state_dict), a list of (W, b) pairs, a list of arrays, or a torch.nn.Sequential. "
          "Returns a Check: the diagnosis, and with grads= the gradient check and the bug "
          "that explains your gradients, with the numpy line to fix.")
def check(weights, **keywords):
    torch_module = hasattr(weights, "state_dict") and hasattr(weights, "named_parameters")
    named = _torch_network(weights, keywords) if torch_module else _named(weights, "weights")
    grads = keywords.pop("grads", None)
    layout = keywords.pop("layout", None) or "auto"
    values, rest = check._command.split(keywords)
    if grads is True:
        if not torch_module:
            raise ValueError("grads=True takes the .grad of a torch module's parameters; give "
                             "numpy gradients as a dict or list")
        grads = _torch_grads(weights)
    elif grads is not None:
        grads = _named(grads, "grads")
    X, y = rest.get("X"), rest.get("y")
    return Check(_core.check(values["check_run"], values["diagnose"], str(layout), named, grads,
                             _as_numpy(X), _npy(_as_numpy(y))))


check.__signature__ = check.__signature__.replace(parameters=[
    inspect.Parameter("weights", inspect.Parameter.POSITIONAL_OR_KEYWORD),
    *check.__signature__.parameters.values()])
