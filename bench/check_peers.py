"""Do the peers compute what mlpscope computes? Same weights in, same losses out.

mlpscope draws a 784-256-128-10 relu network (`train --epochs 0 --save`), exports it as
nn.Linear-layout JSON (`export`), and trains it from those weights (`--init-from`) with
plain SGD for a few epochs, logging the training-set loss after each. The numpy peer
(float64) and the PyTorch peer (float64 and float32) start from the same JSON and take the
same steps on the same samples. Two batch regimes whose sample order needs no shared random
stream: full batch on the first 64 samples, and batch 1 on the first sample alone. Both
losses: cross-entropy and the story's softmax + MSE.

numpy (float64) is the reference every run compares with, so the check runs wherever numpy
is (in CI); PyTorch is compared as well where it is installed.

Agreement, relative to the initial loss: in float64 the three implementations differ only
by summation order, so the losses agree to 1e-9; in float32, to 1e-4. Each regime must also move
the loss (by more than 100 × the tolerance), so a peer that took no step cannot pass.

  /usr/bin/python3 bench/check_peers.py --mlpscope build/mlpscope
Exit status 0 when every comparison agrees, 1 otherwise; prints one line per comparison.
"""
import argparse
import json
import os
import sys
import tempfile

import numpy as np

import fashion_mnist
import peer_numpy
import processes

try:  # PyTorch is a peer where it is installed (scripts/setup.sh bench); numpy always is
    import torch
    import torch.nn.functional as F

    import peer_torch
except ImportError:
    torch = None

EPOCHS = 4
LR = 0.1
TOLERANCE = {"f64": 1e-9, "f32": 1e-4}
REGIMES = {"full batch, 64 samples": (64, "full"), "batch 1, 1 sample": (1, "1")}


def mlpscope_losses(binary, weights, limit, batch, loss, dtype, workdir):
    log = os.path.join(workdir, "check.jsonl")
    processes.run([binary, "train", "--init-from", weights, "--hidden", "256,128",
                   "--limit", limit, "--batch", batch, "--epochs", EPOCHS, "--lr", LR,
                   "--optimizer", "sgd", "--loss", loss, "--dtype", dtype, "--test", "none",
                   "--probe-samples", 0, "--sharpness-every", "never", "--quiet", "--log", log])
    with open(log) as f:
        records = [json.loads(line) for line in f]
    by_epoch = {r["epoch"]: r["loss"] for r in records
                if "epoch" in r and "step" in r and not r.get("within_epoch")}
    return [by_epoch[e] for e in range(EPOCHS + 1)]


def numpy_losses(layers, x, y, loss):
    net = peer_numpy.NumpyMLP([l["weight"] for l in layers], [l["bias"] for l in layers], loss)
    y1h = peer_numpy.one_hot(y)
    out = [net.loss(x, y1h)]
    for _ in range(EPOCHS):
        net.step(x, y1h, LR)  # one epoch = one step in both regimes
        out.append(net.loss(x, y1h))
    return out


def torch_losses(layers, x, y, loss, dtype):
    model = peer_torch.make_mlp([784, 256, 128, 10], dtype)
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    with torch.no_grad():
        for layer, linear in zip(layers, linears):
            linear.weight.copy_(torch.tensor(layer["weight"], dtype=torch.float64))
            linear.bias.copy_(torch.tensor(layer["bias"], dtype=torch.float64))
    xs = torch.from_numpy(fashion_mnist.features(x, np.float64)).to(dtype)
    ys = torch.from_numpy(y)
    y1h = F.one_hot(ys, 10).to(dtype)
    fn = peer_torch.loss_fn(loss)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    out = []
    for epoch in range(EPOCHS + 1):
        with torch.no_grad():
            out.append(float(fn(model(xs), ys, y1h)))
        if epoch < EPOCHS:
            opt.zero_grad()
            fn(model(xs), ys, y1h).backward()
            opt.step()
    return out


def agree(name, ours, theirs, tolerance):
    # Relative to the initial loss: a run that drives the loss to ~0 (one sample, batch 1)
    # would make a difference relative to each value meaningless.
    worst = max(abs(a - b) for a, b in zip(ours, theirs)) / abs(ours[0])
    moved = abs(ours[-1] - ours[0]) / abs(ours[0])
    ok = worst <= tolerance and moved > 100 * tolerance
    print(f"{'ok  ' if ok else 'FAIL'} {name}: worst relative difference {worst:.2e} "
          f"(tolerance {tolerance:g}); loss {ours[0]:.6f} -> {ours[-1]:.6f}", flush=True)
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mlpscope", required=True, help="the mlpscope binary")
    args = parser.parse_args()
    if torch is None:
        print("PyTorch is not installed: numpy float64 is the one peer")
    else:
        torch.set_num_threads(1)
    images, labels = fashion_mnist.load("train", limit=64)
    ok = True
    with tempfile.TemporaryDirectory(prefix="mlpscope-check-") as workdir:
        model = os.path.join(workdir, "init.model")
        weights = os.path.join(workdir, "init.json")
        processes.run([args.mlpscope, "train", "--hidden", "256,128", "--limit", 64,
                       "--epochs", 0, "--test", "none", "--probe-samples", 0,
                       "--sharpness-every", "never", "--quiet", "--save", model])
        processes.run([args.mlpscope, "export", "--model", model, "-o", weights])
        with open(weights) as f:
            layers = json.load(f)["layers"]
        for loss in ("cross_entropy", "mse"):
            for regime, (limit, batch) in REGIMES.items():
                x64 = fashion_mnist.features(images[:limit], np.float64)
                y = labels[:limit]
                reference = numpy_losses(layers, x64, y, loss)
                for dtype in ("f64", "f32"):
                    ours = mlpscope_losses(args.mlpscope, weights, limit, batch, loss, dtype,
                                           workdir)
                    # numpy's float64 is the reference for both precisions: f32 agrees with
                    # it to f32's tolerance.
                    ok &= agree(f"{loss}, {regime}: mlpscope {dtype} vs numpy f64", ours,
                                reference, TOLERANCE[dtype])
                    if torch is None:
                        continue
                    torch_dtype = torch.float64 if dtype == "f64" else torch.float32
                    theirs = torch_losses(layers, images[:limit], y, loss, torch_dtype)
                    ok &= agree(f"{loss}, {regime}: mlpscope {dtype} vs PyTorch {dtype}", ours,
                                theirs, TOLERANCE[dtype])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
