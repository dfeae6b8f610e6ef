"""softMax: Taylor tests with exact Hessians, symmetry; the classifier bias (W with m+1 rows)."""

import numpy as np
import pytest
from helpers import classProbabilities, orders

from checkDerivative import adjointTest, checkDerivative
from softMax import softMax


def test_gradient_and_hessian_w_r_t_W_pass_taylor_test(classifierData):
    W, Z, C, rng = classifierData

    def f(W):
        E, dEW, d2EW, dEZ, d2EZ = softMax(W, Z, C)
        return E, dEW, d2EW

    passed, table = checkDerivative(f, W, rng=rng, verbose=False)
    assert passed
    order2 = orders(table[4:10, 3])   # exact Hessian: E2 = O(h^3)
    assert np.all(order2 > 2.8), order2


def test_gradient_and_hessian_w_r_t_Z_pass_taylor_test(classifierData):
    W, Z, C, rng = classifierData

    def f(Z):
        E, dEW, d2EW, dEZ, d2EZ = softMax(W, Z, C)
        return E, dEZ, d2EZ

    passed, table = checkDerivative(f, Z, rng=rng, verbose=False)
    assert passed
    order2 = orders(table[4:10, 3])
    assert np.all(order2 > 2.8), order2


def test_hessians_are_symmetric_and_psd(classifierData):
    W, Z, C, rng = classifierData
    E, dEW, d2EW, dEZ, d2EZ = softMax(W, Z, C)
    for d2E, shape in [(d2EW, W.shape), (d2EZ, Z.shape)]:
        passed, relErr = adjointTest(d2E, d2E, rng.standard_normal(shape), rng.standard_normal(shape))
        assert passed, relErr
        v = rng.standard_normal(shape)
        assert np.vdot(v, d2E(v)) >= 0


# ------------------------------------------------------------------ the classifier bias S = [Z, 1] W
n, nf, mBias, ncBias = 40, 6, 5, 3   # the bias tests' sizes (examples, features, hidden units, classes)


@pytest.fixture
def biasData():
    rng = np.random.default_rng(7)
    Y = rng.standard_normal((n, nf))
    return Y, classProbabilities(rng, n, ncBias), rng


def test_softMax_bias_row_is_added_to_every_row_of_S(biasData):
    _, C, rng = biasData
    Z, W = rng.standard_normal((n, mBias)), rng.standard_normal((mBias + 1, ncBias))
    S = Z @ W[:mBias] + W[mBias]
    P = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)
    E = softMax(W, Z, C, bias=True)[0]
    np.testing.assert_allclose(E, -np.sum(C * np.log(P)) / n, rtol=1e-14)
    # the same as no bias with Z extended by a column of ones
    np.testing.assert_allclose(E, softMax(W, np.column_stack([Z, np.ones(n)]), C)[0], rtol=1e-15)


@pytest.mark.parametrize("which", ["W", "Z"])
def test_softMax_with_bias_gradients_and_exact_hessians_pass_taylor_test(biasData, which):
    _, C, rng = biasData
    Z, W = rng.standard_normal((n, mBias)), rng.standard_normal((mBias + 1, ncBias))

    def f(X):
        E, dEW, d2EW, dEZ, d2EZ = softMax(X, Z, C, bias=True) if which == "W" else softMax(W, X, C, bias=True)
        return (E, dEW, d2EW) if which == "W" else (E, dEZ, d2EZ)

    passed, table = checkDerivative(f, W if which == "W" else Z, rng=rng, verbose=False)
    assert passed
    order2 = orders(table[5:11, 3])   # exact Hessian: E2 = O(h^3)
    assert np.all(order2 > 2.8), order2


def test_softMax_hessianShift_adds_shift_times_v(biasData):
    _, C, rng = biasData
    Z, W = rng.standard_normal((n, mBias)), rng.standard_normal((mBias + 1, ncBias))
    VW, VZ = rng.standard_normal(W.shape), rng.standard_normal(Z.shape)
    _, _, d2EW, _, d2EZ = softMax(W, Z, C, bias=True)
    _, _, d2EWs, _, d2EZs = softMax(W, Z, C, bias=True, hessianShift=1e-5)
    np.testing.assert_allclose(d2EWs(VW), d2EW(VW) + 1e-5 * VW, rtol=1e-13, atol=1e-17)
    np.testing.assert_allclose(d2EZs(VZ), d2EZ(VZ) + 1e-5 * VZ, rtol=1e-13, atol=1e-17)


@pytest.mark.parametrize("rows", [mBias - 1, mBias + 2, 2 * mBias])
@pytest.mark.parametrize("bias", [False, True])
def test_softMax_rejects_W_of_any_other_size(biasData, rows, bias):
    _, C, rng = biasData
    expected = mBias + 1 if bias else mBias
    plus = r" \+ 1" if bias else ""
    with pytest.raises(ValueError, match=rf"W must have Z.shape\[1\]{plus} = {expected} "
                                         rf"rows.*got W with shape \({rows}, {ncBias}\)"):
        softMax(rng.standard_normal((rows, ncBias)), rng.standard_normal((n, mBias)), C, bias=bias)


def test_the_bias_is_never_guessed_from_the_size_of_W(biasData):
    _, C, rng = biasData
    Z = rng.standard_normal((n, mBias))
    with pytest.raises(ValueError, match=r"W has m\+1 rows; if its last row is the classifier bias"):
        softMax(rng.standard_normal((mBias + 1, ncBias)), Z, C)
    with pytest.raises(ValueError, match=r"W has m rows; pass bias=False"):
        softMax(rng.standard_normal((mBias, ncBias)), Z, C, bias=True)
    with pytest.raises(TypeError, match="bias must be True or False, got int 1"):
        softMax(rng.standard_normal((mBias + 1, ncBias)), Z, C, bias=1)
