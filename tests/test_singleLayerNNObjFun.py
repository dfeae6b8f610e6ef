"""singleLayerNNObjFun: gradient (Taylor test) and the Gauss-Newton Hessian."""

import numpy as np
import pytest

from checkDerivative import adjointTest, checkDerivative
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
    order2 = np.log2(table[6:10, 3] / table[7:11, 3])
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
    assert np.all(np.log2(table[4:9, 3] / table[5:10, 3]) > 2.8)


def test_H_matches_J_transpose_J_formed_explicitly(problem):
    """H = J' (Hess_S E) J, with J the Jacobian of vec(S) w.r.t. x, formed by finite columns."""
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
