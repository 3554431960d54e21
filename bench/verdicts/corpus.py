#!/usr/bin/env python3
"""How often mlpscope's verdicts are right, measured on a labelled corpus of runs.

Every configuration of the corpus (activation × init and scale × lr × loss × depth × data,
plus the story's own cases) is run four ways:

  truth       `train` for 10× the default budget, its per-epoch log read back: the true
              outcome at the default budget, labelled by the rules in `true_outcome` below,
              which read only losses and accuracies and share no code with mlpscope's verdict;
  verdict     `train` at the default budget: the verdict mlpscope gives a user;
  prediction  `diagnose`: the verdict predicted at initialization, before any training;
  suggestion  for every run whose verdict is not `converged`, its first suggestion applied
              and the run repeated: does it now reach the target?

and three confusion matrices are printed (and written as JSON and Markdown with --out):
verdict against truth, prediction against the outcome that can be known before training
(trains / stalls / diverges), and suggestions that made a failed run reach its target.

    python3 bench/verdicts/corpus.py --mlpscope build/mlpscope --out bench/verdicts/results
    python3 bench/verdicts/corpus.py --mlpscope build/mlpscope --slice 12   # a quick slice

Runs go two at a time (--jobs), each on one thread. Results are cached per configuration
in OUT/runs.jsonl, so an interrupted corpus resumes where it stopped.
"""
from __future__ import annotations

import argparse
import concurrent.futures as futures
import hashlib
import itertools
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

STATE_TARGET = True  # pass each data set's target as --target-accuracy
BUDGET = 10  # the default --epochs of train
LONG = 10 * BUDGET  # the truth runs
VERDICTS = ["converged", "slow", "stalled", "oscillating", "diverged"]
OUTCOMES = ["trains", "stalls", "diverges"]  # what can be known before training

# Each data set states its target: converged means the train accuracy reached it.
DATA = {
    "fmnist": {"args": ["--data", "fashion-mnist", "--limit", "2000", "--test", "none"],
               "width": 64, "target": 0.8, "classes": 10},
    "moons": {"args": ["--data", "moons:n=400,noise=0.15", "--test", "none"],
              "width": 32, "target": 0.95, "classes": 2},
    "spiral": {"args": ["--data", "spiral:n=400", "--test", "none"],
               "width": 32, "target": 0.9, "classes": 2},
}

ACTIVATIONS = ["relu", "sigmoid", "tanh"]
INITS = ["uniform:-1,1", "uniform:-0.5,0.5", "normal:0,1", "normal:0,0.1", "he_normal",
         "xavier_normal"]
SCALES = ["1", "0.25", "4"]
LRS = ["0.0001", "0.001", "0.01", "0.1", "1"]
LOSSES = ["mse", "cross_entropy"]
DEPTHS = [1, 2, 3]


@dataclass(frozen=True)
class Case:
    data: str
    activation: str
    init: str
    scale: str
    lr: str
    loss: str
    depth: int
    batch: str = "32"
    story: str = ""  # a named case from the issue or the README

    def args(self, epochs: int, extra: dict | None = None) -> list[str]:
        d = DATA[self.data]
        options = {"--activation": self.activation, "--init": self.init,
                   "--init-scale": self.scale, "--lr": self.lr, "--loss": self.loss,
                   "--hidden": ",".join([str(d["width"])] * self.depth),
                   "--batch": self.batch, "--epochs": str(epochs),
                   "--target-accuracy": str(d["target"])}
        if not STATE_TARGET:
            del options["--target-accuracy"]
        options.update(extra or {})
        flat = list(d["args"])
        for k, v in options.items():
            flat += [k] if v is None else [k, v]
        return flat + ["--seed", "0", "--threads", "1"]

    def key(self) -> str:
        return hashlib.sha1(json.dumps(self.__dict__, sort_keys=True).encode()).hexdigest()[:16]


