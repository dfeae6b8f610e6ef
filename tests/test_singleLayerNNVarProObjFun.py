"""singleLayerNNVarProObjFun (variable projection): derivatives, and what they rest on.

The reduced gradient is exact only at the exact inner minimiser W(K, b); the
Taylor tests below show it passing with a tight inner solve, and the order of
E1 falling to 1, at a level set by the inner gradient, with loose ones.
Target runtime: < 5 s.
"""

import numpy as np
import pytest
from helpers import orders

from checkDerivative import adjointTest, checkDerivative
from classObjFun import classObjFun, solveClassObjFun
from genTikhonov import genTikhonov
from setupPeaks import setupPeaks
from singleLayer import singleLayer
from singleLayerNNObjFun import COURSE_SHIFT, singleLayerNNObjFun
from singleLayerNNVarProObjFun import singleLayerNNVarProObjFun
from support.vecmat import vec

M = 8


TIGHT = {"maxIter": 60, "tolCG": 1e-12, "maxIterCG": 200, "gradTol": 1e-13}


def regW(w):
    return genTikhonov(w, 1e-3)


@pytest.fixture(scope="module")
def peaks():
    """100 Peaks points (nf = 2, nc = 5), a start x = [K(:); b] and a direction v."""
    rng = np.random.default_rng(1)
    Y, C = setupPeaks(100, 5, 64, seed=rng)
    x = rng.standard_normal(2 * M + 1)
    return Y, C, x, rng.standard_normal(x.size)


def innerGradientNorm(x, Y, C, paramCl):
    """|grad_W J| at the W the inner solve returns for x: how far it is from W(K, b)."""
    Z = singleLayer(x[:2 * M].reshape(2, M, order="F"), x[2 * M], Y)[0]
    W, _ = solveClassObjFun(Z, C, paramCl, regW=regW)
    return np.linalg.norm(classObjFun(W, Z, C, regW)[1])


def test_reduced_gradient_passes_taylor_test_with_a_tight_inner_solve(peaks):
    Y, C, x, v = peaks
    passed, table = checkDerivative(lambda x: singleLayerNNVarProObjFun(x, Y, C, M, TIGHT, regW=regW),
                                    x, v=v, nSteps=22, verbose=False)
    order = orders(table[:, 2])
    assert passed and np.all(order[2:20] > 1.8)        # order 2 from h = 2^-3 to 2^-21


def test_loose_inner_solve_makes_E1_order_one_at_a_level_set_by_the_inner_gradient(peaks):
    """E1(h) ~ c h^2 + eps h: eps (E1/h at small h) shrinks with the inner gradient |g_W|."""
    Y, C, x, v = peaks
    tails, gradients = [], []
    for maxIter in (2, 4, 6):
        paramCl = {"maxIter": maxIter, "tolCG": 1e-12, "maxIterCG": 200}
        fun = lambda x, p=paramCl: singleLayerNNVarProObjFun(x, Y, C, M, p, regW=regW)   # noqa: E731
        passed, table = checkDerivative(fun, x, v=v, nSteps=26, verbose=False)
        h, E1 = table[:, 0], table[:, 2]
        order = orders(E1)
        assert not passed and np.all(np.abs(order[-6:] - 1) < 0.1)    # order 1 at the smallest steps
        tails.append(E1[-1] / h[-1])
        gradients.append(innerGradientNorm(x, Y, C, paramCl))
    assert tails[0] > tails[1] > tails[2] and gradients[0] > gradients[1] > gradients[2]
    ratio = np.array(tails) / np.array(gradients)
    assert np.all((ratio > 0.1) & (ratio < 100)), ratio          # eps is a few times |g_W|


def test_reduced_gradient_is_the_full_objective_s_Kb_gradient_at_the_inner_minimiser(peaks):
    """grad Phi = J_Kb' grad_Z E at W(K, b); the W part of the full gradient is -grad R_W there (~0)."""
    Y, C, x, _ = peaks
    Ec, dE, _ = singleLayerNNVarProObjFun(x, Y, C, M, TIGHT, regW=regW)
    Z = singleLayer(x[:2 * M].reshape(2, M, order="F"), x[2 * M], Y)[0]
    W, _ = solveClassObjFun(Z, C, TIGHT, regW=regW)
    xFull = np.concatenate([x, vec(W)])
    EFull, dEFull, _ = singleLayerNNObjFun(xFull, Y, C, M, bias=True)
    np.testing.assert_allclose(dE, dEFull[:x.size], rtol=1e-10, atol=1e-14)
    assert Ec == pytest.approx(EFull + regW(vec(W))[0], rel=1e-14)
    assert np.linalg.norm(dEFull[x.size:] + regW(vec(W))[1]) < 1e-12


