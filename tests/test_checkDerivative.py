"""checkDerivative and adjointTest themselves: they accept right derivatives and reject wrong ones.

At the rounding floor (support/taylorVerdict.py): checkDerivative reads E1 against
a noise floor: PLATEAU x the plateau E1 shows at the smallest h, within
[NOISE_MIN, NOISE] x eps (|f(x)| + |f(x + h v)|), or above that when the plateau
is flat (an f computed with cancellation). Without an order to measure, it passes
only if E1 stays at the noise below some h_k with J v verified there to 1e-3; every
usable order must look right, not just some. adjointTest also accepts rounding
relative to ||u|| ||J v||. Each rule is shown here to accept what it should and to
reject a wrong derivative of the same function.
"""

import numpy as np
import pytest
from helpers import orders

import support.taylorVerdict as checkDerivativeModule
from checkDerivative import adjointTest, checkDerivative
from crossEntropy import crossEntropy
from singleLayer import singleLayer
from singleLayerNNObjFun import singleLayerNNObjFun


def smooth(x):
    """f(x) = sum(exp(x) * x) / 2 with its gradient and Hessian."""
    return np.sum(np.exp(x) * x) / 2, np.exp(x) * (1 + x) / 2, lambda v: np.exp(x) * (2 + x) * v / 2


@pytest.fixture
def rng():
    return np.random.default_rng(4)


def test_right_gradient_passes(rng):
    passed, table = checkDerivative(smooth, rng.standard_normal(10), rng=rng, verbose=False)
    assert passed
    E1 = table[:, 2]
    assert np.all(orders(E1[3:13]) > 1.9)   # order 2 visible in the table itself


@pytest.mark.parametrize("factor", [1.01, 0.99, -1.0, 0.0])
def test_gradient_off_by_a_factor_fails(rng, factor):
    def wrong(x):
        f, g, _ = smooth(x)
        return f, factor * g

    passed, _ = checkDerivative(wrong, rng.standard_normal(10), rng=rng, verbose=False)
    assert not passed


def test_gradient_with_one_wrong_entry_fails(rng):
    def wrong(x):
        f, g, _ = smooth(x)
        g = g.copy()
        g[3] += 1e-3
        return f, g

    x0 = rng.standard_normal(10)
    passed, _ = checkDerivative(wrong, x0, v=np.ones(10), verbose=False)
    assert not passed


def test_wrong_jacobian_closure_of_the_layer_fails(rng):
    K, b, Y = rng.standard_normal((4, 3)), 0.1, rng.standard_normal((8, 4))

    def wrong(K):
        Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(K, b, Y)
        return Z, lambda V: (Y @ V)   # forgets sigma'

    passed, _ = checkDerivative(wrong, K, rng=rng, verbose=False)
    assert not passed


def test_linear_function_passes_at_the_noise_floor(rng):
    A = rng.standard_normal((5, 7))
    passed, table = checkDerivative(lambda x: (A @ x, A), rng.standard_normal(7), rng=rng,
                                    verbose=False)
    assert passed
    assert np.all(table[:, 2] < 1e-12 * np.linalg.norm(table[:, 1]))


def test_linear_function_with_wrong_matrix_fails(rng):
    A = rng.standard_normal((5, 7))
    passed, _ = checkDerivative(lambda x: (A @ x, 1.01 * A), rng.standard_normal(7), rng=rng,
                                verbose=False)
    assert not passed


def test_function_of_a_matrix_with_jacobian_matrix(rng):
    """f(X) = X' X b, Jacobian formed explicitly in vec(X) ordering."""
    X0, c = rng.standard_normal((3, 2)), rng.standard_normal(2)

    def f(X):
        Jx = np.zeros((2, 6))
        for j in range(6):
            E = np.zeros(6)
            E[j] = 1
            Ej = E.reshape(3, 2, order="F")
            Jx[:, j] = Ej.T @ X @ c + X.T @ Ej @ c
        return X.T @ X @ c, Jx

    passed, _ = checkDerivative(f, X0, rng=rng, verbose=False)
    assert passed


def test_exact_hessian_shows_order_3_and_gauss_newton_order_2(rng):
    x0 = rng.standard_normal(6)
    _, table = checkDerivative(smooth, x0, rng=rng, verbose=False)
    assert np.all(orders(table[3:9, 3]) > 2.8)

    def halfHessian(x):
        f, g, H = smooth(x)
        return f, g, lambda v: 0.5 * H(v)

    _, table = checkDerivative(halfHessian, x0, rng=rng, verbose=False)
    assert np.all(orders(table[3:9, 3]) < 2.2)


def test_verdict_is_printed_and_plot_saved(rng, tmp_path, capsys):
    path = tmp_path / "taylor.png"
    checkDerivative(smooth, rng.standard_normal(3), rng=rng, plotFile=str(path))
    out = capsys.readouterr().out
    assert "PASSED" in out and "E1" in out
    assert path.stat().st_size > 1000


def test_adjoint_test_accepts_transpose_and_rejects_wrong_one(rng):
    A = rng.standard_normal((6, 4))
    assert adjointTest(lambda v: A @ v, lambda u: A.T @ u, (4,), (6,), rng=rng)[0]
    B = A.copy()
    B[2, 1] += 1e-6
    passed, relErr = adjointTest(lambda v: A @ v, lambda u: B.T @ u, (4,), (6,), rng=rng)
    assert not passed and relErr > 1e-9


