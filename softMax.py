"""Cross entropy of the linear softmax classifier S = Z W: value, gradients, Hessian mat-vecs.

    E(W, Z) = E(Z W, C) = -(1/n) sum_ij C_ij log( exp(S_ij) / sum_k exp(S_ik) ),   S = Z W

With the classifier bias (``bias=True``, as in every course example) W has m+1
rows and Z gets a column of ones: S = [Z, 1] W. By the chain rule through
S = Z W (slide "Putting Things Together", item 1):

    grad_W E = Z' grad_S E                    (m x nc)
    grad_Z E = grad_S E W'                    (n x m; W without its bias row)
    Hess_W E [V] = Z' Hess_S E [Z V]
    Hess_Z E [V] = Hess_S E [V W] W'

E is linear-in-S composed with a convex function, so both Hessians are exact
(not approximations) and symmetric positive semi-definite.
"""

import numpy as np

from crossEntropy import crossEntropy
from support.checks import checkedBy, checkSoftMax
from support.fastOps import blasThreadsBySize


@blasThreadsBySize(examples="Z")   # small problems: one BLAS thread
@checkedBy(checkSoftMax)
def softMax(W, Z, C, bias=False, hessianShift=0.0, doDerivative=True, probabilities=True):
    """``[E,dEW,d2EW,dEZ,d2EZ] = softMax(W,Z,C)``: cross entropy of S = Z W, gradients, Hessian mat-vecs.

    Parameters
    ----------
    W : array_like, m x nc, or (m+1) x nc with ``bias=True``
        Classifier weights; with the bias, the last row is the classifier bias.
    Z : array_like, n x m
        Features, one row per example.
    C : array_like, n x nc
        Class probabilities (rows sum to 1).
    bias : bool, default False
        True: W has m+1 rows and S = [Z, 1] W (every course example trains with it).
    hessianShift : float, default 0
        Added times V to both Hessian mat-vecs; the course's ``softMax.m`` uses 1e-5.
    doDerivative : bool, default True
        False returns ``E`` and four ``None``.
    probabilities : bool, default True
        False accepts any non-negative C (see ``crossEntropy``).

    Returns
    -------
    E : float
    dEW : ndarray, shape of W
        Gradient w.r.t. W.
    d2EW : callable
        ``V -> Hess_W E [V]``, V shaped like W (or its vec); returns the shape of W.
    dEZ : ndarray, n x m
        Gradient w.r.t. Z.
    d2EZ : callable
        ``V -> Hess_Z E [V]``, V n x m (or its vec); returns n x m.

    The course's ``softMax.m`` (examples in columns: W nc x m or nc x (m+1),
    Z m x n) tells the bias from the size of W and always adds 1e-5 v to its
    Hessian mat-vecs; ours are told the bias and are exact unless ``hessianShift``.
    """
    m = W.shape[0] - 1 if bias else W.shape[0]
    if bias:
        Z = np.column_stack([Z, np.ones(Z.shape[0], Z.dtype)])   # [Z, 1]: the bias multiplies a 1
    S = Z @ W                                                    # S = Z W
    E, dES, d2ES = crossEntropy(S, C, doDerivative)
    if not doDerivative:
        return E, None, None, None, None

    dEW = Z.T @ dES                                              # grad_W E = Z' grad_S E
    dEZ = dES @ W[:m].T                                          # grad_Z E = grad_S E W'
    d2EW = lambda V: Z.T @ d2ES(Z @ V) + hessianShift * V        # Hess_W E [V] = Z' Hess_S E [Z V]
    d2EZ = lambda V: d2ES(V @ W[:m]) @ W[:m].T + hessianShift * V   # Hess_Z E [V] = Hess_S E [V W] W'
    return E, dEW, d2EW, dEZ, d2EZ


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    n, m, nc = 100, 4, 3
    Z, W = rng.standard_normal((n, m)), np.zeros((m, nc))
    C = np.eye(nc)[rng.integers(nc, size=n)]
    E, dEW, d2EW, dEZ, d2EZ = softMax(W, Z, C)
    print(f"W = 0 predicts 1/nc for every class: E = {E:.15f} = log(nc) = {np.log(nc):.15f}")
    print(f"grad_W E has shape {dEW.shape}, grad_Z E has shape {dEZ.shape}")
