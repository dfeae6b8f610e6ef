"""genTikhonov and the slide's alpha R(W, K, b) in singleLayerNNObjFun: Taylor and adjoint tests.

Target runtime: < 5 s.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from helpers import orders

from checkDerivative import adjointTest, checkDerivative
from genTikhonov import genTikhonov
from singleLayerNNObjFun import singleLayerNNObjFun
from support.vecmat import mat, vec

rng0 = np.random.default_rng(11)
nx = 12
D = np.diff(np.eye(nx), axis=0)                    # (nx-1) x nx first differences
OPERATORS = {"identity": None, "scalar": 2.0, "dense": rng0.standard_normal((7, nx)),
             "sparse": sp.csr_matrix(D), "columns": rng0.standard_normal((5, 4))}   # 4 divides 12


def reference(x, lam, L):
    """0.5 lam ||L X||_F^2 with L a dense matrix acting on the columns of X = mat(x)."""
    if L is None:
        L = np.eye(x.size)
    elif np.isscalar(L):
        L = L * np.eye(x.size)
    L = L.toarray() if sp.issparse(L) else L
    X = mat(x, (L.shape[1], x.size // L.shape[1]))
    return 0.5 * lam * np.sum((L @ X) ** 2), vec(lam * L.T @ L @ X)


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_value_and_gradient_match_the_formula(name):
    x = rng0.standard_normal(nx)
    Rc, dR, d2R = genTikhonov(x, lam=0.3, L=OPERATORS[name])
    Rref, dRref = reference(x, 0.3, OPERATORS[name])
    np.testing.assert_allclose(Rc, Rref, rtol=1e-13)
    np.testing.assert_allclose(dR, dRref, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(d2R(x), dR, rtol=1e-13, atol=1e-14)   # R is quadratic: H x = grad R


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_gradient_passes_taylor_test_and_hessian_is_exact(name):
    """R is quadratic, so E2 = |R(x+hv) - R - h dR'v - h^2/2 v'Hv| is rounding only."""
    rng = np.random.default_rng(12)
    x = rng.standard_normal(nx)
    passed, table = checkDerivative(lambda x: genTikhonov(x, 0.7, OPERATORS[name]), x, rng=rng,
                                    verbose=False)
    assert passed
    f0 = genTikhonov(x, 0.7, OPERATORS[name])[0]
    assert np.all(table[:, 3] <= 1e-13 * (abs(f0) + table[0, 2]))


def test_taylor_test_catches_wrong_gradient_and_wrong_hessian():
    L = OPERATORS["dense"]
    x = rng0.standard_normal(nx)

    def wrongGradient(x):  # forgets L': lam L x has the wrong size, so use lam x
        Rc, dR, d2R = genTikhonov(x, 0.7, L)
        return Rc, 0.7 * x
    assert not checkDerivative(wrongGradient, x, rng=1, verbose=False)[0]

    def wrongHessian(x):  # lam L L' cannot act on x; 2 lam L'L is the classic factor-2 slip
        Rc, dR, d2R = genTikhonov(x, 0.7, L)
        return Rc, dR, lambda v: 2 * d2R(v)
    table = checkDerivative(wrongHessian, x, rng=1, verbose=False)[1]
    assert np.max(table[:, 3]) > 1e-3 * table[0, 2]


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_hessian_is_symmetric_positive_semidefinite(name):
    rng = np.random.default_rng(13)
    d2R = genTikhonov(rng.standard_normal(nx), 0.5, OPERATORS[name])[2]
    passed, relErr = adjointTest(d2R, d2R, (nx,), (nx,), rng=rng)
    assert passed, relErr
    for _ in range(10):
        v = rng.standard_normal(nx)
        assert v @ d2R(v) >= -1e-14 * np.linalg.norm(v) ** 2


def test_matrix_x_and_float32_keep_their_shape_and_dtype():
    X = np.arange(6, dtype=np.float32).reshape(2, 3)
    Rc, dR, d2R = genTikhonov(X, lam=2.0)
    assert dR.shape == (2, 3) and dR.dtype == np.float32 and d2R(vec(X)).shape == (2, 3)
    np.testing.assert_allclose(Rc, np.sum(X.astype(float) ** 2), rtol=1e-6)


# ---- wired into the objective: E(Z W, C) + alpha R(W, K, b)
n, nf, m, nc = 40, 4, 5, 3


@pytest.fixture
def problem():
    rng = np.random.default_rng(14)
    Y, C = rng.standard_normal((n, nf)), np.eye(nc)[rng.integers(nc, size=n)]
    x = rng.standard_normal(nf * m + 1 + m * nc)
    return x, Y, C, rng


def reg(x):
    return genTikhonov(x, lam=0.05)


def test_objective_adds_R_to_value_gradient_and_hessian(problem):
    x, Y, C, rng = problem
    E0, dE0, H0 = singleLayerNNObjFun(x, Y, C, m)
    E1, dE1, H1 = singleLayerNNObjFun(x, Y, C, m, reg=reg)
    v = rng.standard_normal(x.size)
    np.testing.assert_allclose(E1, E0 + 0.5 * 0.05 * x @ x, rtol=1e-14)
    np.testing.assert_allclose(dE1, dE0 + 0.05 * x, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(H1(v), H0(v) + 0.05 * v, rtol=1e-13, atol=1e-15)
    assert singleLayerNNObjFun(x, Y, C, m, doDerivative=False, reg=reg)[0] == E1


def test_regularised_objective_gradient_passes_taylor_test(problem):
    x, Y, C, rng = problem
    L = sp.random(x.size, x.size, density=0.3, random_state=1) + sp.eye(x.size)
    def fun(x):
        return singleLayerNNObjFun(x, Y, C, m, reg=lambda x: genTikhonov(x, 0.1, L))
    passed, _ = checkDerivative(fun, x, rng=rng, verbose=False)
    assert passed


def test_regularised_H_is_exact_on_the_W_block_and_symmetric(problem):
    """On the W block S = Z W is linear: E + R has exact Hessian there, so E2 has order 3."""
    x, Y, C, rng = problem
    L = rng.standard_normal((x.size, x.size))
    iW = nf * m + 1

    def fW(w):
        Ec, dE, H = singleLayerNNObjFun(np.concatenate([x[:iW], w]), Y, C, m,
                                        reg=lambda x: genTikhonov(x, 0.1, L))
        return Ec, dE[iW:], lambda vw: H(np.concatenate([np.zeros(iW), vw]))[iW:]

    passed, table = checkDerivative(fW, x[iW:], rng=rng, verbose=False)
    assert passed
    assert np.all(orders(table[4:10, 3]) > 2.8)
    H = singleLayerNNObjFun(x, Y, C, m, reg=lambda x: genTikhonov(x, 0.1, L))[2]
    assert adjointTest(H, H, (x.size,), (x.size,), rng=rng)[0]


# ---- bad input
def test_L_that_does_not_match_x_is_rejected_with_both_shapes():
    with pytest.raises(ValueError, match=r"L must have len\(x\) = 12 columns.*got L with shape \(3, 5\)"):
        genTikhonov(np.ones(12), L=np.ones((3, 5)))
    with pytest.raises(ValueError, match=r"L must have len\(x\) = 33 columns.*\(4, 4\)"):
        singleLayerNNObjFun(np.ones(33), np.ones((6, 5)), np.eye(3)[[0, 1, 2, 0, 1, 2]], 4,
                            reg=lambda x: genTikhonov(x, L=np.eye(4)))


@pytest.mark.parametrize("L, error, message", [("I", TypeError, "L must be a real array"),
                                               (np.ones(12), ValueError, "L must be 2-D"),
                                               (np.full((2, 12), np.nan), ValueError, "L must be finite")])
def test_bad_L(L, error, message):
    with pytest.raises(error, match=message):
        genTikhonov(np.ones(12), L=L)


def test_bad_lam_and_bad_regulariser_outputs():
    with pytest.raises(ValueError, match="lam must be >= 0"):
        genTikhonov(np.ones(3), lam=-1)
    x, Y, C = np.ones(33), np.ones((6, 5)), np.eye(3)[[0, 1, 2, 0, 1, 2]]
    with pytest.raises(TypeError, match=r"reg\(x\) must return a tuple \(Rc, dR, d2R\)"):
        singleLayerNNObjFun(x, Y, C, 4, reg=lambda x: 0.5 * x @ x)
    with pytest.raises(ValueError, match=r"dR = reg\(x\)\[1\] must have the 33 entries of x, got shape"):
        singleLayerNNObjFun(x, Y, C, 4, reg=lambda x: (0.0, x[:-1], lambda v: v))
    with pytest.raises(TypeError, match="reg must be callable"):
        singleLayerNNObjFun(x, Y, C, 4, reg=0.1)


D = np.array([[-1.0, 1.0, 0.0], [0.0, -1.0, 1.0]])    # 2 x 3: first differences of each column


def test_a_2_by_3_L_on_x_of_length_6_acts_on_each_column_of_the_3_by_2_mat_x():
    """R = 0.5 lam ||kron(I_2, L) x||^2 written out. Catches mat(x) read with L's rows (square L hides it)."""
    rng = np.random.default_rng(9)
    x, v, lam = rng.standard_normal(6), rng.standard_normal(6), 0.7
    Lbig = np.kron(np.eye(2), D)                       # L on both columns of the 3 x 2 matrix mat(x)
    Rc, dR, d2R = genTikhonov(x, lam, D)
    assert Rc == pytest.approx(0.5 * lam * np.sum((Lbig @ x) ** 2), rel=1e-14)
    np.testing.assert_allclose(vec(dR), lam * Lbig.T @ Lbig @ x, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(vec(d2R(v)), lam * Lbig.T @ Lbig @ v, rtol=1e-14, atol=1e-15)


def test_a_non_square_L_passes_the_Taylor_test_with_its_Hessian():
    rng = np.random.default_rng(10)
    passed, table = checkDerivative(lambda x: genTikhonov(x, 0.7, D), rng.standard_normal(6), verbose=False)
    assert passed
