"""The sine activation of the course, sigma(Y) = sin(Y), and its derivative.

    A  = sin(Y)
    dA = sigma'(Y) = cos(Y)        (elementwise)

Same as the course's ``sinActivation.m``; ``doDerivative=False`` returns ``A, None``.
"""

import numpy as np

from nnutils import activationInput


def sineActivation(Y, doDerivative=True, overwrite=False):
    """Apply sin elementwise and return its derivative.

    Parameters
    ----------
    Y : array_like, any shape
        Input, usually ``Y K + b`` (n x m).
    doDerivative : bool, default True
        Also return ``dA``; if False ``dA`` is None.
    overwrite : bool, default False
        Write ``A`` over ``Y`` (a finite float ndarray the caller no longer needs).

    Returns
    -------
    A : ndarray, shape of Y
        ``sin(Y)``.
    dA : ndarray, shape of Y, or None
        ``cos(Y)``.
    """
    Y = activationInput(Y, overwrite)              # overwrite: the caller's checked Y K + b
    dA = np.cos(Y) if doDerivative else None       # before Y is overwritten
    A = np.sin(Y, out=Y if overwrite else None)
    return A, dA


if __name__ == "__main__":
    A, dA = sineActivation(np.array([0.0, np.pi / 6, np.pi / 2]))
    print("sin([0, pi/6, pi/2]) =", A, " (expected [0, 0.5, 1])")
    print("cos([0, pi/6, pi/2]) =", dA)
