"""Cross entropy of the linear softmax classifier S = Z W: value, gradients, Hessian mat-vecs.

    E(W, Z) = E(Z W, C) = -(1/n) sum_ij C_ij log( exp(S_ij) / sum_k exp(S_ik) ),   S = Z W

With the classifier bias (W has m+1 rows, as in every course example) Z gets a
column of ones, S = [Z, 1] W: the last row of W is added to every row of S.

By the chain rule through S = Z W (slide "Putting Things Together", item 1):

    grad_W E = Z' grad_S E                    (m x nc; [Z, 1]' grad_S E with the bias)
    grad_Z E = grad_S E W'                    (n x m; W without its bias row)
    Hess_W E [V] = Z' Hess_S E [Z V]
    Hess_Z E [V] = Hess_S E [V W] W'

E is linear-in-S composed with a convex function, so both Hessians are exact
(not approximations) and symmetric positive semi-definite.
"""

import numpy as np

from crossEntropy import crossEntropy
from nnutils import (
    asFloatArray,
    asScalar,
    asShaped,
    checkCols,
    checkFinite,
    checkRows,
    checkWRows,
    commonDtype,
    finiteResult,
)


def softMax(W, Z, C, bias=False, hessianShift=0.0):
    """Cross entropy of ``S = Z W`` against ``C``, with gradients and Hessian mat-vecs.

    MATLAB: ``[E,dEW,d2EW,dEZ,d2EZ] = softMax(W,Z,C)``.

    Parameters
    ----------
    W : array_like, m x nc, or (m+1) x nc with ``bias=True``
        Classifier weights; with the bias the last row is the classifier bias
        (Z gets a column of ones).
    Z : array_like, n x m
        Features, one row per example.
    C : array_like, n x nc
        Class probabilities.
    bias : bool, default False
        True: W has m+1 rows, the last one the classifier bias (every course
        example trains with it); False: W has m rows (the slides' model).
    hessianShift : float, default 0
        Added times V to both Hessian mat-vecs; the course's ``softMax.m``
        uses 1e-5 (pass it to compare with the course).

    Returns
    -------
    E : float
    dEW : ndarray, shape of W
        Gradient w.r.t. W.
    d2EW : callable
        ``V -> Hess_W E [V]``, V shaped like W (or its vec), returns the shape of W.
    dEZ : ndarray, n x m
        Gradient w.r.t. Z.
    d2EZ : callable
        ``V -> Hess_Z E [V]``, V n x m (or its vec), returns n x m.

    Notes
    -----
    The course's ``softMax.m`` (examples in columns: W nc x m or nc x (m+1))
    adds a shift ``1e-5*v`` to its Hessian mat-vecs; ours are the exact
    Hessians unless ``hessianShift`` is given.
    """
    W = asFloatArray(W, "W", ndim=2)
    Z = asFloatArray(Z, "Z", ndim=2)
    m = Z.shape[1]
    checkWRows(W, m, bias, "Z.shape[1]")
    C = asFloatArray(C, "C", ndim=2)
    checkRows(C, Z.shape[0], "C", "Z.shape[0]")
    checkCols(C, W.shape[1], "C", "W.shape[1]")
    dtype = commonDtype(W, Z, C)
    W, Z, C = (A.astype(dtype, copy=False) for A in (W, Z, C))
    shift = asScalar(hessianShift, "hessianShift", dtype)
    if bias:                                       # the classifier bias: S = [Z, 1] W
        Z = np.column_stack([Z, np.ones(Z.shape[0], dtype)])
    WZ = W[:m]                                     # the rows of W that multiply Z

    S = checkFinite(Z @ W, "S = Z W", "Z or W")
    E, dES, d2ES = crossEntropy(S, C)
    dEW = Z.T @ dES
    dEZ = dES @ WZ.T

    @finiteResult
    def d2EW(V):  # Z' Hess_S E [Z V]
        V = asShaped(V, W.shape, "V", dtype)
        return Z.T @ d2ES(Z @ V) + shift * V

    @finiteResult
    def d2EZ(V):  # Hess_S E [V W] W'
        V = asShaped(V, dEZ.shape, "V", dtype)
        return d2ES(V @ WZ) @ WZ.T + shift * V

    return E, dEW, d2EW, dEZ, d2EZ


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    n, m, nc = 100, 4, 3
    Z, W = rng.standard_normal((n, m)), np.zeros((m, nc))
    C = np.eye(nc)[rng.integers(nc, size=n)]
    E, dEW, d2EW, dEZ, d2EZ = softMax(W, Z, C)
    print(f"W = 0 predicts 1/nc for every class: E = {E:.15f} = log(nc) = {np.log(nc):.15f}")
    print(f"grad_W E has shape {dEW.shape}, grad_Z E has shape {dEZ.shape}")
