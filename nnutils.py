"""MATLAB's ``vec`` and ``mat`` as the lecture uses them, and where the examples put their figures.

The lecture stacks matrices into vectors column by column, like MATLAB's ``X(:)``:

    vec(X) = X(:)                      (column-major)
    mat(v) = reshape(v, rows, cols)    (its inverse; also accepts X already shaped)

so that, e.g., ``J_vec(K) v = vec(sigma'(Y K + b) .* (Y mat(v)))`` reads the same
in Python as on the slide. Input checks live in ``nnchecks.py``.
"""

import os

import numpy as np


def vec(X):
    """MATLAB's ``X(:)``: the columns of ``X`` stacked into one vector."""
    return np.reshape(X, -1, order="F")


def mat(v, shape):
    """MATLAB's ``reshape(v, shape)``, column-major: the inverse of ``vec``."""
    return np.reshape(v, shape, order="F")


def saveFigure(fig, name):
    """Save ``fig`` as ``figures/<name>.png`` next to the scripts; return the path."""
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "figures")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name + ".png")
    fig.savefig(path, dpi=100, bbox_inches="tight")
    return path


def showFigures():
    """``plt.show()`` when there is a screen to show on; nothing when headless (Agg)."""
    import matplotlib
    import matplotlib.pyplot as plt

    if matplotlib.get_backend().lower() not in ("agg", "pdf", "ps", "svg", "cairo", "template"):
        plt.show()


if __name__ == "__main__":
    X = np.array([[1, 3, 5], [2, 4, 6]])
    print("X =", X.tolist())
    print("vec(X) = X(:) =", vec(X).tolist(), "  (columns stacked, as MATLAB)")
    print("mat(vec(X), (2, 3)) == X:", np.array_equal(mat(vec(X), (2, 3)), X))
