"""singleLayerAdvObjFun: Taylor/adjoint tests of gradient and Gauss-Newton H; the search flips the class;
the classifier bias.

Target runtime: < 5 s.
"""

import numpy as np
import pytest
from helpers import orders

from checkDerivative import adjointTest, checkDerivative
from genTikhonov import genTikhonov
from newtonCG import newtonCG
from singleLayer import singleLayer
from singleLayerAdvObjFun import singleLayerAdvObjFun
from softMax import softMax
from steepestDescent import steepestDescent

nf, m, nc = 8, 6, 4


def identity(Y, doDerivative=True):
    """sigma(y) = y: the layer is linear in d, so Gauss-Newton drops nothing."""
    return Y.copy(), np.ones_like(Y) if doDerivative else None


@pytest.fixture
def net():
    rng = np.random.default_rng(31)
    K, b, W = rng.standard_normal((nf, m)) / np.sqrt(nf), 0.2, rng.standard_normal((m, nc))
    Y, C = rng.standard_normal((3, nf)), np.eye(nc)[[1, 3, 0]]
    return K, b, W, Y, C, rng


def reg(d):
    return genTikhonov(d, 0.3)


@pytest.mark.parametrize("act", ["tanh", "smoothRelu", "sine"])
def test_gradient_passes_taylor_test(net, act):
    K, b, W, Y, C, rng = net
    d0 = 0.3 * rng.standard_normal(Y.shape)
    passed, _ = checkDerivative(lambda d: singleLayerAdvObjFun(d, Y, K, b, W, C, act, reg=reg)[:2], d0,
                                rng=rng, verbose=False)
    assert passed


def test_gauss_newton_hessian_E2_is_order_2_for_tanh(net):
    K, b, W, Y, C, rng = net
    passed, table = checkDerivative(lambda d: singleLayerAdvObjFun(d, Y, K, b, W, C, reg=reg),
                                    np.zeros(Y.shape), rng=rng, verbose=False)
    assert passed
    assert np.all(np.abs(orders(table[6:11, 3]) - 2) < 0.3)


def test_hessian_is_exact_for_a_linear_activation_so_E2_is_order_3(net):
    """With sigma(y) = y nothing is dropped: E2 = O(h^3) shows H = J' Hess_S E J + lam I is right."""
    K, b, W, Y, C, rng = net
    passed, table = checkDerivative(lambda d: singleLayerAdvObjFun(d, Y, K, b, W, C, identity, reg=reg),
                                    np.zeros(Y.shape), rng=rng, verbose=False)
    assert passed
    assert np.all(orders(table[3:9, 3]) > 2.8)


def test_taylor_test_catches_wrong_gradient_and_wrong_hessian(net):
    K, b, W, Y, C, rng = net

    def wrongGradient(d):  # forgets sigma': J_Y' u replaced by u K'
        Ec, dE, H = singleLayerAdvObjFun(d, Y, K, b, W, C)
        S = np.tanh((Y + d) @ K + b) @ W
        P = np.exp(S - S.max(1, keepdims=True))
        P /= P.sum(1, keepdims=True)
        return Ec, ((P - C) / Y.shape[0]) @ W.T @ K.T
    assert not checkDerivative(wrongGradient, np.zeros(Y.shape), rng=rng, verbose=False)[0]

    def wrongHessian(d):  # the regulariser's Hessian forgotten
        Ec, dE, H = singleLayerAdvObjFun(d, Y, K, b, W, C, identity, reg=reg)
        return Ec, dE, lambda v: H(v) - 0.3 * v
    table = checkDerivative(wrongHessian, np.zeros(Y.shape), rng=rng, verbose=False)[1]
    assert not np.all(orders(table[3:9, 3]) > 2.8)


def test_hessian_is_symmetric_psd_and_adds_the_regulariser(net):
    K, b, W, Y, C, rng = net
    d = rng.standard_normal(Y.shape)
    H = singleLayerAdvObjFun(d, Y, K, b, W, C)[2]
    Hr = singleLayerAdvObjFun(d, Y, K, b, W, C, reg=reg)[2]
    passed, relErr = adjointTest(H, H, Y.shape, Y.shape, rng=rng)
    assert passed, relErr
    for _ in range(10):
        v = rng.standard_normal(Y.shape)
        assert np.vdot(v, H(v)) >= -1e-14 * np.vdot(v, v)
        np.testing.assert_allclose(Hr(v), H(v) + 0.3 * v, rtol=1e-13, atol=1e-15)


def test_value_is_the_cross_entropy_of_the_perturbed_examples(net):
    K, b, W, Y, C, rng = net
    d = rng.standard_normal(Y.shape)
    S = singleLayer(K, b, Y + d)[0] @ W
    logP = S - S.max(1, keepdims=True) - np.log(np.exp(S - S.max(1, keepdims=True)).sum(1, keepdims=True))
    np.testing.assert_allclose(singleLayerAdvObjFun(d, Y, K, b, W, C)[0], -np.sum(C * logP) / 3, rtol=1e-14)


