"""Two trainings side by side on a machine with two cores: --threads 2 against --threads 1.

Issue 19's bar for robust threading: two processes that each ask for 2 threads on the 2
cores (a sweep beside a training, a build in the background) must take at most 1.1× the
time of the same two at 1 thread, and never fall apart. For batch 1 and batch 128 (both
share the step with a helper thread, core/spin_worker.h), it measures one process alone at 1
and 2 threads, then two at once at each thread count, and prints samples/s (the run logs'
per-epoch `seconds`, training steps alone) and the ratio of the pair's total throughput at
2 threads to that at 1 (≥ 1/1.1 ≈ 0.91 meets the bar). Interleaved repeats, medians.

    /usr/bin/python3 bench/side_by_side.py [--build build] [--repeats 3]

OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for every run alike; the OpenBLAS kernel
then picked is printed.
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile

import blas_kernel

for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
    os.environ.pop(name, None)

SAMPLES = {1: 60000, 128: 60000}


def command(binary, batch, threads, log):
    return [binary, "train", "--data", "fashion-mnist", "--limit", str(SAMPLES[batch]),
            "--hidden", "256,128", "--batch", str(batch), "--lr", "0.01", "--epochs", "1",
            "--test", "none", "--probe-samples", "0", "--sharpness-every", "never",
            "--threads", str(threads), "--quiet", "--log", log]


def samples_per_second(log, batch):
    with open(log) as f:
        records = [json.loads(line) for line in f]
    epoch = [r for r in records if r.get("epoch") == 1 and "seconds" in r and "step" in r
             and not r.get("within_epoch")][0]
    return SAMPLES[batch] / epoch["seconds"]


def run_together(binary, batch, threads, copies, workdir):
    """`copies` trainings started at once; their samples/s."""
    logs = [os.path.join(workdir, f"run{i}.jsonl") for i in range(copies)]
    procs = [subprocess.Popen(command(binary, batch, threads, log)) for log in logs]
    for p in procs:
        if p.wait() != 0:
            raise SystemExit(f"mlpscope exited with {p.returncode}")
    return [samples_per_second(log, batch) for log in logs]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    binary = os.path.abspath(os.path.join(args.build, "mlpscope"))
    print(f"OpenBLAS kernel: {blas_kernel.openblas_kernel()}; {os.cpu_count()} cores; "
          f"{args.repeats} interleaved repeats, medians; 784-256-128-10, Fashion-MNIST, SGD")
    print("| batch | alone, 1 thr | alone, 2 thr | pair at 1 thr (sum) | pair at 2 thr (sum) "
          "| pair 2 thr / 1 thr |")
    print("| --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as workdir:
        for batch in (1, 128):
            figures = {key: [] for key in ("a1", "a2", "p1", "p2")}
            for _ in range(args.repeats):
                figures["a1"].append(run_together(binary, batch, 1, 1, workdir)[0])
                figures["a2"].append(run_together(binary, batch, 2, 1, workdir)[0])
                figures["p1"].append(sum(run_together(binary, batch, 1, 2, workdir)))
                figures["p2"].append(sum(run_together(binary, batch, 2, 2, workdir)))
            med = {key: statistics.median(values) for key, values in figures.items()}
            spread = {key: f"{min(v):,.0f}–{max(v):,.0f}" for key, v in figures.items()}
            print(f"| {batch} | {med['a1']:,.0f} ({spread['a1']}) | {med['a2']:,.0f} "
                  f"({spread['a2']}) | {med['p1']:,.0f} ({spread['p1']}) | {med['p2']:,.0f} "
                  f"({spread['p2']}) | {med['p2'] / med['p1']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
