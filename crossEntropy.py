"""Cross entropy of scores S against class probabilities C, with row-wise softmax.

    E(S, C) = -(1/n) sum_ij C_ij log( exp(S_ij) / sum_k exp(S_ik) )

computed stably with the log-sum-exp of each row,
lse_i = max_k S_ik + log(1 + sum_{k != argmax} exp(S_ik - max_k S_ik)), so any
finite scores give a finite E (log1p keeps E accurate when one class is almost
certain and E is tiny). With P = exp(S - lse) (softmax of each row) and
c_i = sum_j C_ij (1 when the rows of C are probabilities):

    grad_S E     = (P .* c - C) / n
    Hess_S E [V] = (c / n) .* (P .* V - P .* sum(P .* V, 2))    (row by row diag(p) - p p')

Hess_S E maps constant rows to 0, so d2ES first shifts each row of V by its entry
at the most likely class: same result, without the cancellation in P .* V - P .* sum(P .* V, 2).

``softMax`` and ``singleLayerNNObjFun`` build on this function.
"""

import numpy as np

from nnutils import asFloatArray, asShaped, checkCols, checkFinite, checkRows, commonDtype, finiteResult


def checkProbabilities(C):
    """Raise a ValueError unless the (finite) class probabilities C are all >= 0."""
    if C.min() < 0:
        raise ValueError(f"C must hold class probabilities (entries >= 0), got {np.count_nonzero(C < 0)} "
                         f"negative entries in C with shape {C.shape}")


def crossEntropy(S, C, doDerivative=True, checkInputs=True):
    """Cross entropy ``E(S, C)``, its gradient and its Hessian mat-vec w.r.t. the scores S.

    Parameters
    ----------
    S : array_like, n x nc
        Scores (``S = Z W``), one row per example.
    C : array_like, n x nc
        Class probabilities (rows sum to 1; one-hot rows and zeros are fine).
    doDerivative : bool, default True
        If False return ``E, None, None`` (no gradient work).
    checkInputs : bool, default True
        False is for callers that have checked S and C themselves (arrays of
        one float dtype and shape, C finite and >= 0), e.g. ``singleLayerNNObjFun``.

    Returns
    -------
    E : float
    dES : ndarray, n x nc
        Gradient w.r.t. S.
    d2ES : callable
        ``V -> Hess_S E [V]`` for V n x nc (or its vec); returns n x nc.
    """
    if checkInputs:
        S = asFloatArray(S, "S", ndim=2)
        C = asFloatArray(C, "C", ndim=2)
        checkRows(C, S.shape[0], "C", "S.shape[0]")
        checkCols(C, S.shape[1], "C", "S.shape[1]")
        checkProbabilities(C)
        dtype = commonDtype(S, C)
        S, C = S.astype(dtype, copy=False), C.astype(dtype, copy=False)
    dtype, (n, nc) = S.dtype, S.shape

    rows, iMax = np.arange(n), S.argmax(axis=1)    # the most likely class of each example
    ones = np.ones((nc, 1), dtype)                 # X @ ones = sum(X, 2): one BLAS call on short rows
    with np.errstate(over="ignore"):
        S = S - S[rows, iMax][:, None]             # shift each row: exp never overflows
    checkFinite(S, "S minus its row maxima (a row spans more than the float range)",
                "S (in softMax and singleLayerNNObjFun S = Z W: W, Z or x)")
    expS = np.exp(S)
    expS[rows, iMax] = 0                           # exp(0) = 1 at the max: the 1 of log1p
    logSumExp = np.log1p(expS.sum(axis=1, keepdims=True))
    logP = np.subtract(S, logSumExp, out=S)        # log softmax = S - logSumExp (over S), finite
    E = -np.vdot(C, logP) / n                      # E = -(1/n) sum C .* log(P)
    checkFinite(E, "E", "S or C (in softMax and singleLayerNNObjFun S = Z W: W, Z or x)")
    if not doDerivative:
        return E, None, None

    P = np.exp(logP, out=logP)                     # softmax of each row (over logP)
    c = C @ ones                                   # c = sum(C, 2): 1 for rows of probabilities
    cIsOne = not (c != 1).any()
    dES = P.copy() if cIsOne else P * c            # P .* c
    dES = np.divide(np.subtract(dES, C, out=dES), n, out=dES)   # grad_S E = (P .* c - C) / n, in place
    checkFinite(dES, "grad_S E", "C")
    cn = np.ones((), dtype) / n if cIsOne else c / n   # c / n (a scalar when c = 1: the same values)

    @finiteResult
    def d2ES(V):  # (c/n) .* (P .* V - P .* sum(P .* V, 2))
        V = asShaped(V, (n, nc), "V", dtype)
        V = V - V[rows, iMax][:, None]             # Hess_S E [1] = 0: only the rounding changes
        PV = P * V
        PV -= P * (PV @ ones)                      # P .* V - P .* sum(P .* V, 2), in place
        return np.multiply(cn, PV, out=PV)         # (c/n) .* (...)

    return E, dES.astype(dtype, copy=False), d2ES


if __name__ == "__main__":
    S = np.array([[2.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    C = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    E, dES, d2ES = crossEntropy(S, C)
    print(f"E = {E:.15f}   (expected (log(1+e^-1+e^-2) + log 3)/2 = "
          f"{(np.log(1 + np.exp(-1) + np.exp(-2)) + np.log(3)) / 2:.15f})")
    print("grad_S E =\n", dES)
    print("E unchanged when 1000 is added to row 1 of S:",
          crossEntropy(S + np.array([[1000.0], [0.0]]), C)[0] == E)
