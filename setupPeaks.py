"""The course's Peaks classification data: points of the plane labelled by the height of MATLAB's peaks.

MATLAB's ``[X, Y, Z] = peaks(ns)`` samples, on an ns x ns grid of [-3, 3]^2,

    z(x, y) = 3 (1 - x)^2 exp(-x^2 - (y + 1)^2)
              - 10 (x/5 - x^3 - y^5) exp(-x^2 - y^2)
              - 1/3 exp(-(x + 1)^2 - y^2)

The range [min z, max z] is cut into nc bins of equal width; the bin of z is
the class of the grid point (class k: min z + k h < z <= min z + (k+1) h,
h = (max z - min z)/nc). ceil(np/nc) grid points are drawn (with replacement)
from each class, so the classes are balanced; C is one-hot.
"""

import math

import numpy

from support.checks import asPositiveInt, asRng


def peaks(ns):
    """MATLAB's ``[X, Y, Z] = peaks(ns)``: the grid (meshgrid of linspace(-3, 3, ns)) and the surface."""
    X, Y = numpy.meshgrid(numpy.linspace(-3, 3, ns), numpy.linspace(-3, 3, ns))
    Z = (3 * (1 - X) ** 2 * numpy.exp(-X ** 2 - (Y + 1) ** 2)
         - 10 * (X / 5 - X ** 3 - Y ** 5) * numpy.exp(-X ** 2 - Y ** 2)
         - 1 / 3 * numpy.exp(-(X + 1) ** 2 - Y ** 2))
    return X, Y, Z


def peaksClasses(Z, nc):
    """Class 0..nc-1 of every entry of Z: its bin among nc equal bins of [min Z, max Z]."""
    edges = Z.min() + (Z.max() - Z.min()) / nc * numpy.arange(1, nc)   # the nc-1 inner edges
    return numpy.searchsorted(edges, Z, side="left")                     # edge_k < z <= edge_k+1


def setupPeaks(np=8000, nc=5, ns=256, seed=None, doPlot=False):
    """Sample the Peaks classification problem.

    MATLAB: ``[Y,C] = setupPeaks(np,nc,ns)``.

    Parameters
    ----------
    np : int, default 8000
        Number of points wanted (the course's name; ``nc*ceil(np/nc)`` are returned).
    nc : int, default 5
        Number of classes (>= 2).
    ns : int, default 256
        The grid is ns x ns on [-3, 3]^2 (>= 2).
    seed : int or numpy.random.Generator, optional
        Source of the random draws.
    doPlot : bool, default False
        Draw the class regions and the points (a new matplotlib figure).

    Returns
    -------
    Y : ndarray, (nc*ceil(np/nc)) x 2
        The points in rows, columns (x, y); class 0 first, then class 1, ...
    C : ndarray, (nc*ceil(np/nc)) x nc
        One-hot classes.

    Notes
    -----
    The course returns Y (2 x n) and C (nc x n) with examples in columns and
    always draws a figure; ours has examples in rows (the lecture's
    convention) and draws only with doPlot. Its random stream is MATLAB's:
    the same seed gives other points. A grid point whose z lies on an edge up
    to rounding may fall in the neighbouring bin in the course, which leaves
    such points in class 0.
    """
    np, nc, ns = asPositiveInt(np, "np"), asPositiveInt(nc, "nc"), asPositiveInt(ns, "ns")
    if nc < 2 or ns < 2:
        raise ValueError(f"nc and ns must be >= 2 (classes, grid size), got nc = {nc}, ns = {ns}")
    if np > 10 ** 8 or ns > 4096 or nc > 10 ** 6:      # before numpy tries to allocate terabytes
        raise ValueError(f"setupPeaks samples np <= 1e8 points of nc <= 1e6 classes on an ns x ns grid "
                         f"with ns <= 4096, got np = {np}, nc = {nc}, ns = {ns}")
    rng = asRng(seed, "seed")
    X1, X2, Z = peaks(ns)
    classes = peaksClasses(Z, nc)
    npc = math.ceil(np / nc)                       # points per class
    Y = numpy.zeros((nc * npc, 2))
    for k in range(nc):
        xk = numpy.column_stack([X1[classes == k], X2[classes == k]])
        if xk.shape[0] == 0:
            raise ValueError(f"class {k} has no grid point for ns = {ns}: use a finer grid (larger ns)")
        Y[k * npc:(k + 1) * npc] = xk[rng.integers(xk.shape[0], size=npc)]
    C = numpy.kron(numpy.eye(nc), numpy.ones((npc, 1)))
    if doPlot:
        _plotPeaks(X1, X2, classes, Y, C)
    return Y, C


def _plotPeaks(X1, X2, classes, Y, C):
    import matplotlib.pyplot as plt

    nc = C.shape[1]
    fig, ax = plt.subplots(figsize=(5.5, 5.5))
    ax.pcolormesh(X1, X2, classes, cmap="viridis", shading="auto", alpha=0.5, vmin=0, vmax=nc - 1)
    ax.scatter(Y[:, 0], Y[:, 1], c=C.argmax(1), s=2, cmap="viridis", vmin=0, vmax=nc - 1)
    ax.set_title(f"Peaks: {nc} classes, {Y.shape[0]} points")
    ax.set_xlabel("x (first feature)")
    ax.set_ylabel("y (second feature)")
    ax.set_aspect("equal")
    colours = plt.get_cmap("viridis")(numpy.linspace(0, 1, nc))
    ax.legend([plt.Rectangle((0, 0), 1, 1, color=c, alpha=0.7) for c in colours],
              [f"class {k + 1}" for k in range(nc)], loc="upper center",
              bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=8)
    return fig


if __name__ == "__main__":
    Y, C = setupPeaks(np=1000, seed=0)
    print(f"Y: {Y.shape}, C: {C.shape}, points per class {C.sum(0)}, "
          f"x in [{Y[:, 0].min():.2f}, {Y[:, 0].max():.2f}], y in [{Y[:, 1].min():.2f}, {Y[:, 1].max():.2f}]")
    X1, X2, Z = peaks(49)
    print(f"peaks(49): max {Z.max():.4f}, min {Z.min():.4f} (MATLAB: 8.0752, -6.5466)")
