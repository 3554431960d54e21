"""A multilayer perceptron written the way people write one by hand in numpy, with its
backpropagation, right or with one of the mistakes `mlpscope check` names: each mistake is
made for real in the backward pass, not imitated by scaling the right gradient.

    python3 numpy_backprop.py OUT_DIR CASES.json

CASES.json is a list of cases; each writes OUT_DIR/NAME/{net,batch,grads}.npz:
    {"name": "...", "sizes": [4, 8, 3], "activation": "relu", "output": "softmax",
     "loss": "mse", "bug": null | "p_minus_y" | ..., "layer": null | 0-based layer,
     "n": 64, "dtype": "float64" | "float32", "layout": "numpy" | "torch",
     "init": 0.5 (uniform half-width; null: He normal), "seed": 1, "one_hot": false}
"""
import json
import os
import sys

import numpy as np


def phi(kind, z):
    if kind == "relu":
        return np.maximum(z, 0)
    if kind == "leaky_relu":
        return np.where(z > 0, z, 0.01 * z)
    if kind == "sigmoid":
        return 1 / (1 + np.exp(-z))
    if kind == "tanh":
        return np.tanh(z)
    if kind == "elu":
        return np.where(z > 0, z, np.expm1(np.minimum(z, 0)))
    if kind == "softplus":
        return np.logaddexp(0, z)
    if kind == "identity":
        return z
    raise ValueError(kind)


def phi_prime(kind, z, a):
    """f'(z), written as people write it: from z or from a = f(z)."""
    if kind == "relu":
        return (z > 0).astype(z.dtype)
    if kind == "leaky_relu":
        return np.where(z > 0, 1, 0.01).astype(z.dtype)
    if kind == "sigmoid":
        return a * (1 - a)
    if kind == "tanh":
        return 1 - a ** 2
    if kind == "elu":
        return np.where(z > 0, 1, a + 1).astype(z.dtype)
    if kind == "softplus":
        return 1 / (1 + np.exp(-z))
    if kind == "identity":
        return np.ones_like(z)
    raise ValueError(kind)


def output(kind, z):
    if kind == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    if kind == "sigmoid":
        return 1 / (1 + np.exp(-z))
    return z


def forward(Ws, bs, x, c):
    zs, acts = [], [x]
    for l, (W, b) in enumerate(zip(Ws, bs)):
        z = acts[-1] @ W + b
        zs.append(z)
        acts.append(phi(c["activation"], z) if l + 1 < len(Ws) else output(c["output"], z))
    return zs, acts


def output_delta(p, Y, z, c):
    n, k = Y.shape
    bug, loss, out = c.get("bug"), c["loss"], c["output"]
    if bug == "p_minus_y":
        return (p - Y) / n
    if bug == "sign":
        return -output_delta(p, Y, z, dict(c, bug=None))
    if loss == "cross_entropy":
        d = (p - Y) if bug == "sum_over_batch" else (p - Y) / n
        return d * p * (1 - p) if bug == "output_derivative" else d
    if loss == "bce":
        d = (p - Y) / k if bug == "sum_over_batch" else (p - Y) / (n * k)
        return d * p * (1 - p) if bug == "output_derivative" else d
    g = 2 * (p - Y) / (n * k)  # mse, torch's mean over batch and outputs
    if bug == "half_sum_over_outputs":
        g = (p - Y) / n  # the loss taken as ½ Σ_k (p − y)², averaged over the batch
    elif bug == "dropped_two":
        g = (p - Y) / (n * k)
    elif bug == "sum_over_batch":
        g = 2 * (p - Y) / k
    if out == "softmax":
        if bug == "output_derivative":
            return g * p * (1 - p)
        return p * (g - np.sum(p * g, axis=1, keepdims=True))
    if out == "sigmoid":
        return g * p * (1 - p)
    return g


def backward(Ws, bs, x, Y, c):
    """The gradients of the mean loss, made with case c's mistake, if any."""
    zs, acts = forward(Ws, bs, x, c)
    bug, layer, act = c.get("bug"), c.get("layer"), c["activation"]
    delta = output_delta(acts[-1], Y, zs[-1], c)
    grads = [None] * len(Ws)
    for l in reversed(range(len(Ws))):
        a_in = acts[l]
        if bug == "wrong_input" and l > 0 and layer in (None, l):
            a_in = zs[l - 1]  # the input's pre-activation instead of its activation
        dW = a_in.T @ delta
        if bug == "transposed" and layer == l:
            dW = dW.T
        grads[l] = (dW, delta.sum(axis=0))
        if l == 0:
            break
        da = delta @ Ws[l].T
        h = l - 1  # the hidden layer below, whose output is acts[l]
        if bug == "missing_derivative" and layer in (None, h):
            delta = da
        elif bug == "derivative_at_activation" and layer in (None, h):
            a = acts[l]
            delta = da * phi_prime(act, a, phi(act, a))  # f' evaluated at a = f(z)
        else:
            delta = da * phi_prime(act, zs[h], acts[l])
    if bug == "random":
        rng = np.random.default_rng(99)
        grads = [(rng.standard_normal(dW.shape), rng.standard_normal(db.shape)) for dW, db in grads]
    return grads


def make_case(out_dir, c):
    rng = np.random.default_rng(c.get("seed", 0))
    dtype = np.dtype(c.get("dtype", "float64"))
    sizes, n = c["sizes"], c.get("n", 64)
    k = sizes[-1]
    x = rng.standard_normal((n, sizes[0])).astype(dtype)
    labels = rng.integers(0, k, n)
    Y = np.eye(k, dtype=dtype)[labels]
    half = c.get("init")
    Ws, bs = [], []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        if half is None:
            W = rng.standard_normal((fan_in, fan_out)) * np.sqrt(2 / fan_in)
        else:
            W = rng.uniform(-half, half, (fan_in, fan_out))
        Ws.append(W.astype(dtype))
        bs.append((0.1 * rng.standard_normal(fan_out)).astype(dtype))
    grads = backward(Ws, bs, x, Y, c)
    d = os.path.join(out_dir, c["name"])
    os.makedirs(d, exist_ok=True)
    np.savez(os.path.join(d, "batch.npz"), X=x, y=Y if c.get("one_hot") else labels)
    if c.get("layout", "numpy") == "torch":
        # A torch.nn.Sequential's state_dict: Linear layers at even indices, (out, in).
        net, g = {}, {}
        for l, ((W, b), (dW, db)) in enumerate(zip(zip(Ws, bs), grads)):
            net[f"{2 * l}.weight"], net[f"{2 * l}.bias"] = W.T, b
            g[f"{2 * l}.weight.grad"], g[f"{2 * l}.bias.grad"] = dW.T, db
    else:
        net, g = {}, {}
        for l, ((W, b), (dW, db)) in enumerate(zip(zip(Ws, bs), grads)):
            net[f"W{l + 1}"], net[f"b{l + 1}"] = W, b
            g[f"dW{l + 1}"], g[f"db{l + 1}"] = dW, db
    np.savez(os.path.join(d, "net.npz"), **net)
    np.savez(os.path.join(d, "grads.npz"), **{k: v.astype(dtype) for k, v in g.items()})


if __name__ == "__main__":
    with open(sys.argv[2]) as f:
        for case in json.load(f):
            make_case(sys.argv[1], case)
