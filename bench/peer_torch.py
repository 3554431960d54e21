"""The PyTorch peer, written the way a PyTorch user writes a training loop.

nn.Sequential of nn.Linear and nn.ReLU, torch.optim.SGD, F.cross_entropy (or softmax then
F.mse_loss against one-hot targets, the story's setup), data already in memory as tensors
(no DataLoader): each step indexes a shuffled batch out of them. Debian's python3-torch.

Two modes, both printing JSON lines on stdout for bench/driver.py:

  peer_torch.py train --threads T --jobs JSON
      JSON: a list of {"hidden": [256, 128], "loss": "cross_entropy", "batch": 128,
      "samples": 60000, "repeats": 3}. For each job, one line with its samples per second
      per repeat (one shuffled pass over the first `samples` of the train set), after an
      untimed warm-up of a few steps.

  peer_torch.py sweep-worker --seeds FIRST:COUNT --steps 200
      Two spirals (400 points), 2-32-32-2 relu, softmax + cross-entropy, full batch, SGD.
      Prints "ready" once torch is imported and the data drawn, then for each "go" line on
      stdin trains its COUNT runs single-threaded and prints {"start", "end", "runs"} on
      the system-wide monotonic clock, so the driver can time several workers together
      without counting interpreter start-up or `import torch`.
"""
import argparse
import json
import math
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

import blas_kernel
import fashion_mnist


def make_mlp(sizes, dtype=torch.float32):
    layers = []
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(n_in, n_out, dtype=dtype))
        if l < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def loss_fn(kind):
    """loss(logits, labels, one_hot) as DESIGN.md defines it (mean over the batch)."""
    if kind == "cross_entropy":
        return lambda logits, labels, one_hot: F.cross_entropy(logits, labels)
    if kind == "mse":
        return lambda logits, labels, one_hot: F.mse_loss(F.softmax(logits, dim=1), one_hot)
    raise ValueError(f"unknown loss {kind}")


def train_epoch(model, opt, loss, x, y, y1h, batch, generator):
    """One shuffled pass of plain SGD over (x, y)."""
    order = torch.randperm(len(x), generator=generator)
    for first in range(0, len(x), batch):
        idx = order[first:first + batch]
        opt.zero_grad(set_to_none=True)
        loss(model(x[idx]), y[idx], y1h[idx]).backward()
        opt.step()


def time_job(job, x, y, y1h, lr=0.01):
    n = job["samples"]
    xs, ys, y1hs = x[:n], y[:n], y1h[:n]
    sizes = [x.shape[1], *job["hidden"], 10]
    loss = loss_fn(job["loss"])
    generator = torch.Generator().manual_seed(0)
    rates = []
    for repeat in range(job["repeats"] + 1):
        torch.manual_seed(repeat)
        model = make_mlp(sizes)
        opt = torch.optim.SGD(model.parameters(), lr=lr)
        if repeat == 0:  # warm-up: allocator, thread pool, first-touch of the weights
            warm = min(n, 50 * job["batch"])
            train_epoch(model, opt, loss, xs[:warm], ys[:warm], y1hs[:warm], job["batch"],
                        generator)
            continue
        start = time.perf_counter()
        train_epoch(model, opt, loss, xs, ys, y1hs, job["batch"], generator)
        rates.append(n / (time.perf_counter() - start))
    return rates


def run_train(args):
    torch.set_num_threads(args.threads)
    jobs = json.loads(args.jobs)
    images, labels = fashion_mnist.load("train", limit=max(job["samples"] for job in jobs))
    x = torch.from_numpy(fashion_mnist.features(images, np.float32))
    y = torch.from_numpy(labels)
    y1h = F.one_hot(y, 10).to(torch.float32)
    for job in jobs:
        rates = time_job(job, x, y, y1h)
        print(json.dumps({**job, "threads": torch.get_num_threads(), "samples_per_s": rates,
                          "blas": blas_kernel.describe()}),
              flush=True)


def two_spirals(n=400, noise=0.1, seed=0):
    """The two-spirals set in the form of src/data/synthetic.h: sample i has class i mod 2,
    t ~ U(0,1), r = t, θ = πk + 4t + noise·N(0,1), x = (r sin θ, r cos θ). The same
    distribution, not the same draws (those come from mlpscope's PCG stream)."""
    rng = np.random.default_rng(seed)
    k = np.arange(n) % 2
    t = rng.uniform(0.0, 1.0, n)
    theta = math.pi * k + 4.0 * t + noise * rng.standard_normal(n)
    x = np.stack([t * np.sin(theta), t * np.cos(theta)], axis=1)
    return torch.from_numpy(x.astype(np.float32)), torch.from_numpy(k.astype(np.int64))


def train_spiral_run(x, y, seed, steps, lr=0.01):
    """One run of the sweep: a fresh 2-32-32-2 net, `steps` full-batch SGD steps, then the
    final loss, as a user of PyTorch keeps the result of each run."""
    torch.manual_seed(seed)
    model = make_mlp([2, 32, 32, 2])
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        opt.step()
    with torch.no_grad():
        return float(F.cross_entropy(model(x), y))


def run_sweep_worker(args):
    torch.set_num_threads(1)
    first, count = (int(v) for v in args.seeds.split(":"))
    x, y = two_spirals()
    train_spiral_run(x, y, seed=first, steps=5)  # warm-up
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() != "go":
            break
        start = time.monotonic()
        losses = [train_spiral_run(x, y, seed, args.steps) for seed in range(first, first + count)]
        end = time.monotonic()
        print(json.dumps({"start": start, "end": end, "runs": count,
                          "final_loss_median": float(np.median(losses)) if losses else None}),
              flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    train = sub.add_parser("train")
    train.add_argument("--threads", type=int, required=True)
    train.add_argument("--jobs", required=True)
    worker = sub.add_parser("sweep-worker")
    worker.add_argument("--seeds", required=True, help="FIRST:COUNT")
    worker.add_argument("--steps", type=int, default=200)
    args = parser.parse_args()
    if args.mode == "train":
        run_train(args)
    else:
        run_sweep_worker(args)


if __name__ == "__main__":
    main()
