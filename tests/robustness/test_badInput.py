"""Bad input ends in a ValueError/TypeError that names the argument and both shapes."""

import numpy as np
import pytest

from checkDerivative import adjointTest, checkDerivative
from crossEntropy import crossEntropy
from newtonCG import newtonCG
from singleLayer import singleLayer
from singleLayerNNObjFun import singleLayerNNObjFun
from softMax import softMax

rng = np.random.default_rng(7)
n, nf, m, nc = 12, 5, 4, 3
K, b, Y = rng.standard_normal((nf, m)), 0.1, rng.standard_normal((n, nf))
W, C = rng.standard_normal((m, nc)), np.eye(nc)[rng.integers(nc, size=n)]
x = rng.standard_normal(nf * m + 1 + m * nc)


def test_Y_with_wrong_number_of_columns_names_Y_and_both_shapes():
    with pytest.raises(ValueError, match=r"Y must have K.shape\[0\]=5 columns \(the features nf\), "
                                         r"got Y with shape \(12, 3\) and K with shape \(5, 4\)"):
        singleLayer(K, b, Y[:, :3])
    # 4 columns fit K transposed (m x nf = 5 x 4) as well as a Y short of a feature: both are said
    with pytest.raises(ValueError, match=r"K must have Y.shape\[1\]=4 rows \(K is nf x m\), got K with shape "
                                         r"\(5, 4\) and Y with shape \(12, 4\): did you pass K transposed\?"):
        singleLayer(K, b, Y[:, :4])


def test_transposed_Y_gets_a_hint():
    with pytest.raises(ValueError, match=r"shape \(5, 12\): did you pass Y transposed\? \(pass Y.T\)"):
        singleLayer(K, b, Y.T)


def test_x_of_wrong_length_for_m_names_the_expected_length():
    with pytest.raises(ValueError, match=r"x must be a vector of length .* = 33 .*got shape \(32,\)"):
        singleLayerNNObjFun(x[:-1], Y, C, m)
    with pytest.raises(ValueError, match=r"= 41 .*m = 5"):
        singleLayerNNObjFun(x, Y, C, m + 1)


def test_C_with_wrong_number_of_rows():
    with pytest.raises(ValueError, match=r"C must have Y.shape\[0\]=12 rows \(one per example\), got C with "
                                         r"shape \(11, 3\)"):
        singleLayerNNObjFun(x, Y, C[:-1], m)
    with pytest.raises(ValueError, match=r"C must have Z.shape\[0\]=12 rows"):
        softMax(W, np.tanh(Y @ K), C[:-1])
    with pytest.raises(ValueError, match=r"C must have S.shape\[1\]=3 columns"):
        crossEntropy(np.zeros((n, nc)), C[:, :2])


def test_W_with_wrong_rows():
    with pytest.raises(ValueError, match=r"W must have Z.shape\[1\] = 4 rows, got W with shape \(3, 3\)"):
        softMax(W[:3], np.tanh(Y @ K), C)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_inputs_are_rejected(bad):
    Ybad = Y.copy()
    Ybad[3, 2] = bad
    with pytest.raises(ValueError, match=r"Y must be finite, got 1 NaN/inf entries in shape \(12, 5\)"):
        singleLayer(K, b, Ybad)
    with pytest.raises(ValueError, match="b must be finite"):
        singleLayer(K, bad, Y)
    xbad = x.copy()
    xbad[0] = bad
    with pytest.raises(ValueError, match="x must be finite"):
        singleLayerNNObjFun(xbad, Y, C, m)


@pytest.mark.parametrize("value, exc", [(None, TypeError), ("abc", TypeError), ([[1, 2], [3]], TypeError),
                                        (np.ones((nf, m)) * 1j, TypeError), (np.ones(0), ValueError),
                                        (np.ones(nf), ValueError)])
def test_wrong_types_for_K(value, exc):
    with pytest.raises(exc, match="K"):
        singleLayer(value, b, Y)


@pytest.mark.parametrize("value", [None, "3", 2.5, -1, True, np.ones(2)])
def test_m_must_be_a_positive_integer(value):
    with pytest.raises(TypeError, match="m must be a positive integer"):
        singleLayerNNObjFun(x, Y, C, value)


def test_closures_reject_wrong_shapes():
    Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(K, b, Y)
    with pytest.raises(ValueError, match=r"V must have shape \(5, 4\) or be its vec of length 20, "
                                         r"got shape \(4, 5\)"):
        JK(np.ones((m, nf)))
    with pytest.raises(ValueError, match=r"U must have shape \(12, 4\)"):
        JKt(np.ones(n * m + 1))
    with pytest.raises(ValueError, match="v must be a scalar"):
        Jb(np.ones(2))
    H = singleLayerNNObjFun(x, Y, C, m)[2]
    with pytest.raises(ValueError, match=r"v must be a vector of length len\(x\) = 33"):
        H(np.ones(32))


def test_unknown_activation_name():
    with pytest.raises(ValueError, match="act must be a callable or one of"):
        singleLayer(K, b, Y, act="relu6")


def test_checkers_reject_non_callables_and_mismatched_directions():
    with pytest.raises(TypeError, match="fun must be callable"):
        checkDerivative(3, x)
    with pytest.raises(ValueError, match=r"v must have the shape of x0 \(33,\)"):
        checkDerivative(lambda x: (x @ x, 2 * x), x, v=np.ones(3))
    with pytest.raises(TypeError, match="Jt must be callable"):
        adjointTest(lambda v: v, None, (3,), (3,))
    with pytest.raises(ValueError, match="must agree"):
        adjointTest(lambda v: v, lambda u: u, (3,), (4,))


def test_newtonCG_rejects_bad_x0_and_fun():
    with pytest.raises(ValueError, match=r"x0 must be 1-D, got shape \(2, 2\)"):
        newtonCG(lambda x: (0, x, np.eye(2)), np.ones((2, 2)))
    with pytest.raises(TypeError, match="fun must be callable"):
        newtonCG("Rosenbrock", np.ones(2))
    with pytest.raises(TypeError, match=r"tuple \(f, g, H\)"):
        newtonCG(lambda x: x @ x, np.ones(2))
