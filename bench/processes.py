"""Running the benchmarked programs: mlpscope's commands and the peers' processes.

Every child gets the thread count asked for in OPENBLAS_NUM_THREADS and OMP_NUM_THREADS,
so that a peer "at T threads" runs at T threads in every library it calls. The driver sets
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE aside for itself and so for every child
(set_aside_openblas_overrides): the machine may set them for old OpenBLAS builds, they slow
a current one, and the env notes say to unset both together in benchmark commands alone,
never in tests (check_peers.py, which a test runs, leaves them as they are).
"""
import json
import os
import sqlite3
import subprocess
import tempfile
import time

SET_ASIDE = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
PYTHON = "/usr/bin/python3"  # Debian's, with python3-torch and python3-numpy
BENCH_DIR = os.path.dirname(os.path.abspath(__file__))


class BenchError(RuntimeError):
    """A benchmarked command failed: the figure it was for cannot be given."""


def set_aside_openblas_overrides():
    """Removes OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE from this process's environment, and
    so from every child's; returns what they were. For benchmark commands only."""
    return {k: os.environ.pop(k) for k in SET_ASIDE if k in os.environ}


def environment(threads=None):
    env = dict(os.environ)
    if threads is not None:
        env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = str(threads)
    env["PYTHONPATH"] = BENCH_DIR
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run(cmd, threads=None, timeout=600):
    """Runs cmd to completion; returns stdout. Raises BenchError with its stderr on failure."""
    try:
        done = subprocess.run([str(c) for c in cmd], env=environment(threads), timeout=timeout,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except subprocess.TimeoutExpired:
        raise BenchError(f"timed out after {timeout} s: {' '.join(map(str, cmd))}") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise BenchError(f"exit {done.returncode}: {' '.join(map(str, cmd))}: {last}")
    return done.stdout


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


# --- mlpscope ----------------------------------------------------------------------------

def train_samples_per_second(binary, workdir, options, samples, threads):
    """Samples per second of one epoch of `mlpscope train`, from the run log's per-epoch
    `seconds` (the training steps alone: no evaluation, probes or loading)."""
    log = os.path.join(workdir, "train.jsonl")
    run([binary, "train", *options, "--threads", threads, "--epochs", 1, "--test", "none",
         "--probe-samples", 0, "--sharpness-every", "never", "--quiet", "--log", log])
    with open(log) as f:
        records = [json.loads(line) for line in f]
    epochs = [r for r in records if r.get("epoch") == 1 and "seconds" in r and "step" in r
              and not r.get("within_epoch")]
    if not epochs or not epochs[0]["seconds"] > 0:
        raise BenchError(f"{log}: no epoch-1 record with positive `seconds`")
    return samples / epochs[0]["seconds"]


def sweep_has_lean_options(binary):
    """Whether `mlpscope sweep` takes --probe-samples and --sharpness-every."""
    text = run([binary, "sweep", "--help"])
    return "--probe-samples" in text and "--sharpness-every" in text


def sweep_runs_per_second(binary, workdir, options, runs, jobs):
    """Runs per second of a whole `mlpscope sweep` command, wall clock from launch to exit,
    in a fresh --out directory (an old one would be resumed). Checks that the database holds
    every run, so a sweep that silently skipped work cannot look fast."""
    out = tempfile.mkdtemp(prefix="sweep-", dir=workdir)
    start = time.monotonic()
    run([binary, "sweep", *options, "--seeds", runs, "--jobs", jobs, "--out", out])
    seconds = time.monotonic() - start
    with sqlite3.connect(os.path.join(out, "results.sqlite")) as db:
        stored = db.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    if stored != runs:
        raise BenchError(f"{out}: the sweep stored {stored} runs, expected {runs}")
    return runs / seconds


def peak_rss_bytes(cmd):
    """Maximum resident set size of the child that runs cmd, from its own rusage (wait4),
    so that no other child of this process is counted."""
    with tempfile.TemporaryFile() as err:
        pid = os.posix_spawn(str(cmd[0]), [str(c) for c in cmd], environment(1),
                             file_actions=[(os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
                                           (os.POSIX_SPAWN_DUP2, err.fileno(), 2)])
        _, status, usage = os.wait4(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            message = err.read().decode(errors="replace").strip().splitlines() or ["(none)"]
            raise BenchError(f"{' '.join(map(str, cmd))} failed: {message[-1]}")
    return usage.ru_maxrss * 1024  # Linux reports KiB


# --- peers -------------------------------------------------------------------------------

def torch_train(jobs, threads):
    """PyTorch's samples per second for each job, in one process at `threads` threads."""
    out = run([PYTHON, os.path.join(BENCH_DIR, "peer_torch.py"), "train", "--threads", threads,
               "--jobs", json.dumps(jobs)], threads=threads, timeout=1200)
    return json_lines(out)


def numpy_train(batch, samples, loss, repeats, threads):
    out = run([PYTHON, os.path.join(BENCH_DIR, "peer_numpy.py"), "--batch", batch, "--samples",
               samples, "--loss", loss, "--repeats", repeats], threads=threads)
    return json_lines(out)[0]


def torch_sweep_runs_per_second(runs, workers, steps, repeats):
    """Runs per second of `runs` PyTorch runs shared by `workers` single-threaded processes
    started together: from the first worker's start to the last one's end, per repeat."""
    shares = [runs // workers + (1 if w < runs % workers else 0) for w in range(workers)]
    firsts = [sum(shares[:w]) for w in range(workers)]
    procs = [subprocess.Popen([PYTHON, os.path.join(BENCH_DIR, "peer_torch.py"), "sweep-worker",
                               "--seeds", f"{first}:{count}", "--steps", str(steps)],
                              env=environment(1), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
             for first, count in zip(firsts, shares)]
    try:
        for p in procs:
            if p.stdout.readline().strip() != "ready":
                raise BenchError("a PyTorch sweep worker did not start")
        rates = []
        for _ in range(repeats):
            for p in procs:
                p.stdin.write("go\n")
                p.stdin.flush()
            reports = [json.loads(p.stdout.readline()) for p in procs]
            if sum(r["runs"] for r in reports) != runs:
                raise BenchError("the PyTorch sweep workers did not run every run")
            rates.append(runs / (max(r["end"] for r in reports) - min(r["start"] for r in reports)))
        return rates
    finally:
        for p in procs:
            p.stdin.close()
        for p in procs:
            if p.wait(timeout=60) != 0:
                raise BenchError(f"a PyTorch sweep worker exited with {p.returncode}")
