"""support/optimRun.py: printEvery, the summary of a long run (newtonCG, steepestDescent, sgd)."""

import re

import numpy as np
import pytest

from newtonCG import newtonCG
from Rosenbrock import Rosenbrock
from sgd import sgd
from steepestDescent import steepestDescent


def printedRows(text):
    """The iteration numbers of the printed table's rows."""
    return [int(m.group(1)) for m in re.finditer(r"^\s+(\d+) ", text, re.M)]


def test_printEvery_prints_one_row_in_k_the_start_and_the_last(capsys):
    steepestDescent(Rosenbrock, [4.0, 2.0], {"maxIter": 47, "printEvery": 10})
    out = capsys.readouterr().out
    assert printedRows(out) == [0, 10, 20, 30, 40, 47]
    assert "(one row in 10, and the last)" in out.splitlines()[0]


def test_a_last_row_on_the_grid_is_printed_once(capsys):
    newtonCG(Rosenbrock, [4.0, 2.0], {"maxIter": 20, "printEvery": 5})
    assert printedRows(capsys.readouterr().out) == [0, 5, 10, 15, 20]


def test_printEvery_1_is_the_default_and_prints_every_row(capsys):
    steepestDescent(Rosenbrock, [4.0, 2.0], {"maxIter": 7})
    assert printedRows(capsys.readouterr().out) == list(range(8))


def test_printEvery_changes_the_printing_only(capsys):
    _, hisAll, _ = newtonCG(Rosenbrock, [4.0, 2.0], {"maxIter": 12})
    _, hisSome, _ = newtonCG(Rosenbrock, [4.0, 2.0], {"maxIter": 12, "printEvery": 4})
    for key in ("obj", "normGrad", "mu", "lsIter", "cgIter"):
        np.testing.assert_array_equal(hisAll[key], hisSome[key])


def test_sgd_prints_one_epoch_in_k(capsys):
    A = np.random.default_rng(0).standard_normal((40, 2))
    fun = lambda x, idx: (0.5 * np.sum((A[idx] @ x - 1) ** 2), A[idx].T @ (A[idx] @ x - 1))   # noqa: E731
    sgd(fun, np.zeros(2), {"n": 40, "batchSize": 10, "lr": 0.01, "maxEpochs": 9, "rng": 0, "printEvery": 4})
    assert printedRows(capsys.readouterr().out) == [0, 4, 8, 9]


def test_the_course_table_and_silence_ignore_printEvery(capsys):
    steepestDescent(Rosenbrock, [4.0, 2.0], {"maxIter": 6, "printEvery": 3, "verbose": 2})
    course = capsys.readouterr().out
    assert all(f"{k:3d}.0\t" in course for k in range(1, 7))        # every iteration's k.0 line
    steepestDescent(Rosenbrock, [4.0, 2.0], {"maxIter": 6, "printEvery": 3, "verbose": 0})
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("bad", [0, -1])
def test_printEvery_below_1_is_an_error_naming_it(bad):
    with pytest.raises((ValueError, TypeError), match=r"param\['printEvery'\] must be"):
        steepestDescent(Rosenbrock, [4.0, 2.0], {"printEvery": bad})
