"""The sine activation of the course, sigma(Y) = sin(Y), and its derivative.

    A  = sin(Y)
    dA = sigma'(Y) = cos(Y)        (elementwise)
"""

import numpy as np

from support.activations import activation


@activation("sine", "sineActivation")   # also act="sine" in singleLayer
def sinActivation(Y, doDerivative=True):
    """``[A,dA] = sinActivation(Y)``: sine and its derivative, elementwise.

    Parameters
    ----------
    Y : array_like, any shape
        Input, usually ``Y K + b`` (n x m).
    doDerivative : bool, default True
        False returns ``A, None``.

    Returns
    -------
    A : ndarray, shape of Y
        ``sin(Y)``.
    dA : ndarray, shape of Y, or None
        ``cos(Y)``.

    The course's file is ``sinActivation.m``; it computes the same.
    """
    A = np.sin(Y)                               # A = sin(Y)
    dA = np.cos(Y) if doDerivative else None    # dA = sigma'(Y) = cos(Y)
    return A, dA


if __name__ == "__main__":
    A, dA = sinActivation(np.array([0.0, np.pi / 6, np.pi / 2]))
    print("sin([0, pi/6, pi/2]) =", A, " (expected [0, 0.5, 1])")
    print("cos([0, pi/6, pi/2]) =", dA)
