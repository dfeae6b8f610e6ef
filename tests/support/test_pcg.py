"""support/pcg.py: MATLAB's rule for the iterate returned when CG stops unconverged."""

import numpy as np

from support.pcg import pcg


def test_a_tie_in_the_residual_returns_the_later_iterate():
    """A = diag(1, 0), b = [1, 1]: the first CG iterate [2, 2] has residual [-1, 1], exactly ||b||.

    The docstring promises the later iterate on a tie (MATLAB's pcg); catches ``<`` for ``<=``.
    """
    x, flag, relres, it = pcg(np.diag([1.0, 0.0]), np.ones(2), 1e-6, 1)
    assert np.array_equal(x, [2.0, 2.0]) and it == 1
    assert flag == 1 and relres == 1.0
