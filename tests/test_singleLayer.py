"""singleLayer: Taylor tests of J_K, J_b, J_Y and adjoint tests of their transposes; every activation."""

import functools

import numpy as np
import pytest
from helpers import ACTIVATIONS, elementwise

from checkDerivative import adjointTest, checkDerivative
from sinActivation import sinActivation
from singleLayer import singleLayer
from smoothRelU import smoothRelU
from support.vecmat import vec

n, nf, m = 30, 7, 5


@pytest.fixture
def layer():
    rng = np.random.default_rng(1)
    K, b, Y = rng.standard_normal((nf, m)), 0.3, rng.standard_normal((n, nf))
    return K, b, Y, rng


def test_Z_is_tanh_of_YK_plus_b(layer):
    K, b, Y, _ = layer
    Z = singleLayer(K, b, Y)[0]
    assert Z.shape == (n, m)
    np.testing.assert_allclose(Z, np.tanh(Y @ K + b), rtol=0, atol=0)


def test_JK_passes_taylor_test(layer):
    K, b, Y, rng = layer
    passed, table = checkDerivative(lambda K: singleLayer(K, b, Y)[0::4][:2], K, rng=rng, verbose=False)
    assert passed
    assert table.shape == (20, 3)


def test_Jb_passes_taylor_test(layer):
    K, b, Y, rng = layer
    passed, _ = checkDerivative(lambda b: (singleLayer(K, b, Y)[0], singleLayer(K, b, Y)[5]),
                                np.array(b), rng=rng, verbose=False)
    assert passed


def test_JY_passes_taylor_test(layer):
    K, b, Y, rng = layer
    passed, _ = checkDerivative(lambda Y: (singleLayer(K, b, Y)[0], singleLayer(K, b, Y)[6]),
                                Y, rng=rng, verbose=False)
    assert passed


@pytest.mark.parametrize("which", ["K", "b", "Y"])
def test_transposes_are_adjoint(layer, which):
    K, b, Y, rng = layer
    Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(K, b, Y)
    J, Jt, shape = {"K": (JK, JKt, K.shape), "b": (Jb, Jbt, ()), "Y": (JY, JYt, Y.shape)}[which]
    passed, relErr = adjointTest(J, Jt, rng.standard_normal(shape), rng.standard_normal(Z.shape))
    assert passed, relErr
    assert relErr < 1e-13


def test_closures_accept_vec_and_return_shaped(layer):
    K, b, Y, rng = layer
    Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(K, b, Y)
    U, V, VY = rng.standard_normal((n, m)), rng.standard_normal((nf, m)), rng.standard_normal((n, nf))
    assert JKt(U).shape == (nf, m) and np.array_equal(JKt(vec(U)), JKt(U))
    assert JYt(U).shape == (n, nf) and np.array_equal(JYt(vec(U)), JYt(U))
    assert np.ndim(Jbt(U)) == 0 and Jbt(vec(U)) == Jbt(U)
    assert JK(V).shape == (n, m) and np.array_equal(JK(vec(V)), JK(V))
    assert JY(VY).shape == (n, m) and np.array_equal(JY(vec(VY)), JY(VY))
    assert Jb(2.0).shape == (n, m)


def test_JK_matches_the_kronecker_formula_of_the_slide(layer):
    """J_vec(K) = diag(sigma'(YK+b)) (I kron Y): formed here only to check the mat-vec."""
    K, b, Y, rng = layer
    Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(K, b, Y)
    J = np.diag(vec(1 - Z ** 2)) @ np.kron(np.eye(m), Y)
    v = rng.standard_normal(nf * m)
    np.testing.assert_allclose(vec(JK(v)), J @ v, rtol=1e-13, atol=1e-13)
    u = rng.standard_normal(n * m)
    np.testing.assert_allclose(vec(JKt(u)), J.T @ u, rtol=1e-13, atol=1e-13)


def test_float32_stays_float32(layer):
    K, b, Y, rng = layer
    Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(K.astype(np.float32), b, Y.astype(np.float32))
    U = rng.standard_normal((n, m)).astype(np.float32)
    assert Z.dtype == JKt(U).dtype == JYt(U).dtype == JK(K.astype(np.float32)).dtype == np.float32
    assert Jbt(U).dtype == np.float32


def test_integers_are_promoted_to_float64():
    Z = singleLayer(np.ones((2, 3), dtype=int), 1, np.ones((4, 2), dtype=int))[0]
    assert Z.dtype == np.float64
    np.testing.assert_allclose(Z, np.tanh(3.0))


# ------------------------------------------------------------------ every activation, act=
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_passes_taylor_test(name):
    rng = np.random.default_rng(2)
    Y = rng.standard_normal((40, 6)) * 0.3        # many entries inside |y| <= eta for smoothRelu
    passed, _ = checkDerivative(elementwise(ACTIVATIONS[name]), Y, rng=rng, verbose=False)
    assert passed


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


def test_non_default_eta_through_partial():
    act = functools.partial(smoothRelU, eta=0.5)
    Z = singleLayer(np.eye(2), 0.0, np.array([[0.25, -1.0]]), act)[0]
    np.testing.assert_allclose(Z, [[0.75 ** 2 / 2, 0.0]], rtol=1e-15)


@pytest.mark.parametrize("act", [smoothRelU, sinActivation])
def test_no_derivative_and_float32(act):
    Y = np.linspace(-1, 1, 7, dtype=np.float32)
    A, dA = act(Y, doDerivative=False)
    assert dA is None and A.dtype == np.float32
    A, dA = act(Y)
    assert A.dtype == dA.dtype == np.float32


def test_a_layer_whose_YK_plus_b_is_near_1e305_everywhere_returns_Z_1():
    Y = np.ones((60_000, 1))                       # Y K + b = 1e305 in 60000 entries: their sum overflows
    Z, JKt, *_ = singleLayer(np.array([[1e305]]), 0.0, Y)
    assert np.all(Z == 1.0)
    assert np.all(JKt(np.ones_like(Z)) == 0.0)     # tanh' = 0 there
