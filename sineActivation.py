"""The sine activation of the course, sigma(Y) = sin(Y), and its derivative.

    A  = sin(Y)
    dA = sigma'(Y) = cos(Y)        (elementwise)

Same as the course's ``sinActivation.m``; ``doDerivative=False`` returns ``A, None``.
"""

import numpy as np

from nnutils import asFloatArray


def sineActivation(Y, doDerivative=True):
    """Apply sin elementwise and return its derivative.

    Parameters
    ----------
    Y : array_like, any shape
        Input, usually ``Y K + b`` (n x m).
    doDerivative : bool, default True
        Also return ``dA``; if False ``dA`` is None.

    Returns
    -------
    A : ndarray, shape of Y
        ``sin(Y)``.
    dA : ndarray, shape of Y, or None
        ``cos(Y)``.
    """
    Y = asFloatArray(Y, "Y")
    A = np.sin(Y)
    dA = np.cos(Y) if doDerivative else None
    return A, dA


if __name__ == "__main__":
    A, dA = sineActivation(np.array([0.0, np.pi / 6, np.pi / 2]))
    print("sin([0, pi/6, pi/2]) =", A, " (expected [0, 0.5, 1])")
    print("cos([0, pi/6, pi/2]) =", dA)
