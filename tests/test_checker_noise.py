"""The checkers at the rounding floor: right derivatives pass, wrong ones still fail.

checkDerivative reads E1 against a noise floor: PLATEAU x the plateau E1 shows at
the smallest h, within [NOISE_MIN, NOISE] x eps (|f(x)| + |f(x + h v)|), or above
that when the plateau is flat (an f computed with cancellation). Without an
order to measure, it passes only if E1 stays at the noise below some h_k with
J v verified there to 1e-3. adjointTest also accepts rounding relative to
||u|| ||J v||. Each rule is shown here to accept what it should and to reject a
wrong derivative of the same function. Runtime: < 2 s.
"""

import numpy as np
import pytest

import support.taylorVerdict as checkDerivativeModule
from checkDerivative import adjointTest, checkDerivative
from crossEntropy import crossEntropy


def crossEntropyProblem(dtype, seed=1, n=35, nc=11):
    rng = np.random.default_rng(seed)
    S = rng.standard_normal((n, nc)).astype(dtype)
    C = rng.random((n, nc))
    C = (C / C.sum(1, keepdims=True)).astype(dtype)
    v = rng.standard_normal((n, nc))
    return S, C, (v / np.linalg.norm(v)).astype(dtype)


def withOldNoiseModel(monkeypatch):
    """The checker as it was: noise = 100 eps (|f(x)| + |f(x + h v)|), nothing measured."""
    monkeypatch.setattr(checkDerivativeModule, "NOISE_MIN", checkDerivativeModule.NOISE)
    monkeypatch.setattr(checkDerivativeModule, "PLATEAU", 1e300)


def test_float32_cross_entropy_passes():
    S, C, v = crossEntropyProblem(np.float32)
    assert checkDerivative(lambda S: crossEntropy(S, C)[:2], S, v=v, verbose=False)[0]


def test_float32_passes_where_the_fixed_noise_model_failed(monkeypatch):
    """f = 10000 + 0.5 |x|^2 in float32: its rounding is one ulp of 10000 (1e-3), far below
    100 eps |f| (0.24), which hid every E1 = 0.5 h^2; the measured plateau finds the real floor.
    (float32 addition is exact IEEE rounding: the same on every machine.)"""
    def fun(x):
        return np.float32(10000) + np.float32(0.5) * (x @ x), x

    x0, v = np.zeros(3, np.float32), np.array([0.6, 0.8, 0.0], np.float32)
    assert checkDerivative(fun, x0, v=v, verbose=False)[0]
    withOldNoiseModel(monkeypatch)
    assert not checkDerivative(fun, x0, v=v, verbose=False)[0]    # E1 = h^2 / 2 hidden under 100 eps |f|


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_gradient_10_percent_off_fails_in_both_dtypes(dtype):
    S, C, _ = crossEntropyProblem(dtype)
    g = crossEntropy(S, C)[1]
    v = (g / np.linalg.norm(g)).astype(dtype)          # a direction with a measurable J v

    def wrong(S):
        E, dES, _ = crossEntropy(S, C)
        return E, 1.1 * dES

    assert not checkDerivative(wrong, S, v=v, verbose=False)[0]
    assert checkDerivative(lambda S: crossEntropy(S, C)[:2], S, v=v, verbose=False)[0]


def kink(x):
    """A ReLU sum: linear except where an entry crosses 0."""
    return np.sum(np.maximum(x, 0)), lambda v: np.vdot(x > 0, v)


def test_a_kink_crossed_by_the_largest_h_only_passes_and_a_wrong_slope_fails():
    x0 = np.array([0.3, -2.0, 1.0])
    v = np.array([-1.0, 0.5, 2.0])                     # entry 0 crosses 0 only for h > 0.3
    passed, table = checkDerivative(kink, x0, v=v, verbose=False)
    assert passed and table[0, 2] > 1e-3 and (table[1:, 2] < 1e-14).all()

    def wrongSlope(x):
        return kink(x)[0], lambda v: 1.01 * np.vdot(x > 0, v)

    assert not checkDerivative(wrongSlope, x0, v=v, verbose=False)[0]


def test_constant_function_with_zero_derivative_passes_and_with_a_slope_fails():
    assert checkDerivative(lambda x: (3.0, np.zeros_like(x)), np.ones(4), verbose=False, rng=0)[0]
    assert not checkDerivative(lambda x: (3.0, 1e-3 * np.ones_like(x)), np.ones(4), verbose=False, rng=0)[0]


def test_a_derivative_whose_effect_is_below_the_noise_is_not_verified():
    """f = 1e6 + 1e-9 sum(x): f changes by less than its rounding, so no J can be verified."""
    def slope(s):
        return lambda x: (1e6 + 1e-9 * np.sum(x), s * np.ones_like(x))

    assert not checkDerivative(slope(0.0), np.ones(3), verbose=False, rng=0)[0]     # wrong: J = 0
    assert not checkDerivative(slope(1e-9), np.ones(3), verbose=False, rng=0)[0]    # right, unverifiable
    assert checkDerivative(lambda x: (1e6 + np.sum(x), np.ones_like(x)), np.ones(3), verbose=False, rng=0)[0]


def test_a_function_that_rounds_to_a_constant_has_derivative_zero():
    """f = 1 + 1e-17 sum(x) evaluates to 1.0 exactly: J = 0 is exact, J != 0 is not verified."""
    assert checkDerivative(lambda x: (1.0 + 1e-17 * np.sum(x), np.zeros_like(x)), np.ones(3),
                           verbose=False, rng=0)[0]
    assert not checkDerivative(lambda x: (1.0 + 1e-17 * np.sum(x), 1e-3 * np.ones_like(x)), np.ones(3),
                               verbose=False, rng=0)[0]


def cancelling(x):
    """f = (1e8 + |x|^2) - 1e8: rounding 1e8 eps, far above eps |f| (the flat-plateau case)."""
    return (1e8 + x @ x) - 1e8, 2 * x


def test_a_flat_noise_plateau_above_the_model_is_noise(monkeypatch):
    rng = np.random.default_rng(5)
    x0, v = rng.standard_normal(3), rng.standard_normal(3)
    passed, table = checkDerivative(cancelling, x0, v=v, verbose=False)
    assert passed and table[-4:, 2].max() > 1e3 * np.finfo(float).eps * abs(cancelling(x0)[0])

    def wrong(x):
        return cancelling(x)[0], 1.01 * cancelling(x)[1]

    assert not checkDerivative(wrong, x0, v=v, verbose=False)[0]
    withOldNoiseModel(monkeypatch)
    assert not checkDerivative(cancelling, x0, v=v, verbose=False)[0]   # noise read as orders


def test_adjoint_test_with_u_nearly_orthogonal_to_J_v():
    rng = np.random.default_rng(3)
    A = rng.standard_normal((40, 30))
    v = rng.standard_normal(30)
    Av = A @ v
    u = rng.standard_normal(40)
    u -= (u @ Av) / (Av @ Av) * Av                      # u' A v = 0 up to rounding
    u += 1e-9 * Av / np.linalg.norm(Av)
    passed, relErr = adjointTest(lambda v: A @ v, lambda u: A.T @ u, v, u)
    assert passed and relErr > 1e4 * np.finfo(float).eps       # relErr alone would have failed
    for wrong in (lambda u: 1.01 * A.T @ u, lambda u: (A + 1e-6).T @ u):
        assert not adjointTest(lambda v: A @ v, wrong, v, rng.standard_normal(40))[0]
    assert not adjointTest(lambda v: A @ v, lambda u: 1.01 * A.T @ u, v, u, tol=1e-12)[0]
