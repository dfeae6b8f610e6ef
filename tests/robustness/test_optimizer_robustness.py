"""Optimisers under stress: NaN/inf trials, non-descent directions, every stopping reason, Ctrl-C.

For newtonCG, steepestDescent and sgd:

- a NaN or inf objective (or gradient) at a trial point is a failed trial: the line
  search backtracks (sgd stops with status 5 and the iterate before that epoch);
  no NaN is ever accepted or returned;
- a CG direction that is not a descent direction (or is NaN) falls back to -g,
  as the course does;
- each stopping reason sets ``his["status"]`` and the matching ``his["message"]``;
- a KeyboardInterrupt raised by the k-th call of fun (or by the callback), for
  every k, returns the best iterate so far with status 4, consistent with
  his and xAll.

Runtime target: < 5 s.
"""

import warnings

import numpy as np
import pytest

from newtonCG import STATUS, newtonCG
from sgd import STATUS_SGD, sgd
from steepestDescent import steepestDescent

QUIET = {"verbose": False}
A = np.array([3.0, -1.0])          # the minimiser of the test quadratic


def quadratic(x):
    """f = 0.5 |x - A|^2 with gradient and Hessian; any shape of x is read as its vec."""
    r = x - A[: x.size]
    with np.errstate(over="ignore"):                   # sgd with lr = 1e300 must see the inf
        return 0.5 * r @ r, r, np.eye(x.size)


def coshBowl(x):
    """f = sum(log cosh(x - A)) + 0.05 |x|^2: smooth, convex, and Newton needs several steps."""
    r = x - A[: x.size]
    t = np.tanh(r)
    return np.sum(np.logaddexp(r, -r) - np.log(2)) + 0.05 * x @ x, t + 0.1 * x, np.diag(1 - t * t + 0.1)


def undefinedBeyond(limit, bad, where="f"):
    """The quadratic, but NaN/inf (in f or in g) once x[0] > limit."""
    def fun(x):
        f, g, H = quadratic(x)
        if x[0] > limit:
            if where == "f":
                f = bad
            else:
                g = np.full_like(g, bad)
        return f, g, H
    return fun


def run(name, fun, x0, **param):
    """Run one optimiser with its natural parameters; sgd sees every example as the same f."""
    if name == "newtonCG":
        return newtonCG(fun, x0, {**QUIET, **param})
    if name == "steepestDescent":
        return steepestDescent(fun, x0, {**QUIET, **param})
    param = {"n": 4, "batchSize": 4, "lr": 0.5, "rng": 0, "checkIndices": False, **QUIET,   # fun ignores idx
             **{("maxEpochs" if k == "maxIter" else k): v for k, v in param.items()}}
    return sgd(lambda x, idx: fun(x)[:2], x0, param)


def assertConsistent(x, his, xAll, status=None, fun=quadratic):
    """What every run must return: finite, with his and xAll describing the same iterates."""
    assert np.isfinite(x).all() and np.isfinite(his["obj"]).all()
    statuses = STATUS_SGD if "normStep" in his else STATUS
    assert his["message"] == statuses[his["status"]]
    if status is not None:
        assert his["status"] == status, his["message"]
    assert xAll.shape[0] == len(his["obj"])
    np.testing.assert_array_equal(x, xAll[-1])
    assert his["obj"][-1] == pytest.approx(fun(x)[0], rel=1e-12, abs=1e-15)


# --------------------------------------------------------------------------------------------
# NaN and inf at trial points
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["newtonCG", "steepestDescent"])
@pytest.mark.parametrize("bad, where", [(np.nan, "f"), (np.inf, "f"), (np.nan, "g"), (np.inf, "g")])
def test_a_non_finite_trial_is_backtracked_never_accepted(name, bad, where):
    x, his, xAll = run(name, undefinedBeyond(1.2, bad, where), np.zeros(2), maxIter=6)
    assertConsistent(x, his, xAll)
    assert (xAll[:, 0] <= 1.2).all()                      # no iterate in the NaN/inf region
    assert (his["lsIter"][1:] >= 1).all() and his["lsIter"].max() > 1   # it did backtrack
    assert np.all(np.diff(his["obj"]) < 0)


@pytest.mark.parametrize("bad, where", [(np.nan, "f"), (np.inf, "f"), (np.nan, "g"), (np.inf, "g")])
def test_sgd_stops_at_a_non_finite_epoch_with_the_iterate_before(bad, where):
    x, his, xAll = run("sgd", undefinedBeyond(1.2, bad, where), np.zeros(2), maxIter=5, lr=0.5)
    assertConsistent(x, his, xAll, status=5)
    assert "diverged" in his["message"]
    assert where == "g" or (xAll[:, 0] <= 1.2).all()       # a NaN g only shows at the next epoch


# --------------------------------------------------------------------------------------------
# Non-descent and NaN CG directions (newtonCG)
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("H", [-np.eye(2), np.full((2, 2), np.nan), np.array([[1.0, 0], [0, -1.0]])],
                         ids=["negative definite", "NaN", "indefinite"])
