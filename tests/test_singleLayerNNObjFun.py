"""singleLayerNNObjFun: gradient (Taylor test) and the Gauss-Newton Hessian; every activation; the
classifier bias (W with m+1 rows), splitX, and the course's block-diagonal H option (``hessian="course"``).
"""

import numpy as np
import pytest
from helpers import ACTIVATIONS, orders

from checkDerivative import adjointTest, checkDerivative
from newtonCG import newtonCG
from singleLayer import singleLayer
from singleLayerNNObjFun import singleLayerNNObjFun, splitX
from softMax import softMax
from support.vecmat import vec

n, nf, m, nc = 50, 6, 5, 3


@pytest.fixture
def problem():
    rng = np.random.default_rng(3)
    Y = rng.standard_normal((n, nf))
    C = np.eye(nc)[rng.integers(nc, size=n)]
    x = rng.standard_normal(nf * m + 1 + m * nc)
    return x, Y, C, rng


def test_x_is_stacked_column_major(problem):
    x, Y, C, _ = problem
    K, b, W = splitX(x, nf, m, nc)
    np.testing.assert_array_equal(np.concatenate([vec(K), [b], vec(W)]), x)
    assert K[1, 0] == x[1] and K[0, 1] == x[nf]      # K(:) runs down the columns


def test_value_is_cross_entropy_of_the_network(problem):
    x, Y, C, _ = problem
    K, b, W = splitX(x, nf, m, nc)
    E = softMax(W, singleLayer(K, b, Y)[0], C)[0]
    assert singleLayerNNObjFun(x, Y, C, m)[0] == E


def test_value_only_evaluation_matches_and_skips_the_gradient(problem):
    x, Y, C, _ = problem
    Ec, dE, H = singleLayerNNObjFun(x, Y, C, m, doDerivative=False)
    assert dE is None and H is None
    assert Ec == singleLayerNNObjFun(x, Y, C, m)[0]


def test_gradient_passes_taylor_test(problem):
    x, Y, C, rng = problem
    passed, table = checkDerivative(lambda x: singleLayerNNObjFun(x, Y, C, m)[:2], x, rng=rng,
                                    verbose=False)
    assert passed


def test_gauss_newton_E2_is_order_2_not_3(problem):
    """Documented behaviour: H drops the second-order term of sigma, so E2 = O(h^2)."""
    x, Y, C, rng = problem
    passed, table = checkDerivative(lambda x: singleLayerNNObjFun(x, Y, C, m), x, rng=rng,
                                    verbose=False)
    assert passed and table.shape[1] == 4
    order2 = orders(table[6:11, 3])
    assert np.all(np.abs(order2 - 2) < 0.2), order2


def test_H_is_symmetric(problem):
    x, Y, C, rng = problem
    H = singleLayerNNObjFun(x, Y, C, m)[2]
    passed, relErr = adjointTest(H, H, rng.standard_normal(x.size), rng.standard_normal(x.size))
    assert passed, relErr


def test_H_is_positive_semidefinite_on_random_vectors(problem):
    x, Y, C, rng = problem
    H = singleLayerNNObjFun(x, Y, C, m)[2]
    for _ in range(20):
        v = rng.standard_normal(x.size) * rng.choice([1e-3, 1, 1e3])
        assert v @ H(v) >= -1e-12 * np.linalg.norm(v) * np.linalg.norm(H(v))


def test_H_is_the_exact_hessian_on_the_W_block(problem):
    """S = Z W is linear in W, so there Gauss-Newton drops nothing."""
    x, Y, C, rng = problem
    H = singleLayerNNObjFun(x, Y, C, m)[2]
    K, b, W = splitX(x, nf, m, nc)
    d2EW = softMax(W, singleLayer(K, b, Y)[0], C)[2]
    VW = rng.standard_normal((m, nc))
    v = np.concatenate([np.zeros(nf * m + 1), vec(VW)])
    np.testing.assert_allclose(H(v)[nf * m + 1:], vec(d2EW(VW)), rtol=1e-13, atol=1e-15)
    # and the Hessian of E restricted to W passes the Taylor test with order 3
    Kf, bf = K, b

    def fW(w):
        return singleLayerNNObjFun(np.concatenate([vec(Kf), [bf], w]), Y, C, m)[0:3]

    def fWblock(w):
        Ec, dE, Hx = fW(w)
        pad = np.zeros(nf * m + 1)
        return Ec, dE[nf * m + 1:], lambda vw: Hx(np.concatenate([pad, vw]))[nf * m + 1:]

    passed, table = checkDerivative(fWblock, vec(W), rng=rng, verbose=False)
    assert passed
    assert np.all(orders(table[4:10, 3]) > 2.8)


