"""The tanh activation of the lecture, sigma(Y) = tanh(Y), and its derivative.

    A  = tanh(Y)
    dA = sigma'(Y) = 1 - tanh(Y)^2        (elementwise)
"""

import numpy as np

from support.activations import activation
from support.fastOps import tanh


@activation("tanh")   # also act="tanh" in singleLayer
def tanhActivation(Y, doDerivative=True):
    """``[A,dA] = tanhActivation(Y)``: tanh and its derivative, elementwise.

    Parameters
    ----------
    Y : array_like, any shape
        Input, usually ``Y K + b`` (n x m).
    doDerivative : bool, default True
        False returns ``A, None``.

    Returns
    -------
    A : ndarray, shape of Y
        ``tanh(Y)``.
    dA : ndarray, shape of Y, or None
        ``1 - tanh(Y)^2``.

    The course's ``tanhActivation.m`` computes the same.
    """
    A = tanh(Y)                                 # A = tanh(Y)
    dA = 1 - A**2 if doDerivative else None     # dA = sigma'(Y) = 1 - tanh(Y)^2
    return A, dA


if __name__ == "__main__":
    A, dA = tanhActivation(np.array([-2.0, 0.0, 1.0]))
    print("tanh([-2, 0, 1])        =", A)
    print("1 - tanh([-2, 0, 1])^2  =", dA)
