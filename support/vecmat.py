"""MATLAB's ``vec`` and ``mat`` as every lecture file uses them (column-major, like ``X(:)``).

The lecture stacks matrices into vectors column by column:

    vec(X) = X(:)                      (column-major)
    mat(v) = reshape(v, rows, cols)    (its inverse; also accepts X already shaped)

so that ``J_vec(K) v = vec(sigma'(Y K + b) .* (Y mat(v)))`` reads the same in
Python as on the slide.
"""

import numpy as np


def vec(X):
    """MATLAB's ``X(:)``: the columns of ``X`` stacked into one vector."""
    return np.reshape(X, -1, order="F")


def mat(v, shape):
    """MATLAB's ``reshape(v, shape)``, column-major: the inverse of ``vec``."""
    return np.reshape(v, shape, order="F")


if __name__ == "__main__":
    X = np.array([[1, 3, 5], [2, 4, 6]])
    print("X =", X.tolist())
    print("vec(X) = X(:) =", vec(X).tolist(), "  (columns stacked, as MATLAB)")
    print("mat(vec(X), (2, 3)) == X:", np.array_equal(mat(vec(X), (2, 3)), X))
