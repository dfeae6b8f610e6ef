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


def parseArguments(parser):
    """``parser.parse_args()``: a misspelt flag is an error. Under Jupyter/IPython, whose kernel
    passes flags of its own, unknown flags are ignored (the cells run with the defaults)."""
    import sys

    if "ipykernel" in sys.modules or "IPython" in sys.modules:
        return parser.parse_known_args()[0]
    return parser.parse_args()


def smallProblemThreads(threads=None):
    """Use one BLAS thread (or ``threads``; env NN_BLAS_THREADS overrides): the lecture's small problems.

    Matrices of a few hundred rows gain nothing from a second BLAS thread, and
    lose a lot when the cores are shared: the main example took 15.5 s with
    two BLAS threads on a busy 2-core machine against 6.1 s with one. Large
    (MNIST-size) products do gain from threads: scripts for them leave it alone.
    Returns the threadpoolctl limiter (or None when threadpoolctl is missing).
    """
    import os

    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    threads = int(os.environ.get("NN_BLAS_THREADS") or threads or 1)
    return threadpool_limits(threads, user_api="blas")


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
