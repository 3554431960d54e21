"""Shared by the module's tests: the command line to compare with, run as a person would."""
import json
import os
import subprocess

import pytest

BINARY = os.environ.get("MLPSCOPE_BINARY", "build/mlpscope")
SOURCE_DIR = os.environ.get("MLPSCOPE_SOURCE_DIR", ".")


def cli(*args, check=True):
    """Runs `mlpscope ARGS`; returns the completed process."""
    done = subprocess.run([BINARY, *map(str, args)], capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"mlpscope {' '.join(map(str, args))}: {done.stderr}")
    return done


def cli_json(*args):
    return json.loads(cli(*args).stdout)


def cli_args(options):
    """Keywords as command-line arguments: lr=0.1 → --lr 0.1, hidden=[8, 8] → --hidden 8,8."""
    args = []
    for name, value in options.items():
        text = ",".join(map(str, value)) if isinstance(value, list) else str(value)
        args += ["--" + name.replace("_", "-"), text]
    return args


def without_time(value):
    """A summary or record without its wall times, the one thing two runs do not share."""
    if isinstance(value, dict):
        return {k: without_time(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [without_time(v) for v in value]
    return value


@pytest.fixture
def tmp(tmp_path):
    return tmp_path
