"""How long `mlpscope check` takes on issue 15's bar case: a 784-64-64-10 network and
10,000 Fashion-MNIST images (bar: under 2 s on 2 cores), with and without --grads, beside
numpy float64 computing one forward and backward pass over the same batch (what any
gradient check costs at the least).

    /usr/bin/python3 bench/check_speed.py [--build build] [--repeats 5]

OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for every side alike; the OpenBLAS kernel
then picked is printed.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "check"))
os.environ.pop("OPENBLAS_CORETYPE", None)
os.environ.pop("OPENBLAS_L2_SIZE", None)
import numpy as np  # noqa: E402  (after the environment is set, for numpy's own OpenBLAS)

import blas_kernel  # noqa: E402
import numpy_backprop  # noqa: E402


def fashion_mnist(n):
    import gzip
    root = "/usr/share/datasets/fashion-mnist"
    with gzip.open(f"{root}/train-images-idx3-ubyte.gz") as f:
        X = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)[:n] / 255.0
    with gzip.open(f"{root}/train-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)[:n].astype(np.int64)
    return X.astype(np.float32), y


def write_case(d, bug):
    X, y = fashion_mnist(10000)
    case = {"name": "case", "sizes": [784, 64, 64, 10], "activation": "relu",
            "output": "softmax", "loss": "mse", "bug": bug, "init": 1.0, "dtype": "float32"}
    rng = np.random.default_rng(0)
    Ws = [rng.uniform(-1, 1, (i, o)).astype(np.float32) for i, o in zip([784, 64, 64], [64, 64, 10])]
    bs = [np.zeros(o, np.float32) for o in (64, 64, 10)]
    grads = numpy_backprop.backward(Ws, bs, X, np.eye(10, dtype=np.float32)[y], case)
    np.savez(f"{d}/net.npz", **{f"W{i + 1}": W for i, W in enumerate(Ws)},
             **{f"b{i + 1}": b for i, b in enumerate(bs)})
    np.savez(f"{d}/batch.npz", X=X, y=y)
    np.savez(f"{d}/grads.npz", **{f"dW{i + 1}": g[0] for i, g in enumerate(grads)},
             **{f"db{i + 1}": g[1] for i, g in enumerate(grads)})
    return Ws, bs, X, y


def seconds(command):
    start = time.perf_counter()
    r = subprocess.run(command, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(command)}: {r.stderr}")
    return time.perf_counter() - start, r.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    binary = os.path.abspath(os.path.join(args.build, "mlpscope"))
    print(f"OpenBLAS kernel: {blas_kernel.openblas_kernel()}; {os.cpu_count()} cores; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; medians of {args.repeats}")
    with tempfile.TemporaryDirectory() as d:
        for bug in (None, "p_minus_y"):
            Ws, bs, X, y = write_case(d, bug)
            base = [binary, "check", "--weights", f"{d}/net.npz", "--data", f"npz:{d}/batch.npz",
                    "--activation", "relu", "--output", "softmax", "--loss", "mse", "--json"]
            for label, command in (("diagnosis only", base),
                                   ("with --grads", base + ["--grads", f"{d}/grads.npz"])):
                times, out = zip(*(seconds(command) for _ in range(args.repeats)))
                found = '"class": "' in out[-1] and out[-1].split('"class": "')[1].split('"')[0]
                print(f"check, bug {str(bug):10} {label:15} {statistics.median(times):6.2f} s"
                      f"{'  (found ' + found + ')' if found else ''}")
        X64, Y64 = X.astype(np.float64), np.eye(10)[y]
        W64, b64 = [W.astype(np.float64) for W in Ws], [b.astype(np.float64) for b in bs]
        case = {"activation": "relu", "output": "softmax", "loss": "mse"}
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            numpy_backprop.backward(W64, b64, X64, Y64, case)
            times.append(time.perf_counter() - start)
        print(f"numpy float64, one forward + backward over the batch: {statistics.median(times):6.2f} s")


if __name__ == "__main__":
    main()
