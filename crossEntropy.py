"""Cross entropy of scores S against class probabilities C, with row-wise softmax.

    E(S, C) = -(1/n) sum_ij C_ij log( exp(S_ij) / sum_k exp(S_ik) )

computed stably: each row of S is shifted by its maximum (E does not change,
exp no longer overflows), then log softmax = S - log(sum_k exp(S_k)). With
P = exp(log softmax) and c_i = sum_j C_ij (1 for rows of probabilities):

    grad_S E     = (P .* c - C) / n
    Hess_S E [V] = (c / n) .* (P .* V - P .* sum(P .* V, 2))    (row by row diag(p) - p p')

Three lines refine the standard form where one class is almost certain (E about 1e-18, as
after training on separable data), each with its reason beside it; without them the
Taylor test of the right gradient fails there (``tests/robustness/test_edge_cases.py``).
``softMax`` and ``singleLayerNNObjFun`` build on this function.
"""

import numpy as np

from support.checks import checkCrossEntropy, checkedBy


@checkedBy(checkCrossEntropy)
def crossEntropy(S, C, doDerivative=True, probabilities=True):
    """``[E,dES,d2ES] = crossEntropy(S,C)``: cross entropy, its gradient and Hessian mat-vec in S.

    Parameters
    ----------
    S : array_like, n x nc
        Scores (``S = Z W``), one row per example.
    C : array_like, n x nc
        Class probabilities: non-negative, each row sums to 1 (one-hot for labels).
    doDerivative : bool, default True
        False returns ``E, None, None``.
    probabilities : bool, default True
        False accepts any non-negative C (rows need not sum to 1): the weighted
        cross entropy above, row i counted c_i times. The course's ``softMax.m``
        accepts such a C too but computes ``(-C:(S - s) + sum_i log sum_k exp(S_ik - s_i)) / n``
        (s_i the row's largest score), which is this E only when every row of C sums to 1.

    Returns
    -------
    E : float
    dES : ndarray, n x nc
        Gradient w.r.t. S.
    d2ES : callable
        ``V -> Hess_S E [V]`` for V n x nc (or its vec); returns n x nc.

    The course computes this inside ``softMax.m``.
    """
    n = S.shape[0]
    S = S - S.max(axis=1, keepdims=True)                      # shift each row: exp(S) <= 1, E unchanged
    isMax = S.argmax(axis=1)[:, None] == np.arange(S.shape[1])    # one most likely class per row
    # log(sum_k exp(S_ik)) = log(1 + sum over the other classes): log1p keeps E accurate near certainty
    expS = np.exp(S)
    logSumExp = np.log1p(np.sum(expS, axis=1, keepdims=True, where=~isMax))
    logP = S - logSumExp                                      # log softmax
    E = -np.sum(C * logP) / n                                 # E = -(1/n) sum C .* log P
    if not doDerivative:
        return E, None, None

    P = expS / np.exp(logSumExp)                              # softmax: exp(S_ij) / sum_k exp(S_ik)
    c = C.sum(axis=1, keepdims=True)                          # c = sum(C, 2): 1 for probabilities
    dES = (P * c - C) / n                                     # grad_S E
    # its rows sum to 0: the most likely class's entry from the others (1 - p_max would cancel near certainty)
    dES[isMax] = -np.sum(dES, axis=1, where=~isMax)

    def d2ES(V):  # Hess_S E [V] = (c/n) .* (P .* V - P .* sum(P .* V, 2))
        # Hess_S E maps constant rows to 0: shifting V by its entry at the most likely class
        # changes only the rounding, and avoids cancellation when one class is almost certain
        V = V - np.sum(V, axis=1, keepdims=True, where=isMax)
        PV = P * V
        return c / n * (PV - P * PV.sum(axis=1, keepdims=True))

    return E, dES, d2ES


if __name__ == "__main__":
    S = np.array([[2.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    C = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    E, dES, d2ES = crossEntropy(S, C)
    print(f"E = {E:.15f}   (expected (log(1+e^-1+e^-2) + log 3)/2 = "
          f"{(np.log(1 + np.exp(-1) + np.exp(-2)) + np.log(3)) / 2:.15f})")
    print("grad_S E =\n", dES)
    print("E unchanged when 1000 is added to row 1 of S:",
          crossEntropy(S + np.array([[1000.0], [0.0]]), C)[0] == E)
