"""Activations: the course's smooth ReLU and sine beside tanh (Taylor tests incl. the joints).

Target runtime: < 5 s.
"""

import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checkDerivative import adjointTest, checkDerivative
from sinActivation import sinActivation
from singleLayer import singleLayer
from singleLayerNNObjFun import singleLayerNNObjFun
from smoothRelU import smoothRelU
from support.activations import resolveActivation
from tanhActivation import tanhActivation

ETA = 0.1
ACTIVATIONS = {"tanh": tanhActivation, "smoothRelu": smoothRelU, "sine": sinActivation}


def elementwise(act):
    """Y -> (sigma(Y), v -> sigma'(Y) .* v): the activation as a function for checkDerivative."""
    def fun(Y):
        A, dA = act(Y)
        return A, lambda V: dA * V
    return fun


def test_smoothRelu_follows_the_three_pieces():
    y = np.array([-1.0, -0.2, -0.1, -0.05, 0.0, 0.05, 0.1, 0.2, 3.0])
    A, dA = smoothRelU(y)
    expected = np.where(y < -ETA, 0.0, np.where(y > ETA, y, (y + ETA) ** 2 / (4 * ETA)))
    np.testing.assert_allclose(A, expected, rtol=1e-15, atol=0)
    np.testing.assert_allclose(dA, np.where(y < -ETA, 0.0, np.where(y > ETA, 1.0, (y + ETA) / (2 * ETA))),
                               rtol=1e-15, atol=0)
    np.testing.assert_allclose([A[4], dA[4]], [ETA / 4, 0.5], rtol=1e-15)   # the course: c = eta/4, b = 1/2


@pytest.mark.parametrize("eta", [0.1, 0.5, 2.0])
def test_smoothRelu_is_C1_at_the_joints(eta):
    """Value and slope from the left and the right of y = -eta and y = eta agree (up to O(delta))."""
    delta = 1e-9
    for joint in (-eta, eta):
        A, dA = smoothRelU(np.array([joint - delta, joint, joint + delta]), eta=eta)
        assert abs(A[0] - A[2]) <= 2.1 * delta
        assert abs(dA[0] - dA[2]) <= 2 * delta / (2 * eta) + 1e-15
    A, dA = smoothRelU(np.array([-eta, eta]), eta=eta)
    np.testing.assert_allclose(A, [0, eta], rtol=1e-15, atol=0)
    np.testing.assert_allclose(dA, [0, 1], rtol=1e-15, atol=0)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_passes_taylor_test(name):
    rng = np.random.default_rng(2)
    Y = rng.standard_normal((40, 6)) * 0.3        # many entries inside |y| <= eta for smoothRelu
    passed, _ = checkDerivative(elementwise(ACTIVATIONS[name]), Y, rng=rng, verbose=False)
    assert passed


def test_smoothRelu_derivative_passes_taylor_test_exactly_at_the_joints():
    rng = np.random.default_rng(3)
    Y = np.tile([-ETA, ETA], (20, 1))
    passed, _ = checkDerivative(elementwise(smoothRelU), Y, rng=rng, verbose=False)
    assert passed


def test_taylor_test_catches_a_wrong_parabola_slope_at_the_joint():
    """(y + eta)/eta (the slope of (y+eta)^2/(2 eta)) is 2 at y = eta: not C^1 with y beyond."""
    def wrong(Y):
        A, _ = smoothRelU(Y)
        dA = np.where(np.abs(Y) <= ETA, (Y + ETA) / ETA, (Y > ETA).astype(float))
        return A, lambda V: dA * V
    passed, _ = checkDerivative(wrong, np.full((10, 2), ETA), rng=4, verbose=False)
    assert not passed


