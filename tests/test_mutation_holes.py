"""Tests for the holes a mutation run found: small realistic changes that the rest of the suite let pass.

Each test names the change it catches.
"""

import numpy as np
import pytest

import newtonCG as newtonCGModule
from checkDerivative import checkDerivative
from newtonCG import newtonCG
from singleLayer import singleLayer
from steepestDescent import steepestDescent
from support.checks import allFinite
from support.pcg import pcg

QUIET = {"verbose": 0}


# ---------------------------------------------------------------- checkDerivative's verdict
def offByConstant(delta):
    """f(x) = 0.5 x^2 with the derivative x + delta: E1 = |h^2/2 - delta h| is order 2 for h >> delta,
    order 1 for h << delta."""
    return lambda x: (0.5 * float(x @ x), x + delta)


def orders(table):
    E1 = table[:, 2]
    return np.log2(E1[:-1] / E1[1:])


@pytest.mark.parametrize("delta", [1e-4, 1e-5])
def test_a_derivative_off_by_a_tiny_constant_fails_although_the_first_orders_are_2(delta):
    """Catches a verdict that accepts when any (not all) of the usable orders look right."""
    passed, table = checkDerivative(offByConstant(delta), np.ones(1), v=np.ones(1), verbose=False)
    o = orders(table)
    assert np.all(o[:6] > 1.9), o          # order 2 for the first steps ...
    assert np.any(o[-3:] < 1.8), o         # ... not for the last ones
    assert not passed


def test_the_right_derivative_of_the_same_function_passes():
    assert checkDerivative(offByConstant(0.0), np.ones(1), v=np.ones(1), verbose=False)[0]


# ---------------------------------------------------------------- newtonCG's sufficient decrease
def bowlWithHessian(h):
    """f = 0.5 x^2 with a Hessian h that is wrong on purpose: the Newton step is -x/h."""
    return lambda x: (0.5 * float(x @ x), x.copy(), np.array([[h]]))


def test_a_first_trial_that_increases_f_is_rejected_with_c1_positive():
    """h = 0.4: the first trial lands at -1.5 x, f grows by 1.125; only mu = 1/2 decreases f.
    Catches a sign error in f(x + mu s) < f(x) + c1 mu g's (which would accept the increase)."""
    _, his, _ = newtonCG(bowlWithHessian(0.4), np.ones(1), {"maxIter": 1, "c1": 0.1, **QUIET})
    assert his["lsIter"][1] == 2 and his["obj"][1] < his["obj"][0]


def test_the_sufficient_decrease_constant_decides_between_two_decreasing_trials():
    """h = 0.55: the first trial decreases f to 0.669 f, less than c1 = 0.1 asks (0.636 f)."""
    _, his0, _ = newtonCG(bowlWithHessian(0.55), np.ones(1), {"maxIter": 1, "c1": 0.0, **QUIET})
    _, his1, _ = newtonCG(bowlWithHessian(0.55), np.ones(1), {"maxIter": 1, "c1": 0.1, **QUIET})
    assert his0["lsIter"][1] == 1 and his0["obj"][1] == pytest.approx(0.5 * (1 - 1 / 0.55) ** 2)
    assert his1["lsIter"][1] == 2


# ---------------------------------------------------------------- tolCG reaches the CG solve
def illConditioned(n=40, seed=0):
    rng = np.random.default_rng(seed)
    Q = np.linalg.qr(rng.standard_normal((n, n)))[0]
    return Q @ np.diag(np.logspace(0, 3, n)) @ Q.T, rng.standard_normal(n)


def test_pcg_stops_at_the_tolerance_it_is_given():
    A, c = illConditioned()
    _, flagLoose, relLoose, itLoose = pcg(A, c, 1e-1, 100)
    _, flagTight, relTight, itTight = pcg(A, c, 1e-10, 100)
    assert flagLoose == 0 and relLoose <= 1e-1 and flagTight == 0 and relTight <= 1e-10
    assert itLoose < itTight


def test_newtonCG_hands_tolCG_to_the_cg_solve(monkeypatch):
    A, c = illConditioned()
    tols, its = [], []

    def recordingPcg(H, b, tol, maxit, lastIterate=False):
        tols.append(tol)
        out = pcg(H, b, tol, maxit, lastIterate)
        its.append(out[3])
        return out

    monkeypatch.setattr(newtonCGModule, "pcg", recordingPcg)
    quadratic = lambda x: (0.5 * x @ A @ x - c @ x, A @ x - c, A)   # noqa: E731
    newtonCG(quadratic, np.zeros(c.size), {"maxIter": 1, "tolCG": 0.3, "maxIterCG": 100, **QUIET})
    newtonCG(quadratic, np.zeros(c.size), {"maxIter": 1, "tolCG": 1e-8, "maxIterCG": 100, **QUIET})
    assert tols == [0.3, 1e-8] and its[0] < its[1]


# ---------------------------------------------------------------- the status of the last iteration
@pytest.mark.parametrize("optimiser", [newtonCG, steepestDescent])
def test_the_gradient_tolerance_met_on_the_last_allowed_iteration_is_status_1(optimiser):
    """Catches reporting 'maximum number of iterations' when gradTol was reached by the last one."""
    def bowl(x):
        return 0.5 * float(x @ x), x.copy(), np.eye(x.size)

    param = {"maxIter": 1, "gradTol": 1e-12, **QUIET}
    if optimiser is steepestDescent:
        param["maxStep"] = 10.0                    # the full step -g reaches the minimiser at once
    _, his, _ = optimiser(bowl, np.array([3.0, -4.0]), param)
    assert len(his["obj"]) == 2 and his["normGrad"][-1] <= 1e-12
    assert his["status"] == 1, his["message"]


# ---------------------------------------------------------------- allFinite on large arrays
def test_allFinite_on_large_arrays_whose_sum_overflows():
    big = np.full(100_000, 1e305)                  # every entry finite, the sum is inf
    assert allFinite(big)
    for bad in (np.inf, -np.inf, np.nan):
        worse = big.copy()
        worse[12345] = bad
        assert not allFinite(worse)


def test_a_layer_whose_YK_plus_b_is_near_1e305_everywhere_returns_Z_1():
    Y = np.ones((60_000, 1))                       # Y K + b = 1e305 in 60000 entries: their sum overflows
    Z, JKt, *_ = singleLayer(np.array([[1e305]]), 0.0, Y)
    assert np.all(Z == 1.0)
    assert np.all(JKt(np.ones_like(Z)) == 0.0)     # tanh' = 0 there
