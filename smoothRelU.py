"""The course's smooth ReLU activation and its derivative.

A ReLU, max(y, 0), whose kink at 0 is replaced by a parabola on |y| <= eta so
that sigma is continuously differentiable (C^1), as the derivative-based
training of the lecture needs:

                 | 0                          y < -eta
    sigma(y)  =  | (y + eta)^2 / (4 eta)      -eta <= y <= eta
                 | y                          y > eta

                 | 0                          y < -eta
    sigma'(y) =  | (y + eta) / (2 eta)        -eta <= y <= eta
                 | 1                          y > eta

At the joints the pieces agree in value and slope: sigma(-eta) = 0,
sigma'(-eta) = 0, sigma(eta) = eta, sigma'(eta) = 1. The second derivative
jumps there (0 -> 1/(2 eta) -> 0), so sigma is C^1 but not C^2.
The course's ``smoothRelU.m`` writes the parabola as a y^2 + b y + c with
a = 1/(4 eta), b = 1/2, c = eta/4: the same polynomial.
"""

import numpy as np

from support.activations import activation


@activation("smoothRelu", "smoothReluActivation")   # also act="smoothRelu" in singleLayer
def smoothRelU(Y, doDerivative=True, eta=0.1):
    """``[A,dA] = smoothRelU(Y)``: the smooth ReLU and its derivative, elementwise.

    Parameters
    ----------
    Y : array_like, any shape
        Input, usually ``Y K + b`` (n x m).
    doDerivative : bool, default True
        Also return ``dA``; if False ``dA`` is None.
    eta : float, default 0.1
        Half-width of the quadratic piece around 0; must be positive.

    Returns
    -------
    A : ndarray, shape of Y
        ``sigma(Y)`` (formula in the module docstring).
    dA : ndarray, shape of Y, or None
        ``sigma'(Y)``.

    Notes
    -----
    Same values as the course's ``smoothRelU.m`` (there ``dA = sign(A)``
    outside the parabola, which is our 0/1). Pass another ``eta`` to
    ``singleLayer`` with ``functools.partial(smoothRelU, eta=0.5)``.
    """
    quad = np.abs(Y) <= eta                                   # the parabola's interval |y| <= eta
    t = 1 + np.where(quad, Y, 0) / eta                        # (y + eta) / eta (no overflow for a huge eta)
    A = np.where(quad, eta / 4 * t**2, np.maximum(Y, 0))      # sigma = (y + eta)^2 / (4 eta), or max(y, 0)
    dA = np.where(quad, t / 2, Y > eta) if doDerivative else None   # sigma' = (y + eta) / (2 eta), or 0 | 1
    return A, dA


if __name__ == "__main__":
    y = np.array([-0.2, -0.1, 0.0, 0.05, 0.1, 0.3])
    A, dA = smoothRelU(y)
    print("y                   =", y)
    print("smoothRelu(y)       =", A, "  (0 | (y+0.1)^2/0.4 | y)")
    print("smoothRelu'(y)      =", dA, "  (0 | (y+0.1)/0.2 | 1)")