def test_a_cg_direction_that_does_not_descend_falls_back_to_minus_g(H):
    def fun(x):
        f, g, _ = quadratic(x)
        return f, g, H

    x0 = np.array([0.0, 5.0])
    with np.errstate(invalid="ignore"):
        x, his, xAll = newtonCG(fun, x0, {"maxIter": 1, **QUIET})
    assertConsistent(x, his, xAll)
    step, g = xAll[1] - xAll[0], quadratic(x0)[1]
    if np.vdot(g, np.linalg.solve(np.nan_to_num(H) + 1e-300, -g)) >= 0 or np.isnan(H).any():
        np.testing.assert_allclose(step / np.linalg.norm(step), -g / np.linalg.norm(g), rtol=1e-12)
    assert his["obj"][1] < his["obj"][0]


# --------------------------------------------------------------------------------------------
# Every stopping reason, reported
# --------------------------------------------------------------------------------------------

def wrongGradient(x):
    f, g, H = quadratic(x)
    return f, -g, H                                      # uphill: every trial fails


@pytest.mark.parametrize("name", ["newtonCG", "steepestDescent"])
def test_each_stopping_reason_sets_status_and_message(name, capsys):
    x, his, xAll = run(name, quadratic, np.zeros(2), maxIter=2, gradTol=0.0)
    assertConsistent(x, his, xAll, status=0 if name == "steepestDescent" else 1)
    x, his, xAll = run(name, quadratic, np.zeros(2), maxIter=200, gradTol=1e-8)
    assertConsistent(x, his, xAll, status=1)
    assert his["normGrad"][-1] <= 1e-8
    with pytest.warns(UserWarning, match="line search failed"):
        x, his, xAll = run(name, wrongGradient, np.zeros(2), maxIter=3)
    assertConsistent(x, his, xAll, status=2)
    x, his, xAll = run(name, quadratic, np.zeros(2), maxIter=50, callback=lambda x: True)
    assertConsistent(x, his, xAll, status=3)
    assert len(his["obj"]) == 2
    run(name, quadratic, np.zeros(2), maxIter=1, verbose=True)
    # one Newton step with the exact Hessian reaches the quadratic's minimiser (g = 0): gradient tolerance
    status = 1 if name == "newtonCG" else 0
    assert f"{name}: {STATUS[status]} after 1 iterations" in capsys.readouterr().out


def test_sgd_stopping_reasons():
    x, his, xAll = run("sgd", quadratic, np.zeros(2), maxIter=3, lr=0.1)
    assertConsistent(x, his, xAll, status=0)
    x, his, xAll = run("sgd", quadratic, np.zeros(2), maxIter=30, lr=0.1, callback=lambda x: True)
    assertConsistent(x, his, xAll, status=3)
    x, his, xAll = run("sgd", quadratic, np.zeros(2), maxIter=3, lr=1e300)
    assertConsistent(x, his, xAll, status=5)


# --------------------------------------------------------------------------------------------
# Ctrl-C: KeyboardInterrupt from the k-th call of fun, for every k, and from the callback
# --------------------------------------------------------------------------------------------

def interruptedAt(k):
    calls = []

    def fun(x):
        calls.append(1)
        if len(calls) == k:
            raise KeyboardInterrupt
        return coshBowl(x)

    return fun, calls


@pytest.mark.parametrize("name", ["newtonCG", "steepestDescent", "sgd"])
def test_keyboard_interrupt_at_every_call_returns_the_best_iterate_so_far(name):
    fun, calls = interruptedAt(0)
    run(name, fun, np.array([10.0, 10.0]), maxIter=6)
    total = len(calls)                                   # calls of an uninterrupted run
    assert total > 6
    with pytest.raises(KeyboardInterrupt):               # at x0 there is nothing to return yet
        run(name, interruptedAt(1)[0], np.array([10.0, 10.0]), maxIter=6)
    for k in range(2, total + 1):
        x, his, xAll = run(name, interruptedAt(k)[0], np.array([10.0, 10.0]), maxIter=6)
        assertConsistent(x, his, xAll, status=4, fun=coshBowl)
        assert "interrupt" in his["message"].lower()
        if name != "sgd":                                # monotone methods: the last is the best
            assert his["obj"][-1] == his["obj"].min()


@pytest.mark.parametrize("name", ["newtonCG", "steepestDescent", "sgd"])
@pytest.mark.parametrize("at", [1, 3])
def test_keyboard_interrupt_in_the_callback_keeps_the_finished_iteration(name, at):
    seen = []

    def callback(x):
        seen.append(x.copy())
        if len(seen) == at:
            raise KeyboardInterrupt

    x, his, xAll = run(name, coshBowl, np.array([10.0, 10.0]), maxIter=6, callback=callback)
    assertConsistent(x, his, xAll, status=4, fun=coshBowl)
    np.testing.assert_array_equal(x, seen[-1])           # the iterate the callback was shown
    assert len(his["obj"]) == at + 1


def test_no_warning_or_nan_escapes_a_run_through_nan_regions():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in ("newtonCG", "steepestDescent"):
            x, his, xAll = run(name, undefinedBeyond(1.2, np.nan), np.zeros(2), maxIter=4)
            assertConsistent(x, his, xAll)
