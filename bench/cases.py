"""The five cases of issue 6, each measured on both sides and turned into ratios.

Sizes are chosen so that each run takes a few seconds on this 2-core machine and the whole
harness stays under about ten minutes; `quick` divides them for a smoke test.
"""
import os
import traceback

import processes
from stats import Figure, best

# 784-256-128-10: weights only; 6·weights flops per sample and step (2 forward, 4 backward:
# dX and dW each cost as much as the forward product).
SMALL_HIDDEN = [256, 128]
SMALL_WEIGHTS = 784 * 256 + 256 * 128 + 128 * 10
SMALL_PARAMS = SMALL_WEIGHTS + 256 + 128 + 10
LARGE_HIDDEN = [1024, 1024]
LARGE_WEIGHTS = 784 * 1024 + 1024 * 1024 + 1024 * 10
SPIRAL_WEIGHTS = 2 * 32 + 32 * 32 + 32 * 2
SPIRAL_POINTS, SPIRAL_STEPS, SPIRAL_RUNS = 400, 200, 64

BATCHES = [1, 16, 128, 512]
# Samples per timed epoch, per batch size. Batch 1 runs a prefix of the train set (--limit).
MLPSCOPE_SAMPLES = {1: 20000, 16: 60000, 128: 60000, 512: 60000}
TORCH_SAMPLES = {1: 8000, 16: 30000, 128: 60000, 512: 60000}
NUMPY_SAMPLES = {1: 3000, 128: 20000}
LARGE_SAMPLES = 20480
FMNIST_TRAIN_BYTES = 60000 * 784 + 60000  # uint8 images + labels, as stored
FMNIST_TEST_BYTES = 10000 * 784 + 10000


def hidden_text(hidden):
    return ",".join(map(str, hidden))


