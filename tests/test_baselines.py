"""steepestDescent and sgd, the course's baselines: line search, step cap, projection, momentum, statuses.

Target runtime: < 5 s.
"""

import warnings

import numpy as np
import pytest

from Rosenbrock import Rosenbrock
from sgd import sgd
from steepestDescent import steepestDescent

QUIET = {"verbose": False}


def quadratic(a):
    """f(x) = 0.5 ||x - a||^2 and its gradient."""
    return lambda x: (0.5 * np.sum((x - a) ** 2), x - a)


# ---- steepestDescent
def test_steepestDescent_decreases_rosenbrock_monotonically_towards_1_1():
    x, his, xAll = steepestDescent(Rosenbrock, [4.0, 2.0], {"maxIter": 3000, **QUIET})
    assert his["status"] == 0 and his["obj"].shape == (3001,) and xAll.shape == (3001, 2)
    assert np.all(np.diff(his["obj"]) < 0)
    assert his["obj"][-1] < 1e-5 * his["obj"][0]       # 19609 -> about 0.04 (slow, as expected)
    assert np.linalg.norm(x - 1) < 0.5 < np.linalg.norm(np.array([4.0, 2.0]) - 1)


def test_steepestDescent_steps_are_capped_at_maxStep():
    x, his, xAll = steepestDescent(Rosenbrock, [4.0, 2.0], {"maxIter": 50, "maxStep": 0.25, **QUIET})
    steps = np.linalg.norm(np.diff(xAll, axis=0), axis=1)
    assert np.all(steps <= 0.25 * his["mu"][1:] * (1 + 1e-12))
    assert np.max(steps) > 0.2                      # the cap binds: |grad Rosenbrock(4, 2)| ~ 2e4


def test_steepestDescent_line_search_halves_and_grows_by_1_5():
    x, his, xAll = steepestDescent(Rosenbrock, [4.0, 2.0], {"maxIter": 200, **QUIET})
    mu, ls, muNext = his["mu"][1:], his["lsIter"][1:], 1.0
    assert np.any(ls > 1) and np.any(ls == 1)
    for k in range(mu.size):
        assert mu[k] == muNext * 0.5 ** (ls[k] - 1)
        muNext = min(1.5 * mu[k], 1.0) if ls[k] == 1 else mu[k]


def test_steepestDescent_gradient_tolerance_and_quadratic_solution():
    a = np.array([0.3, -0.2, 0.1])
    x, his, _ = steepestDescent(quadratic(a), np.zeros(3), {"maxIter": 100, "gradTol": 1e-10, **QUIET})
    assert his["status"] == 1 and "gradient tolerance" in his["message"]
    np.testing.assert_allclose(x, a, atol=1e-10)


def test_projected_steepestDescent_stays_in_the_box_and_finds_the_clipped_minimiser():
    a = np.array([2.0, -3.0, 0.5])
    box = (-1.0, 1.0)
    with pytest.warns(UserWarning, match="line search failed"):   # at the minimiser: no decrease left
        x, his, xAll = steepestDescent(quadratic(a), np.full(3, 5.0),
                                       {"maxIter": 60, "P": lambda x: np.clip(x, *box), **QUIET})
    assert his["status"] == 2 and np.all((xAll >= -1) & (xAll <= 1))
    np.testing.assert_allclose(x, np.clip(a, *box), atol=1e-8)


def test_steepestDescent_NaN_trial_counts_as_failed_and_line_search_failure_warns():
    def nanBeyondOne(x):  # undefined for x > 1: the line search must back off
        f, g = 0.5 * np.sum((x - 3) ** 2), x - 3
        return (np.nan if x.max() > 1 else f), g
    x, his, _ = steepestDescent(nanBeyondOne, np.zeros(2), {"maxIter": 20, "maxLS": 30, **QUIET})
    assert np.all(np.isfinite(his["obj"])) and x.max() <= 1
    assert np.any(his["lsIter"][1:] > 1)

    def wrongSign(x):  # gradient of the wrong sign: no trial decreases f
        return 0.5 * x @ x, -x
    with pytest.warns(UserWarning, match="line search failed after 10 trials"):
        x, his, _ = steepestDescent(wrongSign, np.ones(2), QUIET)
    assert his["status"] == 2 and his["obj"].shape == (1,)
    np.testing.assert_array_equal(x, np.ones(2))


def test_steepestDescent_callback_and_keyboard_interrupt():
    x, his, _ = steepestDescent(Rosenbrock, [4.0, 2.0], {"callback": lambda x: True, **QUIET})
    assert his["status"] == 3 and his["obj"].shape == (2,)
    calls = []

    def interrupted(x):
        calls.append(1)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return Rosenbrock(x)
    x, his, xAll = steepestDescent(interrupted, [4.0, 2.0], {"maxIter": 50, **QUIET})
    assert his["status"] == 4 and "KeyboardInterrupt" in his["message"]
    np.testing.assert_array_equal(x, xAll[-1])
    assert Rosenbrock(x)[0] == his["obj"][-1]


@pytest.mark.parametrize("param, error, message", [
    ({"maxStep": 0.0}, ValueError, r"param\['maxStep'\] must be positive"),
    ({"maxIterCG": 3}, ValueError, r"unknown entries \['maxIterCG'\]"),
    ({"maxLS": 2.5}, TypeError, r"param\['maxLS'\] must be a non-negative integer"),
    ({"P": lambda x: x[:1]}, ValueError, r"param\['P'\] must return an array shaped like x \(2,\)"),
    ({"P": "box"}, TypeError, r"param\['P'\] must be callable")])
def test_steepestDescent_bad_param(param, error, message):
    with pytest.raises(error, match=message):
        steepestDescent(Rosenbrock, [4.0, 2.0], {**param, **QUIET})


# ---- sgd
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
