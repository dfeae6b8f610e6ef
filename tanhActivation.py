"""The tanh activation of the lecture, sigma(Y) = tanh(Y), and its derivative.

    A  = tanh(Y)
    dA = sigma'(Y) = 1 - tanh(Y)^2        (elementwise)

Call ``tanhActivation(Y)`` to get ``A, dA``; ``doDerivative=False`` skips dA
(returns ``A, None``), for objective evaluations that need no gradient.
Same as the course's ``tanhActivation.m``.
"""

import numpy as np

from nnutils import asFloatArray


def tanhActivation(Y, doDerivative=True):
    """Apply tanh elementwise and return its derivative.

    Parameters
    ----------
    Y : array_like, any shape
        Input, usually ``Y K + b`` (n x m).
    doDerivative : bool, default True
        Also return ``dA``; if False ``dA`` is None.

    Returns
    -------
    A : ndarray, shape of Y
        ``tanh(Y)``.
    dA : ndarray, shape of Y, or None
        ``1 - tanh(Y)^2``.
    """
    Y = asFloatArray(Y, "Y")
    A = np.tanh(Y)
    dA = 1 - A * A if doDerivative else None
    return A, dA


if __name__ == "__main__":
    A, dA = tanhActivation(np.array([-2.0, 0.0, 1.0]))
    print("tanh([-2, 0, 1])      =", A)
    print("1 - tanh([-2, 0, 1])^2 =", dA)