def story_cases() -> list[Case]:
    """The cases the issue and the README name, always in the corpus."""
    return [
        Case("fmnist", "relu", "he_normal", "1", "1", "cross_entropy", 2, story="he-lr1-ce"),
        Case("fmnist", "relu", "he_normal", "1", "0.1", "cross_entropy", 2,
             story="he-lr0.1-ce"),
        Case("fmnist", "relu", "uniform:-0.5,0.5", "1", "0.1", "cross_entropy", 2,
             story="u0.5-lr0.1-ce"),
        Case("fmnist", "relu", "uniform:-1,1", "1", "0.1", "mse", 3, story="u1-d3-mse"),
        Case("fmnist", "relu", "uniform:-1,1", "1", "0.01", "mse", 2, story="readme-u1-mse"),
        Case("fmnist", "relu", "uniform:-0.5,0.5", "1", "0.01", "mse", 2, story="u0.5-mse"),
        Case("fmnist", "sigmoid", "uniform:-1,1", "1", "0.01", "mse", 2, story="sigmoid-u1"),
        Case("fmnist", "relu", "uniform:-1,1", "1", "0.0001", "mse", 2, story="u1-lr100x"),
    ]


def grid(size: int, seed: int) -> list[Case]:
    full = [Case(*p) for p in itertools.product(DATA, ACTIVATIONS, INITS, SCALES, LRS, LOSSES,
                                                DEPTHS)]
    rng = random.Random(seed)
    rng.shuffle(full)
    return story_cases() + full[:size]


# --- running ------------------------------------------------------------------------------

def run(mlpscope: str, command: str, args: list[str], log: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "run.jsonl")
        cmd = [mlpscope, command, *args, "--json"] + (["--log", path] if log else [])
        if command == "train":
            cmd.append("--quiet")
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)}: exit {p.returncode}: {p.stderr.strip()}")
        out = json.loads(p.stdout)
        if log:
            out["history"] = epoch_history(path)
        return out


def epoch_history(path: str) -> list[dict]:
    """Per epoch (0 = initialization): the loss and accuracy at its end, and `peak`, the
    highest loss of any record within it (--every); a non-finite loss (null in JSON) is inf."""
    epochs: list[dict] = []
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            if "verdict" in r or "epoch" not in r:
                continue
            loss = math.inf if r["loss"] is None else float(r["loss"])
            record = {"loss": loss, "accuracy": r["accuracy"], "peak": loss}
            if epochs and epochs[-1]["epoch"] == r["epoch"]:  # the later record ends it
                record["peak"] = max(loss, epochs[-1]["peak"])
                epochs[-1] = record | {"epoch": r["epoch"]}
            else:
                epochs.append(record | {"epoch": r["epoch"]})
    return epochs


def first_option(suggestions: list[str]) -> list[str] | None:
    """The first suggestion as options (`--lr 0.02 (why)` → ["--lr", "0.02"]; a suggestion
    may set several); None if it is prose or asks for something no option gives (more
    hidden units)."""
    for s in suggestions[:1]:
        words = s.split(" (")[0].split()
        if words and words[0].startswith("--"):
            return words
    return None


def as_options(words: list[str]) -> dict:
    """["--init", "he_normal", "--standardize"] → {"--init": "he_normal", "--standardize": None}."""
    options: dict = {}
    for i, w in enumerate(words):
        if w.startswith("--"):
            value = words[i + 1] if i + 1 < len(words) and not words[i + 1].startswith("--") \
                else None
            options[w] = value
    return options


def evaluate(mlpscope: str, case: Case, known: dict | None = None) -> dict:
    row = {"case": case.__dict__, "key": case.key()}
    start = time.time()
    if known:  # the truth of an earlier corpus (--truth-from): only the judging is redone
        row["truth_history"] = known["truth_history"]
        row["truth_final"] = known["truth_final"]
    else:
        truth_runs(mlpscope, case, row)
    judge_runs(mlpscope, case, row)
    row["seconds"] = time.time() - start
    return row


