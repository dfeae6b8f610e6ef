"""The classifier bias (W with m+1 rows, S = [Z, 1] W) and the course's block-diagonal H option.

Every course example trains with the bias; here it is Taylor- and adjoint-tested
like the rest, a W of any other size is an error, and the course's Hessian
(``hessian="course"``) is compared with the full Gauss-Newton one.
"""

import numpy as np
import pytest

from checkDerivative import checkDerivative
from newtonCG import newtonCG
from singleLayer import singleLayer
from singleLayerAdvObjFun import singleLayerAdvObjFun
from singleLayerNNObjFun import singleLayerNNObjFun, splitX
from softMax import softMax
from support.vecmat import vec

n, nf, m, nc = 40, 6, 5, 3


@pytest.fixture
def data():
    rng = np.random.default_rng(7)
    Y = rng.standard_normal((n, nf))
    C = rng.random((n, nc))
    C /= C.sum(axis=1, keepdims=True)
    return Y, C, rng


def test_softMax_bias_row_is_added_to_every_row_of_S(data):
    _, C, rng = data
    Z, W = rng.standard_normal((n, m)), rng.standard_normal((m + 1, nc))
    S = Z @ W[:m] + W[m]
    P = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)
    E = softMax(W, Z, C, bias=True)[0]
    np.testing.assert_allclose(E, -np.sum(C * np.log(P)) / n, rtol=1e-14)
    # the same as no bias with Z extended by a column of ones
    np.testing.assert_allclose(E, softMax(W, np.column_stack([Z, np.ones(n)]), C)[0], rtol=1e-15)


@pytest.mark.parametrize("which", ["W", "Z"])
def test_softMax_with_bias_gradients_and_exact_hessians_pass_taylor_test(data, which):
    _, C, rng = data
    Z, W = rng.standard_normal((n, m)), rng.standard_normal((m + 1, nc))

    def f(X):
        E, dEW, d2EW, dEZ, d2EZ = softMax(X, Z, C, bias=True) if which == "W" else softMax(W, X, C, bias=True)
        return (E, dEW, d2EW) if which == "W" else (E, dEZ, d2EZ)

    passed, table = checkDerivative(f, W if which == "W" else Z, rng=rng, verbose=False)
    assert passed
    order2 = np.log2(table[5:10, 3] / table[6:11, 3])   # exact Hessian: E2 = O(h^3)
    assert np.all(order2 > 2.8), order2


def test_softMax_hessianShift_adds_shift_times_v(data):
    _, C, rng = data
    Z, W = rng.standard_normal((n, m)), rng.standard_normal((m + 1, nc))
    VW, VZ = rng.standard_normal(W.shape), rng.standard_normal(Z.shape)
    _, _, d2EW, _, d2EZ = softMax(W, Z, C, bias=True)
    _, _, d2EWs, _, d2EZs = softMax(W, Z, C, bias=True, hessianShift=1e-5)
    np.testing.assert_allclose(d2EWs(VW), d2EW(VW) + 1e-5 * VW, rtol=1e-13, atol=1e-17)
    np.testing.assert_allclose(d2EZs(VZ), d2EZ(VZ) + 1e-5 * VZ, rtol=1e-13, atol=1e-17)


@pytest.mark.parametrize("rows", [m - 1, m + 2, 2 * m])
@pytest.mark.parametrize("bias", [False, True])
def test_softMax_rejects_W_of_any_other_size(data, rows, bias):
    _, C, rng = data
    expected = m + 1 if bias else m
    plus = r" \+ 1" if bias else ""
    with pytest.raises(ValueError, match=rf"W must have Z.shape\[1\]{plus} = {expected} "
                                         rf"rows.*got W with shape \({rows}, {nc}\)"):
        softMax(rng.standard_normal((rows, nc)), rng.standard_normal((n, m)), C, bias=bias)


def test_the_bias_is_never_guessed_from_the_size_of_W(data):
    _, C, rng = data
    Z = rng.standard_normal((n, m))
    with pytest.raises(ValueError, match=r"W has m\+1 rows; if its last row is the classifier bias"):
        softMax(rng.standard_normal((m + 1, nc)), Z, C)
    with pytest.raises(ValueError, match=r"W has m rows; pass bias=False"):
        softMax(rng.standard_normal((m, nc)), Z, C, bias=True)
    with pytest.raises(TypeError, match="bias must be True or False, got int 1"):
        softMax(rng.standard_normal((m + 1, nc)), Z, C, bias=1)


def test_splitX_with_bias_gives_W_m_plus_1_rows_and_is_the_inverse_of_stacking():
    x = np.arange(nf * m + 1 + (m + 1) * nc, dtype=float)
    K, b, W = splitX(x, nf, m, nc, bias=True)
    assert K.shape == (nf, m) and W.shape == (m + 1, nc) and b == nf * m
    np.testing.assert_array_equal(np.concatenate([vec(K), [b], vec(W)]), x)
    with pytest.raises(ValueError, match=r"its length is the one with the classifier bias; pass bias=True"):
        splitX(x, nf, m, nc)
    with pytest.raises(ValueError, match=r"length nf\*m \+ 1 \+ \(m\+1\)\*nc = 6\*5 \+ 1 \+ 6\*3 = 49, "
                                         r"got shape \(48,\)"):
        splitX(x[:-1], nf, m, nc, bias=True)


