"""sinActivation: its derivative passes the Taylor test, which catches a wrong derivative of the sine."""

import numpy as np
import pytest
from helpers import elementwise

from checkDerivative import checkDerivative
from sinActivation import sinActivation


def test_sinActivation_derivative_passes_the_taylor_test():
    Y = np.random.default_rng(5).standard_normal((10, 3))
    passed, table = checkDerivative(elementwise(sinActivation), Y, rng=5, verbose=False)
    assert passed, table


@pytest.mark.parametrize("wrong", [lambda Y: -np.cos(Y), lambda Y: np.sin(Y)])
def test_taylor_test_catches_a_wrong_sine_derivative(wrong):
    Y = np.random.default_rng(5).standard_normal((10, 3))
    passed, _ = checkDerivative(lambda Y: (np.sin(Y), lambda V: wrong(Y) * V), Y, rng=5, verbose=False)
    assert not passed
