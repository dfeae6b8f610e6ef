"""crossEntropy: the weighted cross entropy (probabilities=False), whose rows of C need not sum to 1."""

import numpy as np
import pytest

from checkDerivative import checkDerivative
from crossEntropy import crossEntropy


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
