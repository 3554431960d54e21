"""Issue 16's bars for `import mlpscope`, measured side by side (bench/RESULTS.md).

Overhead: mlpscope.train from Python against `mlpscope train` on the Fashion-MNIST bench case
(784-256-128-10, batch 128, plain SGD, one epoch over the 60,000 training images, no test
set, probes and λmax off): training samples/s from each summary's `seconds` (the steps
alone, as bench/cases.py reads them), alternating the two sides so that drift in the
machine hits both.

Zero-copy: peak RSS (wait4's ru_maxrss) of a Python process holding a 60,000×784 float32
array X, without training and then training one epoch on it, against the same with X in
Fortran order, which the module must convert (a copy the measurement has to show).

    PYTHONPATH=build/python /usr/bin/python3 bench/python_overhead.py [--build build] [--repeats 5]

OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are set aside in the children's environment alone.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

CASE = ["--hidden", "256,128", "--batch", "128", "--limit", "60000", "--loss", "cross_entropy",
        "--optimizer", "sgd", "--lr", "0.01", "--epochs", "1", "--test", "none",
        "--probe-samples", "0", "--sharpness-every", "never", "--threads", "1"]
SAMPLES = 60000

PY_TRAIN = """
import json, sys
import mlpscope as ms
args = json.loads(sys.argv[1])
run = ms.train(**args)
print(json.dumps({"seconds": run.summary["seconds"]}))
"""

PY_MEMORY = """
import json, sys
import numpy as np
import mlpscope as ms
mode = sys.argv[1]
rng = np.random.default_rng(0)
X = rng.random((60000, 784), dtype=np.float32)
y = rng.integers(0, 10, 60000)
if mode == "fortran":
    X = np.asfortranarray(X)
if mode != "hold":
    ms.train(X=X, y=y, hidden=[256, 128], batch=128, epochs=1, test="none", probe_samples=0,
             sharpness_every="never")
print(json.dumps({"x_mib": X.nbytes / 2**20}))
"""


def environment():
    return {k: v for k, v in os.environ.items()
            if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}


def run_measured(cmd):
    """Runs cmd; returns its stdout and its peak RSS in MiB (wait4)."""
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=environment())
    _, status, usage = os.wait4(child.pid, 0)
    out, err = child.stdout.read(), child.stderr.read()
    if status != 0:
        raise SystemExit(f"{' '.join(cmd)}: {err}")
    return out, usage.ru_maxrss / 1024


def openblas_core():
    """The kernel OpenBLAS picked for this CPU, as the children see it."""
    code = ("import ctypes; f = ctypes.CDLL('libopenblas.so.0').openblas_get_corename; "
            "f.restype = ctypes.c_char_p; print(f().decode())")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=environment()).stdout.strip() or "?"


def python_options():
    options = {}
    for name, value in zip(CASE[::2], CASE[1::2]):
        options[name[2:].replace("-", "_")] = value
    return options


def overhead(binary, repeats):
    cli_rates, py_rates = [], []
    for _ in range(repeats):
        out, _ = run_measured([binary, "train", *CASE, "--json", "--quiet"])
        cli_rates.append(SAMPLES / json.loads(out)["seconds"])
        out, _ = run_measured([sys.executable, "-c", PY_TRAIN, json.dumps(python_options())])
        py_rates.append(SAMPLES / json.loads(out)["seconds"])
    return cli_rates, py_rates


def memory():
    return {mode: run_measured([sys.executable, "-c", PY_MEMORY, mode])[1]
            for mode in ("hold", "train", "fortran")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    binary = os.path.join(args.build, "mlpscope")
    cli_rates, py_rates = overhead(binary, args.repeats)
    med_cli, med_py = statistics.median(cli_rates), statistics.median(py_rates)
    print(f"OpenBLAS core {openblas_core()}; samples/s, {args.repeats} runs each, "
          f"median (min-max):")
    print(f"  mlpscope train  {med_cli:,.0f} ({min(cli_rates):,.0f}-{max(cli_rates):,.0f})")
    print(f"  mlpscope.train  {med_py:,.0f} ({min(py_rates):,.0f}-{max(py_rates):,.0f})")
    print(f"  Python / CLI    {med_py / med_cli:.3f} of the medians (bar: >= 0.98), "
          f"{max(py_rates) / max(cli_rates):.3f} of the best runs")
    rss = memory()
    print("peak RSS (MiB) of a process holding X (60000x784 float32, 179.4 MiB):")
    print(f"  holding X, no training          {rss['hold']:.1f}")
    print(f"  training on X (C order, float32) {rss['train']:.1f} "
          f"(+{rss['train'] - rss['hold']:.1f})")
    print(f"  training on X in Fortran order   {rss['fortran']:.1f} "
          f"(+{rss['fortran'] - rss['hold']:.1f}: converted to a float64 copy)")


if __name__ == "__main__":
    main()
