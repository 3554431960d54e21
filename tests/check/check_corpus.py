"""How often `mlpscope check` names the right bug: a varied corpus of numpy backprops
(tests/check/numpy_backprop.py), each with a known mistake or none, checked one by one.

    python3 check_corpus.py MLPSCOPE_BINARY WORK_DIR [--cases N] [--seed S]

Prints the share of classes right per class and overall, and fails (exit 1) below the bar of
issue 15: at least 90% of classes right, every factor within 2%, and no false alarm (a
correct gradient never called anything but none).
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy_backprop  # noqa: E402

HEADS = [("softmax", "mse"), ("softmax", "cross_entropy"), ("sigmoid", "bce"),
         ("sigmoid", "mse"), ("identity", "mse")]
ACTIVATIONS = ["relu", "leaky_relu", "sigmoid", "tanh", "elu", "softplus"]
SIGN_ONLY = {"relu", "leaky_relu", "identity"}  # f'(f(z)) = f'(z): that mistake changes nothing


def bugs_for(activation, output, loss, hidden, square):
    """(bug, layer) pairs that change this network's gradient, with None for the right one."""
    bugs = [(None, None), (None, None), ("sign", None), ("sum_over_batch", None), ("random", None)]
    if loss == "mse" and output != "identity":
        bugs.append(("p_minus_y", None))
    if loss == "mse":
        bugs += [("dropped_two", None), ("half_sum_over_outputs", None)]
    if output == "softmax" or loss == "bce":
        bugs.append(("output_derivative", None))
    for h in range(hidden):
        bugs.append(("missing_derivative", h))
        if activation not in SIGN_ONLY:
            bugs.append(("derivative_at_activation", h))
        bugs.append(("wrong_input", h + 1))
    bugs += [("transposed", l) for l in square]
    return bugs


def expected(case):
    """(class, layer as check reports it (1-based) or None, factor or None)."""
    bug, layer, n, k = case["bug"], case["layer"], case["n"], case["sizes"][-1]
    layer_out = None if layer is None else layer + 1
    table = {
        None: ("none", None, None),
        "sign": ("sign", None, -1.0),
        "sum_over_batch": ("scale", None, float(n)),
        "dropped_two": ("scale", None, 0.5),
        "half_sum_over_outputs": ("scale", None, k / 2) if k != 2 else ("none", None, None),
        "random": ("unknown", "any", None),
        "p_minus_y": ("softmax_jacobian_missing", None, None),
        # With two softmax outputs the Jacobian's diagonal alone is exactly half the
        # Jacobian (p2 = 1 − p1, g2 = −g1): the same gradient as the 2 dropped.
        "output_derivative": ("scale", None, 0.5) if k == 2 and case["output"] == "softmax"
        and case["loss"] == "mse" else ("output_activation_derivative", None, None),
        "missing_derivative": ("missing_activation_derivative", layer_out, None),
        "derivative_at_activation": ("derivative_at_activation", layer_out, None),
        "wrong_input": ("wrong_layer_input", layer_out, None),
        "transposed": ("transposed", layer_out, None),
    }
    return table[bug]


def make_corpus(count, seed):
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < count:
        output, loss = HEADS[rng.integers(len(HEADS))]
        activation = ACTIVATIONS[rng.integers(len(ACTIVATIONS))]
        hidden = int(rng.integers(1, 4))
        k = int(rng.integers(2, 7))
        widths = [int(w) for w in rng.integers(3, 17, hidden)]
        sizes = [int(rng.integers(2, 12))] + widths + [k]
        if rng.random() < 0.4:  # a square layer, where a transposed gradient can hide
            l = int(rng.integers(1, len(sizes) - 1))
            sizes[l + 1] = sizes[l]
        square = [l for l in range(len(sizes) - 1) if sizes[l] == sizes[l + 1]]
        options = bugs_for(activation, output, loss, hidden, square)
        bug, layer = options[rng.integers(len(options))]
        if bug in ("missing_derivative", "derivative_at_activation", "wrong_input") and hidden > 1 \
                and rng.random() < 0.25:
            layer = None  # the same mistake in every layer, as a loop makes it
        cases.append({
            "name": f"case{len(cases):03d}", "sizes": sizes, "activation": activation,
            "output": output, "loss": loss, "bug": bug, "layer": layer,
            "n": int(rng.integers(8, 200)),
            "dtype": "float32" if rng.random() < 0.5 else "float64",
            "layout": "torch" if rng.random() < 0.3 else "numpy",
            "init": [None, 0.5, 1.0][rng.integers(3)], "seed": int(rng.integers(1 << 30)),
            "one_hot": bool(rng.random() < 0.3),
        })
    return cases


def check(binary, work, case):
    d = os.path.join(work, case["name"])
    r = subprocess.run([binary, "check", "--weights", f"{d}/net.npz", "--data",
                        f"npz:{d}/batch.npz", "--grads", f"{d}/grads.npz",
                        "--activation", case["activation"], "--output", case["output"],
                        "--loss", case["loss"], "--layout", case["layout"],
                        "--probe-samples", "64", "--json"], capture_output=True, text=True)
    if r.returncode != 0:
        return None, r.stderr.strip()
    return json.loads(r.stdout)["bug"], ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("work")
    parser.add_argument("--cases", type=int, default=150)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    cases = make_corpus(args.cases, args.seed)
    os.makedirs(args.work, exist_ok=True)
    for case in cases:
        numpy_backprop.make_case(args.work, case)
    right, per_class, failures, false_alarms, bad_factors = 0, {}, [], 0, 0
    for case in cases:
        want_class, want_layer, want_factor = expected(case)
        bug, error = check(args.binary, args.work, case)
        got = bug["class"] if bug else "error: " + error
        ok = bug is not None and got == want_class and \
            (want_layer in ("any", bug["layer"]))
        if ok and want_factor is not None:
            factor = bug["factor"] if bug["factor"] is not None else 1.0
            if abs(factor / want_factor - 1) > 0.02:
                ok, bad_factors = False, bad_factors + 1
        if want_class == "none" and got != "none":
            false_alarms += 1
        tally = per_class.setdefault(want_class, [0, 0])
        tally[0] += ok
        tally[1] += 1
        right += ok
        if not ok:
            failures.append(f"{case['name']}: {case['bug']} layer {case['layer']} "
                            f"{case['activation']} {case['output']}/{case['loss']} "
                            f"{case['sizes']} {case['dtype']} {case['layout']}: expected "
                            f"{want_class} {want_layer} {want_factor}, got {got} "
                            f"{bug and bug['layer']} {bug and bug['factor']}")
    print(f"{right}/{len(cases)} classes right ({100 * right / len(cases):.1f}%), "
          f"{false_alarms} false alarms, {bad_factors} factors off by more than 2%")
    for name, (ok, total) in sorted(per_class.items()):
        print(f"  {name:32s} {ok:3d}/{total:3d}")
    for line in failures:
        print("  miss:", line)
    passed = right >= 0.9 * len(cases) and false_alarms == 0 and bad_factors == 0
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