@pytest.mark.parametrize("wrong", [lambda Y: -np.cos(Y), lambda Y: np.sin(Y)])
def test_taylor_test_catches_a_wrong_sine_derivative(wrong):
    Y = np.random.default_rng(5).standard_normal((10, 3))
    passed, _ = checkDerivative(lambda Y: (np.sin(Y), lambda V: wrong(Y) * V), Y, rng=5, verbose=False)
    assert not passed


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_singleLayer_with_the_activation_passes_taylor_and_adjoint_tests(name):
    rng = np.random.default_rng(6)
    n, nf, m = 25, 4, 6
    K, b, Y = 0.5 * rng.standard_normal((nf, m)), 0.05, rng.standard_normal((n, nf))
    okK, _ = checkDerivative(lambda K: singleLayer(K, b, Y, name)[0::4][:2], K, rng=rng, verbose=False)
    okY, _ = checkDerivative(lambda Y: singleLayer(K, b, Y, name)[0::6], Y, rng=rng, verbose=False)
    assert okK and okY
    Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(K, b, Y, name)
    for J, Jt, shape in [(JK, JKt, K.shape), (Jb, Jbt, ()), (JY, JYt, Y.shape)]:
        passed, relErr = adjointTest(J, Jt, rng.standard_normal(shape), rng.standard_normal(Z.shape))
        assert passed, relErr


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_objective_gradient_with_the_activation_passes_taylor_test(name):
    rng = np.random.default_rng(7)
    n, nf, m, nc = 30, 3, 5, 4
    Y, C = rng.standard_normal((n, nf)), np.eye(nc)[rng.integers(nc, size=n)]
    x = 0.5 * rng.standard_normal(nf * m + 1 + m * nc)
    passed, _ = checkDerivative(lambda x: singleLayerNNObjFun(x, Y, C, m, act=name)[:2], x, rng=rng,
                                verbose=False)
    assert passed


@pytest.mark.parametrize("name, fun", [("tanh", tanhActivation), ("tanhActivation", tanhActivation),
                                       ("smoothRelu", smoothRelU), ("smoothReluActivation", smoothRelU),
                                       ("smoothRelU", smoothRelU), ("sine", sinActivation),
                                       ("sineActivation", sinActivation),
                                       ("sinActivation", sinActivation)])
def test_the_activation_names_of_the_lecture_and_the_course_are_known(name, fun):
    assert resolveActivation(name) is fun            # our names, our old file names and the course's


def test_unknown_activation_name_is_rejected_with_the_known_ones():
    with pytest.raises(ValueError, match=r"one of \[.*'sine'.*'smoothRelu'.*'tanh'.*got str 'relu'"):
        resolveActivation("relu")
    with pytest.raises(ValueError, match=r"one of \[.*'smoothRelu'"):
        singleLayer(np.ones((2, 3)), 0.0, np.ones((4, 2)), act="ReLU")


def test_non_default_eta_through_partial():
    act = functools.partial(smoothRelU, eta=0.5)
    Z = singleLayer(np.eye(2), 0.0, np.array([[0.25, -1.0]]), act)[0]
    np.testing.assert_allclose(Z, [[0.75 ** 2 / 2, 0.0]], rtol=1e-15)


@pytest.mark.parametrize("eta", [0.0, -0.1, np.nan])
def test_non_positive_eta_is_rejected(eta):
    with pytest.raises(ValueError, match="eta must be"):
        smoothRelU(np.ones(3), eta=eta)


@pytest.mark.parametrize("act", [smoothRelU, sinActivation])
def test_no_derivative_and_float32(act):
    Y = np.linspace(-1, 1, 7, dtype=np.float32)
    A, dA = act(Y, doDerivative=False)
    assert dA is None and A.dtype == np.float32
    A, dA = act(Y)
    assert A.dtype == dA.dtype == np.float32


@settings(max_examples=60, deadline=None)
@given(st.floats(-10, 10), st.floats(0.01, 2))
def test_smoothRelu_lies_between_relu_and_relu_plus_eta_over_4(y, eta):
    A, dA = smoothRelU(np.array([y]), eta=eta)
    relu = max(y, 0.0)
    assert relu - 1e-15 <= A[0] <= relu + eta / 4 + 1e-15
    assert 0.0 <= dA[0] <= 1.0
