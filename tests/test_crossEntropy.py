"""crossEntropy: the formula, huge scores, the Taylor test in S, value only."""

import numpy as np
import pytest
from helpers import orders

from checkDerivative import checkDerivative
from crossEntropy import crossEntropy
from softMax import softMax


def test_cross_entropy_matches_the_formula(classifierData):
    W, Z, C, _ = classifierData
    S = Z @ W
    P = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)
    E = crossEntropy(S, C)[0]
    np.testing.assert_allclose(E, -np.sum(C * np.log(P)) / len(C), rtol=1e-14)
    assert softMax(W, Z, C)[0] == E


def test_cross_entropy_is_stable_for_huge_scores():
    S = np.array([[1e300, -1e300, 0.0], [800.0, 0.0, -800.0]])
    C = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    E, dES, _ = crossEntropy(S, C)
    assert np.isfinite(E) and np.isfinite(dES).all()
    np.testing.assert_allclose(E, (2e300 + 0.0) / 2, rtol=1e-15)


def test_cross_entropy_gradient_and_hessian_pass_taylor_test_in_S(classifierData):
    W, Z, C, rng = classifierData
    passed, table = checkDerivative(lambda S: crossEntropy(S, C), Z @ W, rng=rng, verbose=False)
    assert passed
    order2 = orders(table[4:10, 3])   # exact Hessian: E2 = O(h^3)
    assert np.all(order2 > 2.8), order2


def test_value_only_matches(classifierData):
    W, Z, C, _ = classifierData
    S = Z @ W
    E, dES, d2ES = crossEntropy(S, C, doDerivative=False)
    assert dES is None and d2ES is None and E == crossEntropy(S, C)[0]


@pytest.fixture
def scoresAndClasses():
    rng = np.random.default_rng(8)
    n, nc = 20, 4
    return rng.standard_normal((n, nc)), np.eye(nc)[rng.integers(nc, size=n)], rng


def test_the_weighted_gradient_passes_the_Taylor_test_with_C_doubled(scoresAndClasses):
    """C = 2 one-hot (row sums c = 2): grad_S E = (P .* c - C)/n. Catches (P - C)/n, right only for c = 1."""
    S, C, rng = scoresAndClasses
    passed, _ = checkDerivative(lambda S: crossEntropy(S, 2 * C, probabilities=False)[:2], S,
                                v=rng.standard_normal(S.shape), verbose=False)
    assert passed


def test_the_weighted_cross_entropy_is_linear_in_C(scoresAndClasses):
    S, C, rng = scoresAndClasses
    E1, dE1, d2E1 = crossEntropy(S, C)
    E2, dE2, d2E2 = crossEntropy(S, 2 * C, probabilities=False)
    V = rng.standard_normal(S.shape)
    assert E2 == pytest.approx(2 * E1, rel=1e-14)
    np.testing.assert_allclose(dE2, 2 * dE1, rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(d2E2(V), 2 * d2E1(V), rtol=1e-13, atol=1e-16)
