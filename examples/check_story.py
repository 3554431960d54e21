# The story's network, written by hand in numpy the way its author wrote it: 784-64-64-10,
# ReLU, softmax output, MSE loss, weights uniform in [-1, 1]. It saves what
# `mlpscope check` reads: the weights, the batch, and the gradients this code computes.
import gzip

import numpy as np


def load_fashion_mnist(n, root="/usr/share/datasets/fashion-mnist"):
    with gzip.open(f"{root}/train-images-idx3-ubyte.gz") as f:
        X = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)[:n] / 255.0
    with gzip.open(f"{root}/train-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)[:n].astype(np.int64)
    return X, y


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


rng = np.random.default_rng(0)
X, y = load_fashion_mnist(2000)
Y = np.eye(10)[y]
sizes = [784, 64, 64, 10]
W = [rng.uniform(-1, 1, (i, o)) for i, o in zip(sizes[:-1], sizes[1:])]
b = [np.zeros(o) for o in sizes[1:]]


def forward(x):
    z, a = [], [x]
    for l in range(3):
        z.append(a[-1] @ W[l] + b[l])
        a.append(np.maximum(z[-1], 0) if l < 2 else softmax(z[-1]))
    return z, a


def backward(x, Y):
    z, a = forward(x)
    n = len(x)
    delta = (a[-1] - Y) / n  # "the derivative of the squared error"
    dW, db = [None] * 3, [None] * 3
    for l in (2, 1, 0):
        dW[l], db[l] = a[l].T @ delta, delta.sum(axis=0)
        if l > 0:
            delta = (delta @ W[l].T) * (z[l - 1] > 0)
    return dW, db


z, a = forward(X)
print(f"MSE {np.mean((a[-1] - Y) ** 2):.5f}, accuracy {np.mean(a[-1].argmax(1) == y):.3f}")
dW, db = backward(X, Y)
np.savez("net.npz", W1=W[0], b1=b[0], W2=W[1], b2=b[1], W3=W[2], b3=b[2])
np.savez("batch.npz", X=X, y=y)
np.savez("grads.npz", dW1=dW[0], db1=db[0], dW2=dW[1], db2=db[1], dW3=dW[2], db3=db[2])
