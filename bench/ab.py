#!/usr/bin/env python3
"""Two builds of mlpscope side by side: the same training runs, interleaved, on each.

    python3 bench/ab.py OLD_BINARY NEW_BINARY [--repeats 5]

For a change that must not slow anything down (a refactor): each case runs on both
binaries in turn, `--repeats` times, and the median training throughput (samples/s from
the summary's `seconds`, which counts the training steps alone) of each is printed with
their ratio. The cases are bench/'s main ones at a size this 2-core machine runs in a few
minutes. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for both sides alike.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

CASES = {
    # name: (options, samples per epoch × epochs)
    "batch 1, 784-256-128-10, 1 thread": (
        ["--limit", "10000", "--batch", "1", "--epochs", "1", "--threads", "1"], 10000),
    "batch 1, 784-256-128-10, 2 threads": (
        ["--limit", "10000", "--batch", "1", "--epochs", "1", "--threads", "2"], 10000),
    "batch 128, 784-256-128-10, 1 thread": (
        ["--limit", "30000", "--batch", "128", "--epochs", "2", "--threads", "1"], 60000),
    "batch 128, adam, 784-256-128-10, 1 thread": (
        ["--limit", "30000", "--batch", "128", "--epochs", "2", "--threads", "1",
         "--optimizer", "adam", "--lr", "0.001"], 60000),
}
COMMON = ["train", "--data", "fashion-mnist", "--test", "none", "--hidden", "256,128",
          "--probe-samples", "0", "--sharpness-every", "never", "--json", "--quiet"]


def throughput(binary, options, samples, env):
    out = subprocess.run([binary] + COMMON + options, env=env, check=True,
                         capture_output=True, text=True).stdout
    return samples / json.loads(out)["seconds"]


def sweep_seconds(binary, out_dir, env):
    subprocess.run(["rm", "-rf", out_dir], check=True)
    start = time.perf_counter()
    subprocess.run([binary, "sweep", "--data", "spiral:n=400", "--hidden", "32,32", "--batch",
                    "full", "--epochs", "200", "--vary", "lr=log:0.01..1:8", "--seeds", "4",
                    "--jobs", "2", "--out", out_dir], env=env, check=True, capture_output=True)
    return 32 / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only", help="run the cases whose name contains this text")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    kernel = subprocess.run(
        [sys.executable, "-c", "import ctypes; lib = ctypes.CDLL('libopenblas.so.0'); "
         "lib.openblas_get_corename.restype = ctypes.c_char_p; "
         "print(lib.openblas_get_corename().decode())"],
        env=env, capture_output=True, text=True).stdout.strip() or "unknown"
    print(f"OpenBLAS kernel: {kernel}; {args.repeats} interleaved repeats, medians")
    print(f"{'case':45} {'old':>12} {'new':>12} {'new/old':>8}")
    rows = [(name, lambda b, o=o, n=n: throughput(b, o, n, env))
            for name, (o, n) in CASES.items()]
    rows.append(("sweep 2-32-32-2, 200 full-batch steps (runs/s)",
                 lambda b: sweep_seconds(b, f"/tmp/mlpscope_ab_{os.getpid()}", env)))
    for name, measure in rows:
        if args.only and args.only not in name:
            continue
        old, new = [], []
        for _ in range(args.repeats):
            old.append(measure(args.old))
            new.append(measure(args.new))
        o, n = statistics.median(old), statistics.median(new)
        print(f"{name:45} {o:12,.0f} {n:12,.0f} {n / o:8.3f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
