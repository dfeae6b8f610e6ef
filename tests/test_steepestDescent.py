"""steepestDescent, the course's baseline: line search, step cap, projection, statuses."""

import numpy as np
import pytest

from Rosenbrock import Rosenbrock
from steepestDescent import steepestDescent

QUIET = {"verbose": False}


def quadratic(a):
    """f(x) = 0.5 ||x - a||^2 and its gradient."""
    return lambda x: (0.5 * np.sum((x - a) ** 2), x - a)


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
