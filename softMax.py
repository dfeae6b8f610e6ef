"""Cross entropy of the linear softmax classifier S = Z W: value, gradients, Hessian mat-vecs.

    E(W, Z) = E(Z W, C) = -(1/n) sum_ij C_ij log( exp(S_ij) / sum_k exp(S_ik) ),   S = Z W

By the chain rule through S = Z W (slide "Putting Things Together", item 1):

    grad_W E = Z' grad_S E                    (m x nc)
    grad_Z E = grad_S E W'                    (n x m)
    Hess_W E [V] = Z' Hess_S E [Z V]
    Hess_Z E [V] = Hess_S E [V W] W'

E is linear-in-S composed with a convex function, so both Hessians are exact
(not approximations) and symmetric positive semi-definite.
"""

import numpy as np

from crossEntropy import crossEntropy
from nnutils import asFloatArray, asShaped, checkCols, checkFinite, checkRows, commonDtype, finiteResult


def softMax(W, Z, C):
    """Cross entropy of ``S = Z W`` against ``C``, with gradients and Hessian mat-vecs.

    MATLAB: ``[E,dEW,d2EW,dEZ,d2EZ] = softMax(W,Z,C)``.

    Parameters
    ----------
    W : array_like, m x nc
        Classifier weights.
    Z : array_like, n x m
        Features, one row per example.
    C : array_like, n x nc
        Class probabilities.

    Returns
    -------
    E : float
    dEW : ndarray, m x nc
        Gradient w.r.t. W.
    d2EW : callable
        ``V -> Hess_W E [V]``, V m x nc (or its vec), returns m x nc.
    dEZ : ndarray, n x m
        Gradient w.r.t. Z.
    d2EZ : callable
        ``V -> Hess_Z E [V]``, V n x m (or its vec), returns n x m.

    Notes
    -----
    The course's ``softMax.m`` adds a shift ``1e-5*v`` to its Hessian mat-vecs;
    ours are the exact Hessians with no shift.
    """
    W = asFloatArray(W, "W", ndim=2)
    Z = asFloatArray(Z, "Z", ndim=2)
    checkRows(W, Z.shape[1], "W", "Z.shape[1]")
    C = asFloatArray(C, "C", ndim=2)
    checkRows(C, Z.shape[0], "C", "Z.shape[0]")
    checkCols(C, W.shape[1], "C", "W.shape[1]")
    dtype = commonDtype(W, Z, C)
    W, Z, C = (A.astype(dtype, copy=False) for A in (W, Z, C))

    S = checkFinite(Z @ W, "S = Z W", "Z or W")
    E, dES, d2ES = crossEntropy(S, C)
    dEW = Z.T @ dES
    dEZ = dES @ W.T

    @finiteResult
    def d2EW(V):  # Z' Hess_S E [Z V]
        return Z.T @ d2ES(Z @ asShaped(V, W.shape, "V", dtype))

    @finiteResult
    def d2EZ(V):  # Hess_S E [V W] W'
        return d2ES(asShaped(V, Z.shape, "V", dtype) @ W) @ W.T

    return E, dEW, d2EW, dEZ, d2EZ


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    n, m, nc = 100, 4, 3
    Z, W = rng.standard_normal((n, m)), np.zeros((m, nc))
    C = np.eye(nc)[rng.integers(nc, size=n)]
    E, dEW, d2EW, dEZ, d2EZ = softMax(W, Z, C)
    print(f"W = 0 predicts 1/nc for every class: E = {E:.15f} = log(nc) = {np.log(nc):.15f}")
    print(f"grad_W E has shape {dEW.shape}, grad_Z E has shape {dEZ.shape}")