class Bench:
    def __init__(self, binary, sgemm, workdir, repeats, quick):
        self.binary, self.sgemm, self.workdir = binary, sgemm, workdir
        self.repeats, self.quick = repeats, quick
        cores = os.cpu_count() or 1
        self.cores = cores
        self.threads = sorted({1, min(2, cores), cores})
        self.figures = []   # (measurement, side, threads, Figure)
        self.ratios = []    # rows of the ratio table
        self.commands = []  # representative command lines
        self.notes = []
        self.errors = []
        self.peak = {}      # threads -> SGEMM Figure (GFLOP/s)
        self.corename = "?"
        self.peer_blas = {}  # side -> the BLAS and kernel its process loaded (blas_kernel.py)

    def size(self, n):
        return max(1, n // 20) if self.quick else n

    def figure(self, measurement, side, threads, values, unit):
        fig = Figure(values, unit)
        self.figures.append((measurement, side, threads, fig))
        return fig

    def ratio(self, case, ours, peer_name, peer, bar=None, note=""):
        """One row: ours and peer are (threads, Figure); bar is the least ratio, or None."""
        r = ours[1].ratio_to(peer[1])
        met = None if bar is None else r.value >= bar
        self.ratios.append({"case": case, "ours": ours, "peer_name": peer_name, "peer": peer,
                            "ratio": r, "bar": bar, "met": met, "note": note})

    def run(self, wanted):
        steps = [(0, self.sgemm_peak), (0, lambda: self.torch_training(wanted)),
                 (1, self.case_small_net), (2, self.case_mse), (3, self.case_large_net),
                 (4, self.case_sweep), (5, self.case_memory)]
        failures = 0
        self.torch = {}
        for number, step in steps:
            if number and number not in wanted:
                continue
            try:
                step()
            except Exception as e:  # one broken case must not hide the others' figures
                failures += 1
                self.errors.append(f"case {number}: {e}")
                traceback.print_exc()
        return failures

    # --- the roofline ------------------------------------------------------------------

    def sgemm_peak(self):
        sizes = "512,1024" if self.quick else "512,1024,2048,3072"
        threads = ",".join(map(str, self.threads))
        cmd = [self.sgemm, "--size", sizes, "--repeats", max(5, self.repeats), "--threads", threads]
        self.commands.append(cmd)
        for line in processes.json_lines(processes.run(cmd)):
            self.corename = line["corename"]
            size = line["size"]
            self.peak[line["threads"]] = self.figure(f"cblas_sgemm {size}³ (OpenBLAS, best of {sizes})", "peak",
                                                     line["threads"], line["gflops"], "GFLOP/s")

    def peak_gflops(self, threads):
        return self.peak[threads].max if threads in self.peak else None

    # --- case 1 and 2: 784-256-128-10 on Fashion-MNIST -----------------------------------

    def mlpscope_train(self, label, hidden, batch, samples, loss, threads):
        options = ["--hidden", hidden_text(hidden), "--batch", batch, "--limit", samples,
                   "--loss", loss, "--optimizer", "sgd", "--lr", 0.01]
        rates = [processes.train_samples_per_second(self.binary, self.workdir, options, samples,
                                                    threads) for _ in range(self.repeats)]
        if threads == 1:
            self.commands.append([self.binary, "train", *options, "--threads", threads,
                                  "--epochs", 1, "--test", "none", "--probe-samples", 0,
                                  "--sharpness-every", "never", "--log", "F"])
        return self.figure(label, "mlpscope", threads, rates, "samples/s")

    def torch_jobs(self, jobs):
        """Runs every job at each thread count: {(hidden, loss, batch): {threads: Figure}}."""
        out = {}
        for threads in self.threads:
            for line in processes.torch_train(jobs, threads):
                key = (tuple(line["hidden"]), line["loss"], line["batch"])
                self.peer_blas["PyTorch"] = line.get("blas", "?")
                sizes = "-".join(map(str, [784, *line["hidden"], 10]))
                label = f"{sizes} {line['loss']}, batch {line['batch']}"
                out.setdefault(key, {})[threads] = self.figure(label, "PyTorch", threads,
                                                               line["samples_per_s"], "samples/s")
        return out

    def torch_training(self, wanted):
        """PyTorch's side of cases 1 to 3, in one process per thread count (importing torch
        takes seconds): self.torch[(hidden, loss, batch)][threads] = Figure."""
        def job(hidden, loss, batch, samples):
            return {"hidden": hidden, "loss": loss, "batch": batch, "samples": self.size(samples),
                    "repeats": self.repeats}
        jobs = []
        if 1 in wanted:
            jobs += [job(SMALL_HIDDEN, "cross_entropy", b, TORCH_SAMPLES[b]) for b in BATCHES]
        if 2 in wanted:
            jobs += [job(SMALL_HIDDEN, "mse", b, TORCH_SAMPLES[b]) for b in (1, 128)]
        if 3 in wanted:
            jobs.append(job(LARGE_HIDDEN, "cross_entropy", 512, LARGE_SAMPLES))
        if not jobs:
            return
        self.torch = self.torch_jobs(jobs)
        self.commands.append([processes.PYTHON, "bench/peer_torch.py", "train", "--threads", "T",
                              "--jobs", "'[{\"hidden\": [256, 128], \"loss\": \"cross_entropy\", "
                              "\"batch\": 128, \"samples\": 60000, \"repeats\": 3}, …]'"])

    def case_small_net(self):
        numpy = {}
        for b in (1, 128):
            numpy[b] = {}
            for threads in self.threads:
                line = processes.numpy_train(b, self.size(NUMPY_SAMPLES[b]), "cross_entropy",
                                             self.repeats, threads)
                self.peer_blas["numpy"] = line.get("blas", "?")
                numpy[b][threads] = self.figure(f"784-256-128-10 cross_entropy, batch {b}",
                                                "numpy f64", threads, line["samples_per_s"],
                                                "samples/s")
        self.commands.append([processes.PYTHON, "bench/peer_numpy.py", "--batch", 1, "--samples",
                              NUMPY_SAMPLES[1], "--loss", "cross_entropy", "--repeats",
                              self.repeats])
        for b in BATCHES:
            label = f"784-256-128-10 cross_entropy, batch {b}"
            ours = {t: self.mlpscope_train(label, SMALL_HIDDEN, b, self.size(MLPSCOPE_SAMPLES[b]),
                                           "cross_entropy", t) for t in self.threads}
            theirs = self.torch[(tuple(SMALL_HIDDEN), "cross_entropy", b)]
            bar = {1: 10.0, 128: 1.5}.get(b)
            self.ratio(f"CE batch {b}, samples/s", best(ours), "PyTorch", best(theirs), bar)
            if b in numpy:
                self.ratio(f"CE batch {b}, samples/s", best(ours), "numpy f64", best(numpy[b]),
                           30.0 if b == 1 else None)

    def case_mse(self):
        for b in (1, 128):
            label = f"784-256-128-10 mse, batch {b}"
            ours = {t: self.mlpscope_train(label, SMALL_HIDDEN, b, self.size(MLPSCOPE_SAMPLES[b]),
                                           "mse", t) for t in self.threads}
            theirs = self.torch[(tuple(SMALL_HIDDEN), "mse", b)]
            self.ratio(f"MSE batch {b}, samples/s", best(ours), "PyTorch", best(theirs), None,
                       note="the story's setup; DESIGN.md sets bars on CE only")

    # --- case 3: 784-1024-1024-10 at batch 512 against the roofline ----------------------

    def case_large_net(self):
        flops_per_sample = 6.0 * LARGE_WEIGHTS * 1e-9
        label = "784-1024-1024-10 cross_entropy, batch 512"
        for threads in self.threads:
            rate = self.mlpscope_train(label, LARGE_HIDDEN, 512, self.size(LARGE_SAMPLES),
                                       "cross_entropy", threads)
            ours = self.figure(label + ", achieved", "mlpscope", threads,
                               rate.scaled(flops_per_sample).values, "GFLOP/s")
            peak = self.peak.get(threads)
            if peak is None:
                continue
            peak_best = Figure([peak.max], "GFLOP/s")
            self.ratio(f"784-1024-1024-10 batch 512, GFLOP/s, {threads} thread(s)",
                       (threads, ours), "SGEMM peak", (threads, peak_best), 0.75,
                       note="peak: best cblas_sgemm repeat at the same thread count")
            theirs = self.torch.get((tuple(LARGE_HIDDEN), "cross_entropy", 512), {}).get(threads)
            if theirs is not None:
                gflops = theirs.scaled(flops_per_sample, "GFLOP/s")
                self.figure(label + ", achieved", "PyTorch", threads, gflops.values, "GFLOP/s")
                self.ratio(f"784-1024-1024-10 batch 512, GFLOP/s, {threads} thread(s)",
                           (threads, ours), "PyTorch", (threads, gflops), None)

    # --- case 4: the sweep regime --------------------------------------------------------

    def case_sweep(self):
        runs = self.size(SPIRAL_RUNS) if self.quick else SPIRAL_RUNS
        steps = 20 if self.quick else SPIRAL_STEPS
        options = ["--data", f"spiral:n={SPIRAL_POINTS}", "--hidden", "32,32", "--batch", "full",
                   "--epochs", steps, "--optimizer", "sgd", "--lr", 0.01, "--loss",
                   "cross_entropy", "--test", "none"]
        variants = [("defaults (probes, λmax at init)", [])]
        if processes.sweep_has_lean_options(self.binary):
            variants.append(("--probe-samples 0 --sharpness-every never",
                             ["--probe-samples", 0, "--sharpness-every", "never"]))
        else:
            self.notes.append("`mlpscope sweep` has no --probe-samples/--sharpness-every yet: "
                              "only its defaults were measured")
        torch_rates = processes.torch_sweep_runs_per_second(runs, self.cores, steps, self.repeats)
        theirs = self.figure(f"two spirals, {runs} runs × {steps} steps", "PyTorch",
                             f"{self.cores} × 1 thr", torch_rates, "runs/s")
        self.commands.append([processes.PYTHON, "bench/peer_torch.py", "sweep-worker", "--seeds",
                              "FIRST:COUNT", "--steps", steps, "  # one per core"])
        flops_per_run = 6.0 * SPIRAL_WEIGHTS * SPIRAL_POINTS * steps * 1e-9
        for name, extra in variants:
            rates = [processes.sweep_runs_per_second(self.binary, self.workdir, options + extra,
                                                     runs, self.cores)
                     for _ in range(self.repeats)]
            self.commands.append([self.binary, "sweep", *options, *extra, "--seeds", runs,
                                  "--jobs", self.cores, "--out", "DIR"])
            ours = self.figure(f"two spirals sweep, {name}", "mlpscope", f"{self.cores} jobs",
                               rates, "runs/s")
            gflops = self.figure(f"two spirals sweep, {name}, achieved", "mlpscope",
                                 f"{self.cores} jobs", ours.scaled(flops_per_run).values,
                                 "GFLOP/s")
            peak = self.peak_gflops(self.cores)
            note = "" if peak is None else (f"{gflops.median:.2f} GFLOP/s = "
                                            f"{100 * gflops.median / peak:.1f}% of the "
                                            f"{self.cores}-thread SGEMM peak")
            self.ratio(f"sweep, {name}, runs/s", (f"{self.cores} jobs", ours), "PyTorch",
                       (f"{self.cores} × 1 thr", theirs), 5.0, note)

    # --- case 5: memory ------------------------------------------------------------------

    def case_memory(self):
        model_bytes = 2 * 4 * SMALL_PARAMS  # float32 parameters + gradients (SGD keeps no more)
        base = [self.binary, "train", "--hidden", hidden_text(SMALL_HIDDEN), "--batch", 128,
                "--epochs", 1, "--optimizer", "sgd", "--quiet"]
        limit = ["--limit", self.size(60000)] if self.quick else []
        tiny = [self.binary, "train", "--data", "xor:n=8", "--hidden", hidden_text(SMALL_HIDDEN),
                "--batch", 128, "--epochs", 1, "--test", "none", "--quiet"]
        mib = 1.0 / 2**20
        overhead = self.figure("fixed overhead: train on xor:n=8", "mlpscope", 1,
                               [processes.peak_rss_bytes(tiny) * mib
                                for _ in range(self.repeats)], "MiB")
        self.commands.append(tiny)
        for name, extra, data_bytes in (("train set only (--test none)", ["--test", "none"],
                                         FMNIST_TRAIN_BYTES),
                                        ("with the t10k test split (default)", [],
                                         FMNIST_TRAIN_BYTES + FMNIST_TEST_BYTES),
                                        # The watch's working set (1000 probe samples and
                                        # λmax's float64 copies of the parameters) apart.
                                        ("train set only, probes and λmax off",
                                         ["--test", "none", "--probe-samples", 0,
                                          "--sharpness-every", "never"], FMNIST_TRAIN_BYTES)):
            cmd = base + limit + extra
            self.commands.append(cmd)
            peak = self.figure(f"peak RSS, Fashion-MNIST batch 128, {name}", "mlpscope", 1,
                               [processes.peak_rss_bytes(cmd) * mib
                                for _ in range(self.repeats)], "MiB")
            stored = (data_bytes + model_bytes) * mib
            budget = Figure([1.5 * stored + overhead.median], "MiB")
            # The bar reads "peak ≤ budget": as a ratio, budget / peak ≥ 1.
            self.ratio(f"peak memory, {name}, MiB", (1, peak), "1.5 × stored + overhead",
                       (1, budget), None,
                       note=f"stored {stored:.1f} MiB (uint8 data + f32 params + grads), "
                            f"overhead {overhead.median:.1f} MiB")
            row = self.ratios[-1]
            row["met"] = peak.median <= budget.median
            row["bar"] = "≤ 1×"