def test_courseValue_leaves_out_the_W_regulariser(peaks):
    Y, C, x, _ = peaks
    ours = singleLayerNNVarProObjFun(x, Y, C, M, TIGHT, regW=regW)
    course = singleLayerNNVarProObjFun(x, Y, C, M, TIGHT, regW=regW, courseValue=True)
    Z = singleLayer(x[:2 * M].reshape(2, M, order="F"), x[2 * M], Y)[0]
    W, _ = solveClassObjFun(Z, C, TIGHT, regW=regW)
    assert ours[0] - course[0] == pytest.approx(regW(vec(W))[0], rel=1e-12)
    np.testing.assert_array_equal(ours[1], course[1])


def test_regKb_adds_its_value_gradient_and_hessian(peaks):
    Y, C, x, v = peaks
    reg = lambda x: genTikhonov(x, 0.1)                    # noqa: E731
    plain = singleLayerNNVarProObjFun(x, Y, C, M, TIGHT)
    withReg = singleLayerNNVarProObjFun(x, Y, C, M, TIGHT, regKb=reg)
    assert withReg[0] == pytest.approx(plain[0] + 0.05 * x @ x, rel=1e-14)
    np.testing.assert_allclose(withReg[1], plain[1] + 0.1 * x, rtol=1e-14)
    np.testing.assert_allclose(withReg[2](v), plain[2](v) + 0.1 * v, rtol=1e-14)


@pytest.mark.parametrize("shift, hessian", [(0.0, "full"), (COURSE_SHIFT, "course")])
def test_H_is_the_Kb_block_of_the_full_objective_s_hessian_at_the_inner_minimiser(peaks, shift, hessian):
    """H: Gauss-Newton in (K, b) with W fixed, = the (K, b) block of singleLayerNNObjFun's H."""
    Y, C, x, v = peaks
    _, _, H = singleLayerNNVarProObjFun(x, Y, C, M, TIGHT, regW=regW, hessianShift=shift)
    Z = singleLayer(x[:2 * M].reshape(2, M, order="F"), x[2 * M], Y)[0]
    W, _ = solveClassObjFun(Z, C, TIGHT, regW=regW, hessianShift=shift)
    _, _, HFull = singleLayerNNObjFun(np.concatenate([x, vec(W)]), Y, C, M, bias=True, hessian=hessian)
    np.testing.assert_allclose(H(v), HFull(np.concatenate([v, np.zeros(W.size)]))[:x.size], rtol=1e-12)


def test_H_is_symmetric_positive_semidefinite(peaks):
    Y, C, x, _ = peaks
    _, _, H = singleLayerNNVarProObjFun(x, Y, C, M, regKb=lambda x: genTikhonov(x, 1e-4))
    rng = np.random.default_rng(5)
    passed, err = adjointTest(H, H, (x.size,), (x.size,), rng=rng)
    assert passed, err
    for _ in range(5):
        u = rng.standard_normal(x.size)
        assert u @ H(u) >= 0


@pytest.mark.parametrize("change, error, message", [
    ({"x": "full"}, ValueError, r"length of singleLayerNNObjFun's x = \[K\(:\); b; W\(:\)\]: VarPro's x is"),
    ({"paramCl": {"maxiter": 3}}, ValueError, r"paramCl \(the inner newtonCG's param\).*mean 'maxIter'"),
    ({"paramCl": [20]}, TypeError, "paramCl must be a dict"),
    ({"regW": 1e-10}, TypeError, "regW must be callable"),
    ({"hessianShift": -1.0}, ValueError, "hessianShift must be >= 0"),
    ({"Y": "T"}, ValueError, "course's column layout"),
])
def test_bad_input_names_the_argument(peaks, change, error, message):
    Y, C, x, _ = peaks
    args = dict(x=x, Y=Y, C=C, m=M)
    if change.get("x") == "full":
        change = {"x": np.zeros(2 * M + 1 + (M + 1) * 5)}
    if change.get("Y") == "T":
        change = {"Y": Y.T, "C": C.T}
    with pytest.raises(error, match=message):
        singleLayerNNVarProObjFun(**{**args, **change})
