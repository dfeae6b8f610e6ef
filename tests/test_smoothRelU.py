"""smoothRelU, the course's smooth ReLU: its three pieces, C^1 joints and Taylor tests at the joints."""

import numpy as np
import pytest
from helpers import elementwise
from hypothesis import given, settings
from hypothesis import strategies as st

from checkDerivative import checkDerivative
from smoothRelU import smoothRelU

ETA = 0.1


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


@pytest.mark.parametrize("eta", [0.0, -0.1, np.nan])
def test_non_positive_eta_is_rejected(eta):
    with pytest.raises(ValueError, match="eta must be"):
        smoothRelU(np.ones(3), eta=eta)


@settings(max_examples=60, deadline=None)
@given(st.floats(-10, 10), st.floats(0.01, 2))
def test_smoothRelu_lies_between_relu_and_relu_plus_eta_over_4(y, eta):
    A, dA = smoothRelU(np.array([y]), eta=eta)
    relu = max(y, 0.0)
    assert relu - 1e-15 <= A[0] <= relu + eta / 4 + 1e-15
    assert 0.0 <= dA[0] <= 1.0