def truth_runs(mlpscope: str, case: Case, row: dict) -> None:
    # The truth run records the loss every 16 steps to see spikes within an epoch; without
    # probes, which do not change the trajectory (same seeds), only what is recorded.
    truth = run(mlpscope, "train", case.args(LONG, {"--probe-samples": "0", "--every": "16"}),
                log=True)
    # …and the first epoch step by step: a step too large shows as a spike there.
    early = run(mlpscope, "train", case.args(1, {"--probe-samples": "0", "--every": "1"}),
                log=True)
    row["truth_history"] = truth["history"]
    row["truth_history"][1]["peak"] = max(row["truth_history"][1]["peak"],
                                          early["history"][1]["peak"]) \
        if len(row["truth_history"]) > 1 and len(early["history"]) > 1 else math.inf
    row["truth_final"] = {k: truth[k] for k in ("final_loss", "train_accuracy", "epochs")}


def judge_runs(mlpscope: str, case: Case, row: dict) -> None:
    verdict = run(mlpscope, "train", case.args(BUDGET), log=True)
    row["verdict"] = {k: verdict[k] for k in ("verdict", "cause", "suggestions",
                                                "explanation", "final_loss",
                                                "train_accuracy")}
    row["verdict_history"] = verdict["history"]
    # diagnose predicts from the network alone: the target is not one of its options.
    args = case.args(BUDGET)
    if "--target-accuracy" in args:
        i = args.index("--target-accuracy")
        del args[i:i + 2]
    diagnosis = run(mlpscope, "diagnose", args, log=False)
    row["prediction"] = {"verdict": diagnosis["predicted_verdict"],
                         "cause": diagnosis["cause"],
                         "regime": (diagnosis.get("regime") or {}).get("name"),
                         "sharpness": diagnosis["sharpness"],
                         "max_stable_lr": diagnosis["max_stable_lr"]}
    suggestion = first_option(verdict["suggestions"])
    if verdict["verdict"] != "converged":
        row["suggestion"] = {"option": suggestion}
        if suggestion:
            # One run ten times past the budget the suggestion gives (its --epochs, or the
            # default) answers both: reached by that budget, and within the truth's horizon.
            extra = as_options(suggestion)
            epochs = int(extra.pop("--epochs", BUDGET))
            rerun = run(mlpscope, "train", case.args(10 * epochs, {**extra,
                                                                  "--probe-samples": "0"}),
                        log=True)
            row["suggestion"]["budget"] = epochs
            row["suggestion"]["history"] = rerun["history"]


# --- the true outcome, from losses and accuracies alone --------------------------------------

def reached(history: list[dict], upto: int, target: float) -> bool:
    """The target was reached by epoch `upto` and held: the accuracy at `upto` is within
    two points of it (a run that reached it and wiggles around it has converged)."""
    h = history[: upto + 1]
    if len(h) < upto + 1:
        return False
    finite = all(math.isfinite(r["loss"]) for r in h)
    return finite and max(r["accuracy"] for r in h) >= target and \
        h[-1]["accuracy"] >= target - 0.02


