"""diagnose, lr_find, toy and sweep against the command line; help() from the option tables."""
import re

import numpy as np
import pytest

import mlpscope as ms
from conftest import cli, cli_json, without_time


def test_diagnose_is_the_cli_diagnosis():
    args = dict(data="spiral:n=200", hidden=[16, 16], init="uniform:-1,1", loss="mse", seed=2)
    expected = cli_json("diagnose", "--data", "spiral:n=200", "--hidden", "16,16", "--init",
                        "uniform:-1,1", "--loss", "mse", "--seed", "2", "--homogeneity", "--json")
    d = ms.diagnose(homogeneity=True, **args)
    assert d.json == expected
    assert d.verdict == expected["predicted_verdict"]
    assert d.max_stable_lr == expected["max_stable_lr"]


def test_toy_is_the_cli_toy():
    expected = cli_json("toy", "--f", "x^4", "--lr", "0.1", "--x0", "2", "--scan", "--json")
    assert ms.toy(f="x^4", lr=0.1, x0=2, scan=True) == expected
    assert ms.toy(f="x^2", lr=0.1, x0=1.0)["verdict"] == "converged"


def test_sweep_returns_the_runs_and_resumes(tmp):
    options = dict(data="spiral:n=100", hidden=[8], epochs=3, jobs=2, out=tmp / "sw",
                   vary={"lr": [0.1, 0.01], "init": ["uniform:-1,1", "he_normal"]})
    first = ms.sweep(**options)
    assert len(first) == 4 and first.done == 4 and first.skipped == 0 and first.failed == 0
    assert {(r["options"]["lr"], r["options"]["init"]) for r in first} == {
        (lr, init) for lr in (0.1, 0.01) for init in ("uniform:-1,1", "he_normal")}
    assert all(r["verdict"] and r["summary"]["epochs"] == 3 for r in first)
    again = ms.sweep(**options)  # everything is stored: nothing runs again
    assert again.done == 0 and again.skipped == 4
    assert without_time(list(again)) == without_time(list(first))
    read = ms.read_sweep(tmp / "sw")
    assert list(read) == list(again) and read.map == again.map and "lr" in read.map


def test_sweep_rows_are_the_cli_sweeps(tmp):
    vary = ["--vary", "lr=0.1,0.01"]
    cli("sweep", "--data", "xor:n=50", "--hidden", "4", "--epochs", "2", *vary, "--out",
        tmp / "cli")
    ours = ms.sweep(data="xor:n=50", hidden=[4], epochs=2, vary={"lr": [0.1, 0.01]},
                    out=tmp / "py")
    theirs = ms.read_sweep(tmp / "cli")
    assert without_time([r["summary"] for r in ours]) == without_time(
        [r["summary"] for r in theirs])
    assert ours.map == theirs.map


def test_help_lists_every_cli_option_with_its_default():
    cli_help = cli("train", "--help").stdout
    options = set(re.findall(r"--([a-z][a-z0-9-]*)", cli_help))
    doc = ms.train.__doc__
    front_end_only = {"help", "config", "json", "quiet", "report"}  # what Python has otherwise
    for option in options - front_end_only:
        assert re.search(rf"^    {option.replace('-', '_')} = ", doc, re.M), option
    assert "    lr = 0.01: learning rate" in doc
    assert "    init = 'he_normal': " in doc
    assert str(__import__("inspect").signature(ms.train)).startswith("(*, data='fashion-mnist'")


def test_lr_find_is_the_cli_lr_find():
    expected = cli_json("lr-find", "--data", "spiral:n=200", "--hidden", "16,16", "--lr-max",
                        "100", "--steps", "60", "--seed", "3", "--json")
    result = ms.lr_find(data="spiral:n=200", hidden=[16, 16], lr_max=100, steps=60, seed=3)
    assert result == expected
    assert len(result["points"]) >= 2
    lrs = [p["lr"] for p in result["points"]]
    assert lrs == sorted(lrs) and lrs[0] == pytest.approx(1e-6)


def test_lr_find_reads_numpy_arrays():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    y = (X[:, 0] > 0).astype(np.int64)
    result = ms.lr_find(X=X, y=y, hidden=[8], steps=40, lr_max=50)
    assert result["points"][0]["loss"] > 0
    assert result["sharpness"] > 0


def test_lr_find_bad_option_is_the_cli_line():
    with pytest.raises(ValueError, match="^option --steps: must be in \\[2, 100000\\]"):
        ms.lr_find(data="spiral:n=100", steps=1)