def test_H_matches_J_transpose_J_formed_explicitly(problem):
    """H = J' (Hess_S E) J formed explicitly: J column by column from singleLayer's JK, Jb (Taylor-tested in
    test_singleLayer.py) applied to unit vectors, Hess_S E block by block from the softmax P."""
    x, Y, C, rng = problem
    Ec, dE, H = singleLayerNNObjFun(x, Y, C, m)
    K, b, W = splitX(x, nf, m, nc)
    Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(K, b, Y)
    cols = []
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = 1
        eK, eb, eW = splitX(e, nf, m, nc)
        cols.append(vec((JK(eK) + Jb(eb)) @ W + Z @ eW))
    J = np.array(cols).T                                 # (n*nc) x len(x)
    S = Z @ W
    P = np.exp(S - S.max(1, keepdims=True))
    P /= P.sum(1, keepdims=True)
    blocks = np.zeros((n * nc, n * nc))                  # Hess_S E in vec(S) ordering
    for i in range(n):
        idx = i + n * np.arange(nc)
        blocks[np.ix_(idx, idx)] = (np.diag(P[i]) - np.outer(P[i], P[i])) / n
    Hfull = J.T @ blocks @ J
    v = rng.standard_normal(x.size)
    np.testing.assert_allclose(H(v), Hfull @ v, rtol=1e-10, atol=1e-13)


def test_float32_stays_float32(problem):
    x, Y, C, _ = problem
    Ec, dE, H = singleLayerNNObjFun(x.astype(np.float32), Y.astype(np.float32),
                                    C.astype(np.float32), m)
    assert Ec.dtype == dE.dtype == H(dE).dtype == np.float32
    Ec64 = singleLayerNNObjFun(x, Y, C, m)[0]
    np.testing.assert_allclose(Ec, Ec64, rtol=1e-5)


# ------------------------------------------------------------------ every activation
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_objective_gradient_with_the_activation_passes_taylor_test(name):
    rng = np.random.default_rng(7)
    n, nf, m, nc = 30, 3, 5, 4
    Y, C = rng.standard_normal((n, nf)), np.eye(nc)[rng.integers(nc, size=n)]
    x = 0.5 * rng.standard_normal(nf * m + 1 + m * nc)
    passed, _ = checkDerivative(lambda x: singleLayerNNObjFun(x, Y, C, m, act=name)[:2], x, rng=rng,
                                verbose=False)
    assert passed


# ------------------------------------------------------------------ the classifier bias (W with m+1 rows)
nBias = 40      # examples of the bias tests (nf, m, nc as above)


@pytest.fixture
def biasData():
    rng = np.random.default_rng(7)
    Y = rng.standard_normal((nBias, nf))
    C = rng.random((nBias, nc))
    C /= C.sum(axis=1, keepdims=True)
    return Y, C, rng


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


def test_objective_with_bias_is_the_softMax_of_the_layer(biasData):
    Y, C, rng = biasData
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
def test_objective_with_bias_gradient_passes_taylor_test_and_H_is_symmetric_psd(biasData, hessian):
    Y, C, rng = biasData
    x = rng.standard_normal(nf * m + 1 + (m + 1) * nc)
    assert checkDerivative(lambda x: singleLayerNNObjFun(x, Y, C, m, hessian=hessian, bias=True)[:2], x,
                           rng=rng, verbose=False)[0]
    H = singleLayerNNObjFun(x, Y, C, m, hessian=hessian, bias=True)[2]
    u, v = rng.standard_normal((2, x.size))
    assert abs(u @ H(v) - v @ H(u)) <= 1e-13 * np.linalg.norm(u) * np.linalg.norm(H(v))
    assert v @ H(v) > 0


def test_course_hessian_is_block_diagonal_with_the_1e5_shift(biasData):
    Y, C, rng = biasData
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


@pytest.mark.parametrize("hessian", ["full", "course"])
def test_H_includes_the_regularisers_Hessian(problem, hessian):
    """With reg = genTikhonov(lam), H v grows by exactly lam v (Hess R = lam I): the Newton step sees R.

    Catches an H that drops ``+ d2R(v)`` (the gradient keeps R, so only H shows it).
    """
    from genTikhonov import genTikhonov

    x, Y, C, rng = problem
    lam, v = 0.37, rng.standard_normal(x.size)
    H0 = singleLayerNNObjFun(x, Y, C, m, hessian=hessian)[2]
    HR = singleLayerNNObjFun(x, Y, C, m, reg=lambda x: genTikhonov(x, lam), hessian=hessian)[2]
    np.testing.assert_allclose(HR(v) - H0(v), lam * v, rtol=1e-12, atol=1e-14)
