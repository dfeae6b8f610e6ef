"""The Rosenbrock function, the classic test of an optimiser (minimiser [1, 1]).

    f(x) = (1 - x1)^2 + 100 (x2 - x1^2)^2
"""

import numpy as np

from nnutils import asFloatArray, checkFinite


def rosenbrock(x):
    """Return ``f, g, H``: value, gradient and (exact) Hessian matrix at a 2-vector x."""
    x = asFloatArray(x, "x", ndim=1)
    if x.shape != (2,):
        raise ValueError(f"x must have shape (2,), got shape {x.shape}")
    x1, x2 = x
    f = (1 - x1) ** 2 + 100 * (x2 - x1 ** 2) ** 2
    g = np.array([-2 * (1 - x1) - 400 * x1 * (x2 - x1 ** 2), 200 * (x2 - x1 ** 2)])
    H = np.array([[2 - 400 * x2 + 1200 * x1 ** 2, -400 * x1], [-400 * x1, 200.0]])
    checkFinite(np.concatenate([[f], g, H.ravel()]), f"rosenbrock at x = {x}", "x")  # |x| beyond ~1e77
    return f, g, H


if __name__ == "__main__":
    for x in ([1.0, 1.0], [4.0, 2.0]):
        f, g, H = rosenbrock(x)
        print(f"x = {x}: f = {f:g}, grad = {g}, eig(H) = {np.linalg.eigvalsh(H)}")
