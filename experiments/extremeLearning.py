"""Extreme learning (random K, b; only W trained): for EELM_Peaks.py, EELM_MNIST.py, exLearningTheWeights.py.

Slide "Learning the Weights": "Using random weights, K might need to be very large
to fit training data." Extreme learning keeps K and b random and fixed and trains
only the classifier W, a convex problem (the course's ``classObjFun`` + ``newtoncg``):

    Z = sigma(Y K + b),     min_W  E([Z, 1] W, C) + 0.5 lambda ||W||^2

This module holds the course's settings of its two scripts, the random weights,
the singular values of Z, the training of W, the error the course prints and the
Peaks class-region picture.
"""

import math

import numpy as np

from classObjFun import solveClassObjFun
from genTikhonov import genTikhonov
from setupMNIST import setupMNIST
from setupPeaks import peaks, peaksClasses, setupPeaks
from singleLayer import singleLayer
from singleLayerNNObjFun import COURSE_SHIFT
from support.checks import asPositiveInt, asRng
from support.fastOps import threadsBySize

COURSE_PEAKS = dict(seed=42, np=8000, nc=5, ns=256, trainFraction=0.8, npTest=2000, m=200, lam=1e-3,
                    param=dict(maxIter=30, tolCG=1e-3, maxIterCG=100))     # EELM_Peaks.m
COURSE_MNIST = dict(nTrain=50000, nVal=10000, m=1530, lam=1e-8,
                    param=dict(maxIter=20, tolCG=1e-2, maxIterCG=30))      # EELM_MNIST.m


def relu(X, doDerivative=True):
    """The course's ``relu = @(x) max(x,0)`` (EELM_Peaks.m), as an activation ``A, dA``."""
    return np.maximum(X, 0), ((X > 0) * 1.0 if doDerivative else None)


ACTIVATIONS = {"sin": "sine", "tanh": "tanh", "relu": relu}   # EELM_Peaks.m: {@sin, @tanh, relu}


