"""The numpy peer: an MLP from scratch, written the way the person in the story wrote one.

Forward and backward with numpy matrix products (@), float64 (numpy's default), one sample
at a time for online SGD. Rows are samples here (numpy's habit), unlike mlpscope's columns;
weights are (out, in) as nn.Linear and mlpscope's weights JSON store them.

  forward   z_l = a_{l-1} W_lᵀ + b_l,  a_l = relu(z_l) (hidden),  p = softmax(z_L)
  backward  δ_L = ∂loss/∂z_L;  dW_l = δ_lᵀ a_{l-1},  db_l = Σ_rows δ_l,
            δ_{l-1} = (δ_l W_l) ⊙ [z_{l-1} > 0]
  cross_entropy  loss = −mean log p_y,            δ_L = (p − y) / B
  mse            loss = mean over B·K of (p − y)², g = 2 (p − y) / (B·K),
                 δ_L = p ⊙ (g − Σ_k g_k p_k)   (the softmax Jacobian applied to g)

Run as a program it times training (samples per second) and prints one JSON object:
  peer_numpy.py --batch 1 --samples 3000 --loss cross_entropy --repeats 3
Threads: numpy's OpenBLAS reads OPENBLAS_NUM_THREADS, set by the caller (bench/driver.py).
"""
import argparse
import json
import time

import numpy as np

import blas_kernel
import fashion_mnist


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class NumpyMLP:
    def __init__(self, weights, biases, loss):
        if loss not in ("cross_entropy", "mse"):
            raise ValueError(f"unknown loss {loss}")
        self.W = [np.array(w, dtype=np.float64) for w in weights]
        self.b = [np.array(b, dtype=np.float64) for b in biases]
        self.loss_kind = loss

    @classmethod
    def he_normal(cls, sizes, loss, seed=0):
        rng = np.random.default_rng(seed)
        weights = [rng.normal(0.0, np.sqrt(2.0 / n_in), (n_out, n_in))
                   for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        return cls(weights, [np.zeros(n) for n in sizes[1:]], loss)

    def forward(self, x):
        activations, preacts = [x], []
        for l, (W, b) in enumerate(zip(self.W, self.b)):
            z = activations[-1] @ W.T + b
            preacts.append(z)
            last = l == len(self.W) - 1
            activations.append(softmax(z) if last else np.maximum(z, 0.0))
        return activations, preacts

    def loss(self, x, y_onehot):
        p = self.forward(x)[0][-1]
        if self.loss_kind == "cross_entropy":
            return float(-np.mean(np.log(np.sum(p * y_onehot, axis=1))))
        return float(np.mean((p - y_onehot) ** 2))

    def step(self, x, y_onehot, lr):
        activations, preacts = self.forward(x)
        p = activations[-1]
        batch, classes = p.shape
        if self.loss_kind == "cross_entropy":
            delta = (p - y_onehot) / batch
        else:
            g = 2.0 * (p - y_onehot) / (batch * classes)
            delta = p * (g - np.sum(g * p, axis=1, keepdims=True))
        for l in reversed(range(len(self.W))):
            dW = delta.T @ activations[l]
            db = delta.sum(axis=0)
            if l > 0:
                delta = (delta @ self.W[l]) * (preacts[l - 1] > 0)
            self.W[l] -= lr * dW
            self.b[l] -= lr * db


def one_hot(labels, classes=10):
    y = np.zeros((labels.size, classes))
    y[np.arange(labels.size), labels] = 1.0
    return y


def time_training(x, y, batch, loss, lr=0.01, hidden=(256, 128), seed=0):
    """Samples per second of one epoch of plain SGD over (x, y), shuffled."""
    net = NumpyMLP.he_normal([x.shape[1], *hidden, y.shape[1]], loss, seed)
    order = np.random.default_rng(seed).permutation(len(x))
    start = time.perf_counter()
    for first in range(0, len(x), batch):
        idx = order[first:first + batch]
        net.step(x[idx], y[idx], lr)
    return len(x) / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--samples", type=int, required=True)
    parser.add_argument("--loss", default="cross_entropy")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    images, labels = fashion_mnist.load("train", limit=args.samples)
    x, y = fashion_mnist.features(images, np.float64), one_hot(labels)
    time_training(x[:200], y[:200], args.batch, args.loss)  # warm-up: BLAS threads, caches
    rates = [time_training(x, y, args.batch, args.loss) for _ in range(args.repeats)]
    print(json.dumps({"batch": args.batch, "loss": args.loss, "samples_per_s": rates,
                      "blas": blas_kernel.describe()}))


if __name__ == "__main__":
    main()
