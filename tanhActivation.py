"""The tanh activation of the lecture, sigma(Y) = tanh(Y), and its derivative.

    A  = tanh(Y)
    dA = sigma'(Y) = 1 - tanh(Y)^2        (elementwise)

Call ``tanhActivation(Y)`` to get ``A, dA``; ``doDerivative=False`` skips dA
(returns ``A, None``), for objective evaluations that need no gradient.
Same as the course's ``tanhActivation.m``.
"""

import numpy as np

from nnutils import activationInput


def tanhActivation(Y, doDerivative=True, overwrite=False):
    """Apply tanh elementwise and return its derivative.

    Parameters
    ----------
    Y : array_like, any shape
        Input, usually ``Y K + b`` (n x m).
    doDerivative : bool, default True
        Also return ``dA``; if False ``dA`` is None.
    overwrite : bool, default False
        Write ``A`` over ``Y`` (a finite float ndarray the caller no longer
        needs; ``singleLayer`` passes its own ``Y K + b``): one array less.

    Returns
    -------
    A : ndarray, shape of Y
        ``tanh(Y)``.
    dA : ndarray, shape of Y, or None
        ``1 - tanh(Y)^2``.
    """
    Y = activationInput(Y, overwrite)              # overwrite: the caller's checked Y K + b
    A = np.tanh(Y, out=Y if overwrite else None)   # A = tanh(Y)
    if not doDerivative:
        return A, None
    dA = A * A
    dA = np.subtract(1, dA, out=dA if dA.ndim else None)   # dA = 1 - A.^2, in place (but on a scalar)
    return A, dA


if __name__ == "__main__":
    A, dA = tanhActivation(np.array([-2.0, 0.0, 1.0]))
    print("tanh([-2, 0, 1])      =", A)
    print("1 - tanh([-2, 0, 1])^2 =", dA)
