"""The story this project exists for, from Python, as one would type it in a notebook.

An MLP with ReLU hidden units, a softmax output and MSE loss, its weights uniform in
[-1, 1], does not learn Fashion-MNIST; He's init does. mlpscope says why before training
(diagnose), after training (the verdict), in a hand-written numpy backprop of the same
network (check), and over a small grid (a sweep drawn as a map).

    PYTHONPATH=build/python /usr/bin/python3 examples/python_story.py [OUT_DIR]

Run by the tests (ctest -R example.python_story), so it stays true. Writes OUT_DIR/map.png.
"""
import gzip
import pathlib
import sys

import matplotlib

matplotlib.use("Agg")  # files only: no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import mlpscope as ms  # noqa: E402

out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "story")
out.mkdir(parents=True, exist_ok=True)
story = dict(data="fashion-mnist", limit=2000, test="none", hidden=[128, 64], loss="mse",
             lr=0.01, batch=1, epochs=3, seed=1)

# 1. Before any training: the network at initialization.
d = ms.diagnose(init="uniform:-1,1", **story)
print(f"diagnose  predicted {d.verdict}: {d.cause}; stable for lr < {d.max_stable_lr:.3g}")
print(f"          output layer std {d.layers[-1]['measured_std']:.3g} "
      f"(He's would be {d.layers[-1]['he_std']:.3g})")

# 2. The story's network, trained: the loss barely moves, and the verdict says why.
losses = []
run = ms.train(init="uniform:-1,1", on_epoch=lambda record: losses.append(record["loss"]),
               **story)
print(f"uniform   {run.verdict}: {run.cause}; losses {np.round(losses, 4).tolist()}")
print(f"          {run.explanation[:150]}...")
for suggestion in run.suggestions:
    print(f"  try     {suggestion}")
assert run.verdict != "converged" and run.cause == "saturated_output", run.summary

# 3. He's init, the first suggestion's start, learns even with MSE.
he = ms.train(init="he_normal", **story)
print(f"he_normal {he.verdict}; accuracy {he.summary['train_accuracy']:.1%} "
      f"(uniform: {run.summary['train_accuracy']:.1%})")
assert he.summary["train_accuracy"] > run.summary["train_accuracy"] + 0.2

# 4. The same network written by hand in numpy, as tutorials write its backprop ("the
#    derivative of the squared error" taken as p − y): mlpscope checks it against the exact
#    gradient and names the mistake. It trains cross-entropy, which is why it can learn.
with gzip.open("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") as f:
    X = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)[:500] / 255.0
with gzip.open("/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz") as f:
    y = np.frombuffer(f.read(), np.uint8, offset=8)[:500].astype(np.int64)
rng = np.random.default_rng(1)
W1, W2, W3 = (rng.uniform(-1, 1, shape) for shape in ((784, 128), (128, 64), (64, 10)))
b1, b2, b3 = np.zeros(128), np.zeros(64), np.zeros(10)
z1 = X @ W1 + b1
a1 = np.maximum(z1, 0)
z2 = a1 @ W2 + b2
a2 = np.maximum(z2, 0)
z3 = a2 @ W3 + b3
p = np.exp(z3 - z3.max(axis=1, keepdims=True))
p /= p.sum(axis=1, keepdims=True)
delta3 = (p - np.eye(10)[y]) / len(X)  # the line in question
delta2 = (delta3 @ W3.T) * (z2 > 0)
delta1 = (delta2 @ W2.T) * (z1 > 0)
grads = {"dW1": X.T @ delta1, "db1": delta1.sum(0), "dW2": a1.T @ delta2,
         "db2": delta2.sum(0), "dW3": a2.T @ delta3, "db3": delta3.sum(0)}
c = ms.check({"W1": W1, "b1": b1, "W2": W2, "b2": b2, "W3": W3, "b3": b3}, X=X, y=y,
             grads=grads, activation="relu", output="softmax", loss="mse", lr=0.01)
print(f"check     {c.bug_class}: {c.bug['explanation'][:120]}...")
print(f"  fix     {c.bug['fix']}")
assert c.bug_class == "softmax_jacobian_missing", c.bug

# 5. A small map: init × lr, one seed each, stored in OUT/sweep (run again: it resumes).
inits = ["uniform:-1,1", "uniform:-0.5,0.5", "he_normal"]
lrs = [0.01, 0.001]
sweep = ms.sweep(vary={"init": inits, "lr": lrs}, out=out / "sweep",
                 **{**story, "limit": 1000, "epochs": 2})
print(sweep.map)
verdicts = sorted({r["verdict"] for r in sweep})
grid = np.zeros((len(inits), len(lrs)))
for r in sweep:
    grid[inits.index(r["options"]["init"]), lrs.index(r["options"]["lr"])] = verdicts.index(
        r["verdict"])
fig, ax = plt.subplots(figsize=(5, 3))
ax.imshow(grid, cmap="viridis", vmin=0, vmax=max(1, len(verdicts) - 1))
for r in sweep:
    i, j = inits.index(r["options"]["init"]), lrs.index(r["options"]["lr"])
    ax.text(j, i, f"{r['verdict']}\n{r['final_loss']:.3f}", ha="center", va="center",
            color="white", fontsize=8)
ax.set_xticks(range(len(lrs)), [str(lr) for lr in lrs])
ax.set_yticks(range(len(inits)), inits)
ax.set_xlabel("lr")
ax.set_title("relu, softmax + MSE: verdict and final loss")
fig.tight_layout()
fig.savefig(out / "map.png", dpi=100)
print(f"map       {out / 'map.png'}")
