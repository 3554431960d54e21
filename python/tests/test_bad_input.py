"""Every bad input is a ValueError with one line, the command line's own where it has one."""
import numpy as np
import pytest

import mlpscope as ms
from conftest import cli, cli_args

# Each refused by the parse layer or the data loader, alike on both sides.
REFUSED = [dict(lr=0), dict(init="bogus"), dict(hidden=[16, 0]), dict(output="sigmoid"),
           dict(data="nosuchset"), dict(batch=-1), dict(dtype="f16"), dict(probe_samples=-1),
           dict(data="csv:/nonexistent/file.csv"), dict(test="spiral:n=10,classes=5")]


@pytest.mark.parametrize("keywords", REFUSED, ids=[str(k) for k in REFUSED])
def test_bad_option_is_a_value_error_with_the_cli_line(keywords):
    options = {"data": "xor:n=8", "epochs": 1, **keywords}
    done = cli("train", *cli_args(options), check=False)
    assert done.returncode == 2
    expected = done.stderr.strip().removeprefix("mlpscope: ")
    with pytest.raises(ValueError) as error:
        ms.train(**options)
    assert str(error.value) == expected
    assert "\n" not in str(error.value)


def test_setting_error_names_the_keyword():
    with pytest.raises(ms.SettingError) as error:
        ms.train(data="xor:n=8", init_scale="big")
    assert error.value.setting == "init_scale"
    assert str(error.value).startswith("option --init-scale: ")


X, Y = np.zeros((4, 2)), np.array([0, 1, 0, 1])
ARRAYS = [
    (dict(X=np.zeros(4), y=Y), "X: shape (4,), expected (n, d): one sample per row"),
    (dict(X=np.zeros((0, 2)), y=Y[:0]), "X: shape (0, 2) holds no samples"),
    (dict(X=X), "X needs y: the labels"),
    (dict(y=Y), "y needs X: the features"),
    (dict(X=X, y=Y[:3]), "y: shape (3,), expected (4,) labels"),
    (dict(X=X, y=np.array([0, 1, -1, 1])), "y: label -1 at index 2 is negative"),
    (dict(X=X, y=np.array([0, 1, 0.5, 1])), "y: label 0.5 at index 2 is not a whole number"),
    (dict(X=np.array([[0, 1], [np.nan, 0], [1, 1], [2, 2]]), y=Y),
     "X: sample 1 feature 0 is not a finite number"),
    (dict(X=np.array([["a", "b"]] * 4), y=Y), "X: dtype <U1 is not real numbers"),
    (dict(X=X, y=np.array([[0.5, 0.5]] * 4)), "y: shape (4, 2) is not one-hot"),
    (dict(X=X, y=Y, data="xor"), "option --data: give either data= or X= and y=, not both"),
    (dict(X=X, y=Y, X_test=X, test="xor"), "option --test: give either test= or X_test="),
    (dict(X=X, y=Y, X_test=X[:, :1], y_test=Y), "option --test: X_test has 1 features"),
    (dict(X=X, y=Y, y_test=Y), "y_test needs X_test"),
    (dict(X=X, y=Y, learning_rate=0.1), "option --learning-rate: unknown option of train"),
    (dict(X=X, y=Y, hidden={"a": 1}), "option --hidden: expected a number, text, bool or list"),
]


@pytest.mark.parametrize("keywords,message", ARRAYS, ids=[m[:24] for _, m in ARRAYS])
def test_bad_arrays_are_one_line_value_errors(keywords, message):
    with pytest.raises(ValueError) as error:
        ms.train(epochs=1, **keywords)
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)


def test_every_command_refuses_alike():
    with pytest.raises(ValueError, match="^option --lr: must be positive, got 0$"):
        ms.diagnose(data="xor:n=8", lr=0)
    with pytest.raises(ValueError, match="^option --steps: must be at least 1, got 0$"):
        ms.toy(steps=0)
    with pytest.raises(ValueError, match="^option --seeds: must be in 1..1000000, got 0$"):
        ms.sweep(data="xor:n=8", seeds=0, out="unused")
    with pytest.raises(ValueError, match="no results.sqlite"):
        ms.read_sweep("/nonexistent")
