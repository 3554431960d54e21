#!/usr/bin/env python3
"""Reruns the story of docs/why-relu-does-not-converge.md with the released commands and
prints its outcome table as Markdown.

    python3 docs/experiments/story.py [--mlpscope build/mlpscope] [--jobs 2] > table.md

Every run is `mlpscope train --json` on the first 10000 Fashion-MNIST training images,
784-256-128-10, softmax output, plain SGD with batch 1 (online, as the story's code did),
5 epochs, seed 0; the table lists verdict, cause and the loss and test accuracy it reached.
"""
import argparse
import concurrent.futures
import json
import subprocess
import sys

ACTIVATIONS = ["relu", "sigmoid"]
INITS = ["uniform:0,1", "uniform:-1,1", "uniform:-0.5,0.5", "normal:0,1", "normal:0,0.1", "he_normal"]
RATES = ["0.01", "0.001", "0.0001"]
LOSSES = ["mse", "cross_entropy"]
COMMON = ["--data", "fashion-mnist", "--limit", "10000", "--hidden", "256,128", "--output", "softmax",
          "--optimizer", "sgd", "--batch", "1", "--epochs", "5", "--seed", "0", "--json", "--quiet"]


def run(binary, activation, init, lr, loss):
    command = [binary, "train", *COMMON, "--activation", activation, "--init", init, "--lr", lr, "--loss", loss]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return (activation, init, lr, loss), json.loads(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mlpscope", default="build/mlpscope")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    grid = [(a, i, r, l) for l in LOSSES for a in ACTIVATIONS for i in INITS for r in RATES]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = dict(pool.map(lambda g: run(args.mlpscope, *g), grid))
    print("| loss | activation | init | lr | verdict | cause | loss: initial → final | test accuracy |")
    print("|---|---|---|---|---|---|---|---|")
    for key in grid:
        s = results[key]
        activation, init, lr, loss = key
        test = s["test_accuracy"]
        print(f"| {loss} | {activation} | {init} | {lr} | {s['verdict']} | {s['cause'] or ''} | "
              f"{s['initial_loss']:.4g} → {s['final_loss']:.4g} | {'' if test is None else f'{100 * test:.1f}%'} |")
    json.dump({"|".join(k): v for k, v in results.items()}, open("story-results.json", "w"), indent=1)
    print("\n(full summaries in story-results.json)", file=sys.stderr)


if __name__ == "__main__":
    main()