def activation(name):
    """The activation of ``singleLayer`` for the course's name ("sin", "tanh" or "relu")."""
    if name not in ACTIVATIONS:
        raise ValueError(f"act must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]


def randomWeights(rng, nf, m, nc, scaleK=1.0, scaleW=1.0):
    """K (nf x m), b and W0 ((m+1) x nc): standard normal, K times scaleK, W0 times scaleW.

    EELM_Peaks.m: ``randn(m,nf)``, ``randn(1)``, ``randn(nc,m+1)`` (scales 1);
    EELM_MNIST.m: K / sqrt(nf m), W0 / sqrt(nc m), b unscaled.
    """
    rng, m = asRng(rng, "rng"), asPositiveInt(m, "m", " (the width of the layer)")
    K = scaleK * rng.standard_normal((nf, m))
    b = rng.standard_normal()
    W0 = scaleW * rng.standard_normal((m + 1, nc))
    return K, b, W0


def features(Y, K, b, act="tanh"):
    """Z = sigma(Y K + b): the random features (no derivatives)."""
    return singleLayer(K, b, Y, act, doDerivative=False)[0]


def singularValues(Z):
    """The singular values of Z, largest first (the course's ``svd(Z)``); a small Z on one BLAS thread.

    The SVD is a sweep of matrix-vector products over the n rows of Z: the same size rule as
    the lecture functions' (``support/fastOps.py``), with work n x m.
    """
    with threadsBySize(Z.size):
        return np.linalg.svd(Z, compute_uv=False)


def trainW(Z, C, W0, lam, param, verbose=0):
    """W by Newton-CG on the course's ``classObjFun(W, Z, C, paramRegW)`` from W0; returns W, history.

    The regulariser is ``genTikhonov`` with L = I (the course's ``speye(numel(W0))``),
    the Hessian carries the course's 1e-5 shift (its softMax.m); param is newtonCG's.
    """
    return solveClassObjFun(Z, C, {**param, "verbose": verbose}, regW=lambda w: genTikhonov(w, lam),
                            bias=True, hessianShift=COURSE_SHIFT, W0=W0)


def classScoresW(W, Z):
    """S = [Z, 1] W: the classifier's scores (with its bias)."""
    return Z @ W[:-1] + W[-1]


def errorW(W, Z, C):
    """Percentage of rows whose largest score is not their class (the course's ``nnz(abs(C-Cpred))/2``...)."""
    return 100 * float(np.mean(classScoresW(W, Z).argmax(axis=1) != C.argmax(axis=1)))


def peaksData(rng, np=8000, nc=5, ns=256, trainFraction=0.8, npTest=2000):
    """EELM_Peaks.m's data: setupPeaks(np), a random 80/20 split of it, and a separate setupPeaks(npTest).

    Returns Y, C (all points), the split indices (train, validation) and Yt, Ct (the test points).
    """
    Y, C = setupPeaks(np, nc, ns, seed=rng)
    idx = rng.permutation(Y.shape[0])
    numTrain = math.floor(Y.shape[0] * trainFraction)
    Yt, Ct = setupPeaks(npTest, nc, ns, seed=rng)
    return Y, C, idx[:numTrain], idx[numTrain:], Yt, Ct


def mnistData(nTrain=None, nVal=None, folder=None, seed=0):
    """setupMNIST with the course's 50000/10000 when the data allow it, else setupMNIST's defaults.

    Returns Y, C, Yv, Cv and a sentence saying which sizes were taken and why.
    """
    course = (COURSE_MNIST["nTrain"], COURSE_MNIST["nVal"])
    if nTrain is None and nVal is None:
        try:
            Y, C, Yv, Cv = setupMNIST(*course, folder=folder, seed=seed)
            return Y, C, Yv, Cv, f"the course's {course[0]} training and {course[1]} validation digits"
        except ValueError:
            Y, C, Yv, Cv = setupMNIST(None, None, folder=folder, seed=seed, verbose=False)
            return Y, C, Yv, Cv, (f"{Y.shape[0]} training and {Yv.shape[0]} validation digits: the data "
                                  f"hold fewer than the course's {course[0]} + {course[1]} "
                                  "(--folder: the full set)")
    Y, C, Yv, Cv = setupMNIST(nTrain, nVal, folder=folder, seed=seed)
    return Y, C, Yv, Cv, f"{Y.shape[0]} training and {Yv.shape[0]} validation digits (asked for)"


def peaksGrid(points=201):
    """The course's picture grid ``linspace(-3,3,201)`` both ways: G1, G2 and the points in rows."""
    t = np.linspace(-3, 3, points)
    G1, G2 = np.meshgrid(t, t)
    return G1, G2, np.column_stack([G1.ravel(), G2.ravel()])


def drawClassRegions(ax, predict, title, nc=5, ns=256):
    """The class ``predict(points)`` gives every point of [-3, 3]^2, the true class boundaries on top.

    y points up (the course's ``imagesc`` draws it down, the classes upside down).
    """
    import matplotlib.pyplot as plt

    G1, G2, grid = peaksGrid()
    regions = np.asarray(predict(grid)).reshape(G1.shape)
    cmap = plt.get_cmap("viridis", nc)
    ax.pcolormesh(G1, G2, regions, cmap=cmap, vmin=-0.5, vmax=nc - 0.5, shading="auto")
    X1, X2, Zp = peaks(ns)
    ax.contour(X1, X2, peaksClasses(Zp, nc), levels=np.arange(nc - 1) + 0.5, colors="k", linewidths=0.8)
    ax.set_xlabel("y1 (first coordinate)")
    ax.set_ylabel("y2 (second coordinate)")
    ax.set_title(title, fontsize=9)
    ax.set_aspect("equal")
    return cmap


def classLegend(fig, cmap, nc=5):
    """One legend for a figure of class-region panels: the predicted classes and the true boundaries."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    handles = [Patch(color=cmap(k), label=f"class {k + 1}") for k in range(nc)]
    handles.append(plt.Line2D([], [], color="k", linewidth=0.8, label="true class boundaries"))
    fig.legend(handles=handles, loc="lower center", ncol=nc + 1, fontsize=8, title="predicted class",
               bbox_to_anchor=(0.5, -0.06))


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    Y, C, iTrain, iVal, Yt, Ct = peaksData(rng, 1000, npTest=500, ns=64)
    K, b, W0 = randomWeights(rng, 2, 50, 5)
    Z = features(Y[iTrain], K, b, "sine")
    W, his = trainW(Z, C[iTrain], W0, 1e-3, {"maxIter": 10, "tolCG": 1e-3, "maxIterCG": 100})
    print(f"extreme learning on 800 Peaks points, m = 50, sine: "
          f"training error {errorW(W, Z, C[iTrain]):.2f}%, "
          f"validation error {errorW(W, features(Y[iVal], K, b, 'sine'), C[iVal]):.2f}% (chance 80%)")
