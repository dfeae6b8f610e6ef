"""sgd, the course's stochastic baseline: least squares, momentum, epochs, divergence, statuses."""

import warnings

import numpy as np
import pytest

from Rosenbrock import Rosenbrock
from sgd import sgd
from steepestDescent import steepestDescent

QUIET = {"verbose": False}


rng0 = np.random.default_rng(21)


A = rng0.standard_normal((60, 3))


xTrue = np.array([1.0, -2.0, 0.5])


y = A @ xTrue


def leastSquares(x, idx):
    r = A[idx] @ x - y[idx]
    return 0.5 * r @ r / idx.size, A[idx].T @ r / idx.size


def test_sgd_solves_a_consistent_least_squares_problem_and_is_seedable():
    param = {"n": 60, "batchSize": 6, "lr": 0.1, "maxEpochs": 30, "momentum": 0.5, "rng": 1, **QUIET}
    x, his, xAll = sgd(leastSquares, np.zeros(3), param)
    assert his["status"] == 0 and his["obj"].shape == (31,) and xAll.shape == (31, 3)
    np.testing.assert_allclose(x, xTrue, atol=1e-8)
    np.testing.assert_array_equal(sgd(leastSquares, np.zeros(3), param)[0], x)
    assert not np.array_equal(sgd(leastSquares, np.zeros(3), {**param, "rng": 2, "maxEpochs": 2})[0],
                              sgd(leastSquares, np.zeros(3), {**param, "rng": 1, "maxEpochs": 2})[0])


def test_sgd_full_batch_is_heavy_ball_gradient_descent():
    """batchSize = n: one step per epoch, dF <- beta dF + lr g, x <- x - dF."""
    lr, beta = np.array([0.2, 0.1, 0.05]), 0.7
    x, his, xAll = sgd(leastSquares, np.zeros(3), {"n": 60, "batchSize": 60, "lr": lr, "momentum": beta,
                                                   "rng": 0, **QUIET})
    xr, dF = np.zeros(3), np.zeros(3)
    for k in range(3):
        dF = beta * dF + lr[k] * leastSquares(xr, np.arange(60))[1]
        xr = xr - dF
        np.testing.assert_allclose(xAll[k + 1], xr, rtol=1e-13)
    np.testing.assert_array_equal(his["lr"][1:], lr)
    np.testing.assert_allclose(his["normStep"][1:], np.linalg.norm(np.diff(xAll, axis=0), axis=1), rtol=1e-14)


def test_sgd_visits_every_example_once_per_epoch():
    seen = []

    def recording(x, idx):
        seen.append(np.array(idx))
        return leastSquares(x, idx)
    sgd(recording, np.zeros(3), {"n": 60, "batchSize": 7, "maxEpochs": 2, "rng": 3, **QUIET})
    seen = [s for s in seen if s.size != 60 and 60 not in s]   # not the full evaluations, the probe [n]
    assert [s.size for s in seen] == ([7] * 8 + [4]) * 2
    for epoch in (seen[:9], seen[9:]):
        np.testing.assert_array_equal(np.sort(np.concatenate(epoch)), np.arange(60))
    assert not np.array_equal(np.concatenate(seen[:9]), np.arange(60))      # shuffled


def test_sgd_divergence_returns_the_iterate_before_it():
    with np.errstate(over="ignore", invalid="ignore"):   # the overflow is the point of this test
        x, his, xAll = sgd(leastSquares, np.zeros(3), {"n": 60, "batchSize": 60, "lr": [0.1, 1e200],
                                                       "rng": 0, **QUIET})
    assert his["status"] == 5 and "diverged" in his["message"]
    assert np.isfinite(x).all() and his["obj"].shape == (2,)
    np.testing.assert_array_equal(x, xAll[-1])


def test_sgd_callback_and_keyboard_interrupt():
    x, his, _ = sgd(leastSquares, np.zeros(3), {"n": 60, "callback": lambda x: True, **QUIET})
    assert his["status"] == 3 and his["obj"].shape == (2,)
    calls = []

    def interrupted(x, idx):
        calls.append(1)
        if len(calls) == 20:
            raise KeyboardInterrupt
        return leastSquares(x, idx)
    x, his, xAll = sgd(interrupted, np.zeros(3), {"n": 60, "batchSize": 6, "rng": 0, **QUIET})
    assert his["status"] == 4
    np.testing.assert_array_equal(x, xAll[-1])


@pytest.mark.parametrize("param, error, message", [
    ({}, TypeError, r"param\['n'\] \(the number of examples\) must be a positive integer, got None"),
    ({"n": 60, "batchSize": 0}, ValueError, r"param\['batchSize'\] must be >= 1"),
    ({"n": 60, "momentum": 1.0}, ValueError, r"param\['momentum'\] must be in \[0, 1\)"),
    ({"n": 60, "lr": -0.1}, ValueError, r"param\['lr'\] must be positive"),
    ({"n": 60, "lr": [0.1, 0.1], "maxEpochs": 3}, ValueError, r"has 2 entries .*maxEpochs'\] = 3"),
    ({"n": 60, "rng": "seed"}, TypeError, r"param\['rng'\] must be None, an integer seed"),
    ({"n": 60, "tolCG": 0.1}, ValueError, r"unknown entries \['tolCG'\]")])
def test_sgd_bad_param(param, error, message):
    with pytest.raises(error, match=message):
        sgd(leastSquares, np.zeros(3), {**param, **QUIET})


def test_no_warnings_in_a_quiet_run():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        steepestDescent(Rosenbrock, [4.0, 2.0], QUIET)
        sgd(leastSquares, np.zeros(3), {"n": 60, **QUIET})