def test_adjoint_test_rejects_wrong_transposes_of_the_layer(rng):
    K, b, Y = rng.standard_normal((4, 3)), 0.1, rng.standard_normal((8, 4))
    Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(K, b, Y)
    U, V = rng.standard_normal(Z.shape), rng.standard_normal(K.shape)
    assert not adjointTest(JK, lambda U: Y.T @ U, V, U)[0]              # forgets sigma'
    assert not adjointTest(JY, lambda U: U @ K.T, rng.standard_normal(Y.shape), U)[0]  # same
    assert not adjointTest(Jb, lambda U: np.sum(U), 1.0, U)[0]                          # same
    assert not adjointTest(lambda v: JK(v) * 1.0, lambda U: 1.001 * JKt(U), V, U)[0]


def test_adjoint_tolerance_follows_the_dtype(rng):
    A = rng.standard_normal((30, 20)).astype(np.float32)
    passed, relErr = adjointTest(lambda v: A @ v, lambda u: A.T @ u,
                                 rng.standard_normal(20).astype(np.float32),
                                 rng.standard_normal(30).astype(np.float32))
    assert passed and relErr < 1e4 * np.finfo(np.float32).eps


def test_objective_gradient_with_a_deliberate_bug_is_rejected(rng):
    n, nf, m, nc = 30, 4, 3, 2
    Y, C = rng.standard_normal((n, nf)), np.eye(nc)[rng.integers(nc, size=n)]

    def buggy(x):
        Ec, dE, H = singleLayerNNObjFun(x, Y, C, m)
        dE = dE.copy()
        dE[nf * m] *= 1.05        # wrong bias derivative
        return Ec, dE

    x = rng.standard_normal(nf * m + 1 + m * nc)
    passed, _ = checkDerivative(buggy, x, v=np.eye(x.size)[nf * m] + 0.1, verbose=False)
    assert not passed


# ------------------------------------------------------------------ at the rounding floor
def crossEntropyProblem(dtype, seed=1, n=35, nc=11):
    rng = np.random.default_rng(seed)
    S = rng.standard_normal((n, nc)).astype(dtype)
    C = rng.random((n, nc))
    C = (C / C.sum(1, keepdims=True)).astype(dtype)
    v = rng.standard_normal((n, nc))
    return S, C, (v / np.linalg.norm(v)).astype(dtype)


def withFixedNoiseModel(monkeypatch):
    """A fixed noise model, not the measured one: noise = 100 eps (|f(x)| + |f(x + h v)|)."""
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
    withFixedNoiseModel(monkeypatch)
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
    withFixedNoiseModel(monkeypatch)
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


def offByConstant(delta):
    """f(x) = 0.5 x^2 with the derivative x + delta: E1 = |h^2/2 - delta h| is order 2 for h >> delta,
    order 1 for h << delta."""
    return lambda x: (0.5 * float(x @ x), x + delta)


def E1orders(table):
    return orders(table[:, 2])


@pytest.mark.parametrize("delta", [1e-4, 1e-5])
def test_a_derivative_off_by_a_tiny_constant_fails_although_the_first_orders_are_2(delta):
    """Catches a verdict that reads the orders of the first (largest) steps instead of the smallest ones.

    All of the last three orders are below 1.8 here, so ``np.any`` for ``np.all`` in the verdict
    passes it too: test_the_verdict_fails_when_only_some_of_the_last_three_orders_are_2 catches that.
    """
    passed, table = checkDerivative(offByConstant(delta), np.ones(1), v=np.ones(1), verbose=False)
    o = E1orders(table)
    assert np.all(o[:6] > 1.9), o          # order 2 for the first steps ...
    assert np.any(o[-3:] < 1.8), o         # ... not for the last ones
    assert not passed


def test_the_right_derivative_of_the_same_function_passes():
    assert checkDerivative(offByConstant(0.0), np.ones(1), v=np.ones(1), verbose=False)[0]


def test_the_verdict_fails_when_only_some_of_the_last_three_orders_are_2():
    """Orders [..., 2, 2, 1] at the smallest steps: one pair below 1.8 must fail the test.

    Catches ``np.any`` for ``np.all`` over the last orders in taylorVerdict.verdict,
    which the all-below-1.8 tables of the off-by-a-constant tests cannot tell apart.
    """
    from support.taylorVerdict import LAST_PAIRS, verdict

    h = 2.0 ** -np.arange(1, 13)
    E1 = h ** 2
    E1[-1] = E1[-2] / 2                                      # the last pair: order 1
    table = np.column_stack([h, h, E1])
    passed, report = verdict(table, 1.0, np.finfo(float).eps)
    assert LAST_PAIRS == 3 and np.allclose(report["last"], [2, 2, 1])
    assert not passed
    E1[-1] = E1[-2] / 4                                      # the same table with order 2 throughout passes
    assert verdict(np.column_stack([h, h, E1]), 1.0, np.finfo(float).eps)[0]


def test_a_derivative_off_by_1e_6_fails_with_mixed_last_orders():
    """f = 0.5 x^2 with derivative x + 1e-6: the last three usable orders mix 2 and below (2.6, 5.3, -2.5)."""
    passed, table = checkDerivative(lambda x: (0.5 * float(x @ x), x + 1e-6), np.ones(1), v=np.ones(1),
                                    verbose=False)
    E1 = table[:, 2]
    last = orders(E1)[-3:]
    assert np.any(last >= 1.8) and np.any(last < 1.8), last
    assert not passed