def true_outcome(history: list[dict], target: float, classes: int) -> str:
    """The outcome at the default budget, knowing the run 10× past it."""
    if reached(history, BUDGET, target):
        return "converged"
    losses = [r["loss"] for r in history]
    l0, chance = losses[0], 1 / classes
    if not all(math.isfinite(r["peak"]) for r in history) or losses[-1] > 1.05 * l0 or \
            len(history) < LONG + 1:
        return "diverged"  # non-finite, stopped early, or ended worse than it started
    # Collapsed: it ends no better than chance after the loss rose above where it started
    # (a step too large for the network destroyed what it had).
    if history[-1]["accuracy"] < chance + 0.1 * (1 - chance) and \
            max(r["peak"] for r in history[1:]) > 1.5 * l0:
        return "diverged"
    if any(reached(history, e, target) for e in range(BUDGET + 1, LONG + 1)):
        return "slow"
    tail = losses[LONG // 2:]
    flips = sum((b - a) * (c - b) < 0 for a, b, c in zip(tail, tail[1:], tail[2:]))
    spread = (max(tail) - min(tail)) / max(min(tail), 1e-12)
    if flips >= 0.6 * (len(tail) - 2) and spread > 0.05:
        return "oscillating"
    return "stalled"


def knowable(outcome: str) -> str:
    return {"converged": "trains", "slow": "trains", "stalled": "stalls",
            "oscillating": "stalls", "diverged": "diverges"}[outcome]


def predicted(verdict: str) -> str:
    return {"converged": "trains", "slow": "trains", "stalled": "stalls",
            "oscillating": "stalls", "diverged": "diverges"}[verdict]


# --- the tables -----------------------------------------------------------------------------

def matrix(pairs: list[tuple[str, str]], labels: list[str]) -> dict:
    m = {t: {p: 0 for p in labels} for t in labels}
    for t, p in pairs:
        m[t][p] += 1
    agree = sum(m[l][l] for l in labels)
    return {"labels": labels, "counts": m, "agree": agree, "total": len(pairs)}


def markdown(m: dict, rows: str, cols: str) -> str:
    labels = m["labels"]
    out = [f"| {rows} ↓ / {cols} → | " + " | ".join(labels) + " | total |",
           "|---|" + "---|" * (len(labels) + 1)]
    for t in labels:
        n = sum(m["counts"][t].values())
        cells = [f"**{m['counts'][t][p]}**" if p == t else str(m["counts"][t][p])
                 for p in labels]
        out.append(f"| {t} | " + " | ".join(cells) + f" | {n} |")
    share = m["agree"] / m["total"] if m["total"] else float("nan")
    out.append(f"\nAgree: {m['agree']} of {m['total']} ({100 * share:.1f}%).")
    return "\n".join(out)


def tables(rows: list[dict]) -> dict:
    verdicts, predictions, suggestions = [], [], []
    for r in rows:
        target = DATA[r["case"]["data"]]["target"]
        truth = true_outcome(r["truth_history"], target, DATA[r["case"]["data"]]["classes"])
        r["truth"] = truth
        verdicts.append((truth, r["verdict"]["verdict"]))
        predictions.append((knowable(truth), predicted(r["prediction"]["verdict"])))
        s = r.get("suggestion")
        if s is not None:
            history = s.get("history") or []
            budget = s.get("budget", BUDGET)
            s["reached"] = bool(history) and reached(history, budget, target)
            s["reached_10x"] = bool(history) and any(
                reached(history, e, target) for e in range(budget, 10 * budget + 1))
            suggestions.append((s["reached"], s["reached_10x"]))
    merged = [(t if t != "oscillating" else "stalled", v if v != "oscillating" else "stalled")
              for t, v in verdicts]
    return {"verdict": matrix(verdicts, VERDICTS),
            "verdict_without_oscillating": matrix(merged, [v for v in VERDICTS
                                                          if v != "oscillating"]),
            "prediction": matrix(predictions, OUTCOMES),
            "suggestion": {"fixed": sum(a for a, _ in suggestions),
                           "fixed_10x": sum(b for _, b in suggestions),
                           "total": len(suggestions)}}


def report(rows: list[dict], t: dict) -> str:
    lines = ["## Verdict at the default budget against the true outcome", "",
             markdown(t["verdict"], "true outcome", "verdict"), "",
             "## `diagnose` before training against what the run did", "",
             markdown(t["prediction"], "outcome", "prediction"), "",
             "## First suggestion of each failed run, applied and rerun", ""]
    s = t["suggestion"]
    n = s["total"] or float("nan")
    m = t["verdict_without_oscillating"]
    lines[3:3] = ["", f"With `oscillating` counted as `stalled` (both: short of the target for "
                  f"good): {m['agree']} of {m['total']} ({100 * m['agree'] / m['total']:.1f}%)."]
    lines.append(f"Reached the target within the budget the suggestion gives: {s['fixed']} of "
                 f"{s['total']} ({100 * s['fixed'] / n:.1f}%); within ten times that budget (the "
                 f"horizon of the true outcome): {s['fixed_10x']} of {s['total']} "
                 f"({100 * s['fixed_10x'] / n:.1f}%).")
    lines += ["", "## Disagreements", "",
              "| case | truth | verdict | cause | train accuracy |", "|---|---|---|---|---|"]
    for r in rows:
        if r["truth"] != r["verdict"]["verdict"]:
            c = r["case"]
            name = c["story"] or (f"{c['data']} {c['activation']} {c['init']}×{c['scale']} "
                                  f"lr {c['lr']} {c['loss']} d{c['depth']}")
            lines.append(f"| {name} | {r['truth']} | {r['verdict']['verdict']} | "
                         f"{r['verdict']['cause']} | {r['verdict']['train_accuracy']:.3f} |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mlpscope", default="build/mlpscope")
    ap.add_argument("--size", type=int, default=520, help="grid cases beside the story's")
    ap.add_argument("--slice", type=int, default=0, help="only the first N cases")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", default="", help="folder for runs.jsonl, tables.json, tables.md")
    ap.add_argument("--truth-from", default="",
                    help="runs.jsonl of an earlier corpus: reuse its truth runs, judge anew")
    ap.add_argument("--no-target", action="store_true",
                    help="leave the target unstated (the verdict's default good fit)")
    a = ap.parse_args()
    global STATE_TARGET
    STATE_TARGET = not a.no_target
    cases = grid(a.size, a.seed)
    if a.slice:
        cases = cases[: a.slice]
    done: dict[str, dict] = {}
    cache = os.path.join(a.out, "runs.jsonl") if a.out else ""
    if cache and os.path.exists(cache):
        with open(cache) as f:
            for line in f:
                r = json.loads(line)
                done[r["key"]] = r
    known: dict[str, dict] = {}
    if a.truth_from:
        with open(a.truth_from) as f:
            for line in f:
                r = json.loads(line)
                known[r["key"]] = r
    todo = [c for c in cases if c.key() not in done]
    if a.out:
        os.makedirs(a.out, exist_ok=True)
    started = time.time()
    with futures.ThreadPoolExecutor(a.jobs) as pool:
        jobs = {pool.submit(evaluate, a.mlpscope, c, known.get(c.key())): c for c in todo}
        for i, job in enumerate(futures.as_completed(jobs), 1):
            row = job.result()
            done[row["key"]] = row
            if cache:
                with open(cache, "a") as f:
                    f.write(json.dumps(row) + "\n")
            print(f"[{i}/{len(todo)}] {time.time() - started:.0f}s {row['case']} "
                  f"{row['verdict']['verdict']}", file=sys.stderr, flush=True)
    rows = [done[c.key()] for c in cases]
    t = tables(rows)
    # "-dirty" when the tree had uncommitted changes: the build measured is then not HEAD's.
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True,
                            text=True).stdout.strip()
    named = min(len(rows), len(story_cases()))
    drawn = len(rows) - named
    command = " ".join(sys.argv)
    text = (f"Corpus of {len(rows)} runs ({named} named cases, {drawn} drawn "
            f"from the grid with --seed {a.seed}), {time.strftime('%Y-%m-%d')}, mlpscope "
            f"at {commit or 'unknown'}: `python3 {command}`\n\n") + report(rows, t)
    print(text)
    if a.out:
        with open(os.path.join(a.out, "tables.json"), "w") as f:
            json.dump({"tables": t, "cases": len(rows),
                       "truth": {r["key"]: r["truth"] for r in rows}}, f, indent=1)
        with open(os.path.join(a.out, "tables.md"), "w") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
