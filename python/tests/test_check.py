"""mlpscope.check: the user's own network from numpy arrays (or a torch module), the same
result as `mlpscope check --json` on the same arrays saved with np.savez, in every form the
weights come in, and one ValueError per bad input."""
import json
import os
import sys

import numpy as np
import pytest

import mlpscope as ms
from conftest import SOURCE_DIR, cli_json

sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "check"))
import numpy_backprop  # noqa: E402  (the buggy backprops the C++ tests use too)

CASE = {"name": "case", "sizes": [5, 7, 7, 3], "activation": "tanh", "output": "softmax",
        "loss": "mse", "bug": "p_minus_y", "n": 40, "seed": 4}
HEAD = dict(activation="tanh", output="softmax", loss="mse")


@pytest.fixture
def case(tmp):
    numpy_backprop.make_case(str(tmp), CASE)
    d = tmp / "case"
    load = lambda name: dict(np.load(d / name))  # noqa: E731
    return d, load("net.npz"), load("batch.npz"), load("grads.npz")


def test_the_same_as_the_command_line_on_the_same_arrays(case):
    d, net, batch, grads = case
    result = ms.check(net, X=batch["X"], y=batch["y"], grads=grads, lr=0.05, probe_samples=30,
                      **HEAD)
    expected = cli_json("check", "--weights", d / "net.npz", "--data", f"npz:{d}/batch.npz",
                        "--grads", d / "grads.npz", "--activation", "tanh", "--output", "softmax",
                        "--loss", "mse", "--lr", "0.05", "--probe-samples", "30", "--json")
    for part in ("bug", "gradient_check", "diagnosis", "network"):
        assert result.json[part] == expected[part], part
    assert result.bug_class == "softmax_jacobian_missing"
    assert "p − y" in result.bug["explanation"] and result.bug["fix"]


def test_weights_as_pairs_or_a_flat_list_and_grads_alike(case):
    _, net, batch, grads = case
    pairs = [(net["W1"], net["b1"]), (net["W2"], net["b2"]), (net["W3"], net["b3"])]
    flat = [net["W1"], net["b1"], net["W2"], net["b2"], net["W3"], net["b3"]]
    grad_pairs = [(grads[f"dW{i}"], grads[f"db{i}"]) for i in (1, 2, 3)]
    by_dict = ms.check(net, X=batch["X"], y=batch["y"], grads=grads, **HEAD)
    for weights in (pairs, flat):
        other = ms.check(weights, X=batch["X"], y=batch["y"], grads=grad_pairs, **HEAD)
        assert other.json["bug"] == by_dict.json["bug"]
        assert other.json["gradient_check"] == by_dict.json["gradient_check"]


def test_a_trained_runs_weights_are_checked_in_nn_linear_layout():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 4))
    y = (X[:, 0] > 0).astype(np.int64)
    run = ms.train(X=X, y=y, hidden=[6], epochs=2, lr=0.1, batch=16, dtype="f64")
    result = ms.check(run.weights, X=X, y=y)
    assert result.network["layers"][0]["layout"] == "torch"
    assert result.network["layers"][0]["shape"] == [6, 4]
    assert result.bug is None and result.gradient_check is None
    assert result.diagnosis.verdict in ("converged", "slow", "stalled", "oscillating", "diverged")


def test_right_gradients_in_float32_are_none(tmp):
    numpy_backprop.make_case(str(tmp), dict(CASE, bug=None, dtype="float32", activation="relu"))
    d = tmp / "case"
    batch = np.load(d / "batch.npz")
    result = ms.check(dict(np.load(d / "net.npz")), X=batch["X"], y=batch["y"],
                      grads=dict(np.load(d / "grads.npz")), loss="mse")
    assert result.bug_class == "none"
    assert result.gradient_check["agrees"]


def test_bad_input_is_one_value_error(case):
    _, net, batch, grads = case
    X, y = batch["X"], batch["y"]
    wrong = dict(grads, dW2=grads["dW2"][:, :3])
    with pytest.raises(ValueError, match=r"grads\['dW2'\] has shape \(7, 3\), expected \(7, 7\)"):
        ms.check(net, X=X, y=y, grads=wrong, **HEAD)
    with pytest.raises(ValueError, match="no gradient for 'W3'"):
        ms.check(net, X=X, y=y, grads={k: v for k, v in grads.items() if "3" not in k}, **HEAD)
    with pytest.raises(ValueError, match="grads=True takes the .grad of a torch module"):
        ms.check(net, X=X, y=y, grads=True, **HEAD)
    with pytest.raises(ms.SettingError, match="option --hidden: unknown option of check"):
        ms.check(net, X=X, y=y, hidden=[4], **HEAD)
    with pytest.raises(ms.SettingError, match="option --layout: unknown layout 'sideways'"):
        ms.check(net, X=X, y=y, layout="sideways", **HEAD)
    with pytest.raises(ValueError, match="expected a dict of arrays"):
        ms.check("net.npz", X=X, y=y, **HEAD)
    with pytest.raises(ValueError, match=r"weights\['W1'\]: expected a numpy array of numbers"):
        ms.check({"W1": "text"}, X=X, y=y, **HEAD)
    with pytest.raises(ValueError, match=r"weights\['W1'\] has shape \(5, 7\), expected"):
        ms.check(net, X=X[:, :4], y=y, **HEAD)


def test_a_torch_sequential_with_its_grad():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    X = torch.randn(50, 4, dtype=torch.float64)
    y = torch.randint(0, 3, (50,))
    model = model.double()
    torch.nn.functional.cross_entropy(model(X), y).backward()
    right = ms.check(model, X=X, y=y, grads=True)
    assert right.network["activation"] == "tanh"
    assert right.network["layers"][0]["name"] == "0.weight"
    assert right.bug_class == "none"
    for p in model.parameters():
        p.grad *= 50  # summed over the batch instead of averaged
    scaled = ms.check(model, X=X, y=y, grads=True)
    assert scaled.bug_class == "scale" and abs(scaled.bug["factor"] - 50) < 1e-6
