"""mlpscope.train against the command line, on numpy data, with callbacks and threads."""
import json
import os
import signal
import threading
import time

import numpy as np
import pytest

import mlpscope as ms
from conftest import cli_args, cli_json, without_time

SPIRAL = dict(data="spiral:n=200", hidden=[16, 16], epochs=6, batch=16, seed=3, lr=0.05)


@pytest.mark.parametrize("extra", [{}, {"dtype": "f64", "loss": "mse", "optimizer": "adam",
                                         "sharpness_every": 2, "every": 5}])
def test_same_options_and_seed_give_the_cli_summary_and_log_bit_for_bit(tmp, extra):
    options = {**SPIRAL, **extra}
    log = tmp / "cli.jsonl"
    expected = cli_json("train", *cli_args(options), "--json", "--quiet", "--log", log)
    records = [json.loads(line) for line in log.read_text().splitlines()][:-1]
    run = ms.train(**options)
    assert without_time(run.summary) == without_time(expected)
    assert without_time(run.history) == without_time(records)
    assert run.verdict == expected["verdict"] and run.cause == expected["cause"]


def blobs(n=300, dtype=np.float32, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    centres = np.array([[0.0, 3.0], [3.0, -2.0], [-3.0, -2.0]])
    X = (centres[y] + rng.normal(0, 0.7, (n, 2))).astype(dtype)
    return X, y


def forward(weights, X):
    """The network by hand from the returned weights: relu hidden layers, softmax argmax."""
    a = X.astype(np.float64)
    for i, (W, b) in enumerate(weights):
        a = a @ W.T.astype(np.float64) + b
        if i + 1 < len(weights):
            a = np.maximum(a, 0)
    return a.argmax(axis=1)


def test_numpy_data_learns_and_weights_are_nn_linear_layout():
    X, y = blobs()
    run = ms.train(X=X, y=y, hidden=[16], optimizer="adam", lr=0.01, epochs=30, test="none")
    assert run.verdict == "converged"
    assert run.summary["train_accuracy"] > 0.95
    assert [W.shape for W, _ in run.weights] == [(16, 2), (3, 16)]
    assert [b.shape for _, b in run.weights] == [(16,), (3,)]
    assert all(W.dtype == np.float32 for W, _ in run.weights)
    # The returned weights are the trained network: numpy computes its accuracy.
    assert np.mean(forward(run.weights, X) == y) == pytest.approx(run.summary["train_accuracy"])


def test_float64_is_kept_and_arrays_train_as_the_cli_trains_the_same_npz(tmp):
    X, y = blobs(dtype=np.float64)
    np.savez(tmp / "blobs.npz", X=X, y=y)
    options = dict(hidden=[8], epochs=4, seed=1, dtype="f64")
    expected = cli_json("train", "--data", f"npz:{tmp / 'blobs.npz'}", *cli_args(options),
                        "--json", "--quiet")
    run = ms.train(X=X, y=y, **options)
    assert run.weights[0][0].dtype == np.float64
    assert run.summary["options"].pop("data") == "X (300, 2) float64"
    expected["options"].pop("data")
    assert without_time(run.summary) == without_time(expected)
    # float32 read in place trains as the same values converted by the .npz reader.
    X32 = X.astype(np.float32)
    np.savez(tmp / "blobs32.npz", X=X32, y=y)
    expected = cli_json("train", "--data", f"npz:{tmp / 'blobs32.npz'}", *cli_args(options),
                        "--json", "--quiet")
    run = ms.train(X=X32, y=np.eye(3)[y], **options)  # one-hot labels too
    assert run.summary["final_loss"] == expected["final_loss"]


def test_on_epoch_sees_every_record_as_it_is_written():
    seen = []
    run = ms.train(**{**SPIRAL, "epochs": 5}, on_epoch=seen.append)
    assert len(seen) == 6  # at initialization, then after each epoch
    assert [r["epoch"] for r in seen] == list(range(6))
    assert seen == run.history


def test_an_exception_in_on_epoch_stops_the_run_and_is_raised(tmp):
    def stop_at_two(record):
        if record["epoch"] == 2:
            raise RuntimeError("enough")

    with pytest.raises(RuntimeError, match="enough"):
        ms.train(**{**SPIRAL, "epochs": 50}, on_epoch=stop_at_two, log=tmp / "run.jsonl")
    summary = json.loads((tmp / "run.jsonl").read_text().splitlines()[-1])
    assert summary["interrupted"] and summary["epochs"] < 50


def test_ctrl_c_raises_keyboard_interrupt_after_a_clean_stop(tmp):
    log = tmp / "run.jsonl"
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            ms.train(data="spiral:n=2000", hidden=[64, 64], batch=1, epochs=10000, log=log)
    finally:
        timer.cancel()
    assert time.monotonic() - started < 5
    summary = json.loads(log.read_text().splitlines()[-1])
    assert summary["interrupted"] is True
    assert summary["verdict"]  # judged on what it had: a whole summary, not a torn file


def test_two_trainings_in_two_threads_run_at_the_same_time():
    """The GIL is released: the spans between each run's first and last record overlap (a
    ratio, not a time limit). Were it held, each run's records would come in one block."""
    times = {"a": [], "b": []}

    def one(name):
        ms.train(data="spiral:n=1000", hidden=[64, 64], batch=8, epochs=40, probe_samples=0,
                 on_epoch=lambda record: times[name].append(time.monotonic()))

    threads = [threading.Thread(target=one, args=(n,)) for n in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    (a0, a1), (b0, b1) = [(t[0], t[-1]) for t in times.values()]
    overlap = min(a1, b1) - max(a0, b0)
    assert overlap / min(a1 - a0, b1 - b0) > 0.5