def test_objective_with_bias_is_the_softMax_of_the_layer(data):
    Y, C, rng = data
    x = rng.standard_normal(nf * m + 1 + (m + 1) * nc)
    K, b, W = splitX(x, nf, m, nc, bias=True)
    Ec, dE, _ = singleLayerNNObjFun(x, Y, C, m, bias=True)
    Z = singleLayer(K, b, Y)[0]
    E, dEW, _, dEZ, _ = softMax(W, Z, C, bias=True)
    assert Ec == pytest.approx(E, rel=1e-15)
    np.testing.assert_allclose(splitX(dE, nf, m, nc, bias=True)[2], dEW, rtol=1e-13)
    with pytest.raises(ValueError, match="pass bias=True"):
        singleLayerNNObjFun(x, Y, C, m)


@pytest.mark.parametrize("hessian", ["full", "course"])
def test_objective_with_bias_gradient_passes_taylor_test_and_H_is_symmetric_psd(data, hessian):
    Y, C, rng = data
    x = rng.standard_normal(nf * m + 1 + (m + 1) * nc)
    assert checkDerivative(lambda x: singleLayerNNObjFun(x, Y, C, m, hessian=hessian, bias=True)[:2], x,
                           rng=rng, verbose=False)[0]
    H = singleLayerNNObjFun(x, Y, C, m, hessian=hessian, bias=True)[2]
    u, v = rng.standard_normal((2, x.size))
    assert abs(u @ H(v) - v @ H(u)) <= 1e-13 * np.linalg.norm(u) * np.linalg.norm(H(v))
    assert v @ H(v) > 0


def test_course_hessian_is_block_diagonal_with_the_1e5_shift(data):
    Y, C, rng = data
    x = rng.standard_normal(nf * m + 1 + (m + 1) * nc)
    H = singleLayerNNObjFun(x, Y, C, m, hessian="course", bias=True)[2]
    nKb = nf * m + 1
    vKb = np.concatenate([rng.standard_normal(nKb), np.zeros(x.size - nKb)])
    vW = np.concatenate([np.zeros(nKb), rng.standard_normal(x.size - nKb)])
    assert np.all(H(vKb)[nKb:] == 0) and np.all(H(vW)[:nKb] == 0)   # no (K, b)-W coupling
    K, b, W = splitX(x, nf, m, nc, bias=True)
    Z = singleLayer(K, b, Y)[0]
    d2EW = softMax(W, Z, C, bias=True, hessianShift=1e-5)[2]
    np.testing.assert_allclose(H(vW)[nKb:], vec(d2EW(vW[nKb:])), rtol=1e-12)


def test_full_gauss_newton_H_converges_faster_than_the_courses_on_the_inverse_crime():
    """With CG given room (adaptive forcing, 100 steps) the coupling between (K, b) and W pays.

    With the course's CG defaults (tolCG 1e-2, 10 steps, pcg's least-residual iterate) the two
    Hessians end within 10% of each other after 20 iterations: the short CG solve, not H, limits.
    """
    rng = np.random.default_rng(3)
    n, nf, nc, m = 500, 50, 10, 40            # the slides' inverse crime, with the course's bias
    Ktrue, Wtrue = rng.standard_normal((nf, m)), rng.standard_normal((m + 1, nc))
    Y = rng.standard_normal((n, nf))
    S = singleLayer(Ktrue, 0.1, Y)[0] @ Wtrue[:m] + Wtrue[m]
    Cobs = np.exp(S - S.max(axis=1, keepdims=True))
    Cobs /= Cobs.sum(axis=1, keepdims=True)
    x0 = 0.1 * rng.standard_normal(nf * m + 1 + (m + 1) * nc)
    final = {}
    for hessian in ("full", "course"):
        def fun(x, h=hessian):
            return singleLayerNNObjFun(x, Y, Cobs, m, hessian=h, bias=True)
        param = {"maxIter": 20, "forcing": "adaptive", "maxIterCG": 100, "verbose": False}
        _, his, _ = newtonCG(fun, x0, param)
        final[hessian] = his["obj"][-1]
    Emin = -np.sum(Cobs * np.log(Cobs)) / n
    assert final["full"] - Emin < 0.5 * (final["course"] - Emin), final


def test_adversarial_objective_with_bias_passes_taylor_test(data):
    _, _, rng = data
    K, b, W = rng.standard_normal((nf, m)), 0.2, rng.standard_normal((m + 1, nc))
    y, c = rng.standard_normal(nf), np.eye(nc)[1]
    d0 = 0.1 * rng.standard_normal(nf)
    assert checkDerivative(lambda d: singleLayerAdvObjFun(d, y, K, b, W, c, bias=True)[:2], d0, rng=rng,
                           verbose=False)[0]
    Z = singleLayer(K, b, (y + d0)[None])[0]
    assert singleLayerAdvObjFun(d0, y, K, b, W, c, bias=True)[0] == pytest.approx(
        softMax(W, Z, c[None], bias=True)[0], rel=1e-14)
    with pytest.raises(ValueError, match=r"W must have K.shape\[1\] \+ 1 = 6 rows"):
        singleLayerAdvObjFun(d0, y, K, b, W[:-2], c, bias=True)