def test_one_example_as_vectors_and_shapes_follow_d(net):
    K, b, W, Y, C, rng = net
    Ec, dE, H = singleLayerAdvObjFun(np.zeros(nf), Y[0], K, b, W, C[0])
    assert dE.shape == (nf,) and H(np.ones(nf)).shape == (nf,)
    assert Ec == singleLayerAdvObjFun(np.zeros((1, nf)), Y[:1], K, b, W, C[:1])[0]
    Ec, dE, H = singleLayerAdvObjFun(np.zeros(Y.size), Y, K, b, W, C)       # d as vec(D)
    assert dE.shape == (Y.size,) and H(np.ones(Y.shape)).shape == (Y.size,)
    assert singleLayerAdvObjFun(np.zeros(Y.shape), Y, K, b, W, C, doDerivative=False)[1:] == (None, None)


@pytest.mark.parametrize("args, message", [
    ((np.zeros((3, nf + 1)),), r"d must have the shape of Y \(3, 8\) or be its vec of length 24, got "
                               r"shape \(3, 9\)"),
    ((np.zeros((3, nf)), np.zeros((3, nf + 1))), r"Y must have K.shape\[0\]=8 columns"),
    ((np.zeros((3, nf)), None, None, None, np.zeros((m + 1, nc))),
     r"W must have K.shape\[1\] = 6 rows, got W with shape \(7, 4\): W has m\+1 rows; "
     r"if its last row is the classifier bias, pass bias=True"),
    ((np.zeros((3, nf)), None, None, None, None, np.zeros((3, nc + 1))),
     r"C must have W.shape\[1\]=4 columns")])
def test_bad_input_names_the_argument_and_shapes(net, args, message):
    K, b, W, Y, C, rng = net
    full = [a if a is not None else default for a, default in
            zip(args + (None,) * (6 - len(args)), (None, Y, K, b, W, C))]
    with pytest.raises(ValueError, match=message):
        singleLayerAdvObjFun(*full)


def flipSetup(seed):
    """A smooth random network (right by definition on its data), an example, its runner-up class."""
    rng = np.random.default_rng(seed)
    nf, m, nc = 50, 40, 10
    K, b, W = rng.standard_normal((nf, m)) / np.sqrt(nf), 0.1, rng.standard_normal((m, nc))
    y = rng.standard_normal(nf)
    S = np.tanh(y @ K + b) @ W
    return K, b, W, y, int(np.argsort(S)[-2]), S.argmax()


@pytest.mark.parametrize("seed", [0, 2, 3])
def test_search_flips_the_class_with_a_small_perturbation(seed):
    """Measured on seeds 0..5 (nf = 50, m = 40, nc = 10, target: the runner-up class).

    Newton-CG, R = 0.5 ||d||^2 (lam = 1), stopped at the flip: flips all 6, ||d||/||y|| 0.04-0.52
    (one Gauss-Newton step, which overshoots). Projected steepest descent in the box |d_i| <= 0.25:
    flips 5 of 6 (seed 1 needs a larger box), ||d||/||y|| 0.03-0.17. Bounds: 0.6 and 0.2.
    """
    K, b, W, y, target, label = flipSetup(seed)
    chat = np.eye(W.shape[1])[target]

    def predicted(d):
        return (np.tanh((y + d) @ K + b) @ W).argmax()

    def advFun(d):
        return singleLayerAdvObjFun(d, y, K, b, W, chat, reg=lambda d: genTikhonov(d, 1.0))

    d, his, _ = newtonCG(advFun, np.zeros(y.size), {"maxIter": 50, "verbose": False,
                                            "callback": lambda d: predicted(d) == target})
    assert label != target and predicted(d) == target and his["status"] == 3
    assert np.linalg.norm(d) / np.linalg.norm(y) < 0.6
    eps = 0.25
    d, his, _ = steepestDescent(lambda d: singleLayerAdvObjFun(d, y, K, b, W, chat)[:2], np.zeros(y.size),
                                {"maxIter": 200, "maxStep": eps, "P": lambda d: np.clip(d, -eps, eps),
                                 "verbose": False, "callback": lambda d: predicted(d) == target})
    assert predicted(d) == target and np.abs(d).max() <= eps
    assert np.linalg.norm(d) / np.linalg.norm(y) < 0.2


# ------------------------------------------------------------------ the classifier bias
n, nfBias, mBias, ncBias = 40, 6, 5, 3


@pytest.fixture
def biasData():
    rng = np.random.default_rng(7)
    Y = rng.standard_normal((n, nfBias))
    C = rng.random((n, ncBias))
    C /= C.sum(axis=1, keepdims=True)
    return Y, C, rng


def test_adversarial_objective_with_bias_passes_taylor_test(biasData):
    _, _, rng = biasData
    K, b, W = rng.standard_normal((nfBias, mBias)), 0.2, rng.standard_normal((mBias + 1, ncBias))
    y, c = rng.standard_normal(nfBias), np.eye(ncBias)[1]
    d0 = 0.1 * rng.standard_normal(nfBias)
    assert checkDerivative(lambda d: singleLayerAdvObjFun(d, y, K, b, W, c, bias=True)[:2], d0, rng=rng,
                           verbose=False)[0]
    Z = singleLayer(K, b, (y + d0)[None])[0]
    assert singleLayerAdvObjFun(d0, y, K, b, W, c, bias=True)[0] == pytest.approx(
        softMax(W, Z, c[None], bias=True)[0], rel=1e-14)
    with pytest.raises(ValueError, match=r"W must have K.shape\[1\] \+ 1 = 6 rows"):
        singleLayerAdvObjFun(d0, y, K, b, W[:-2], c, bias=True)
