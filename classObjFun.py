"""The course's classification objective: cross entropy of the classifier W plus a regulariser on W.

For fixed features Z (n x m, e.g. Z = sigma(Y K + b)) and classes C,

    J(W) = E(S, C) + R_W(W),       S = [Z, 1] W   (with the classifier bias, as the course)
    grad J      = [Z, 1]' grad_S E + grad R_W
    Hess J [V]  = [Z, 1]' Hess_S E [[Z, 1] V] + Hess R_W [V]

J is convex in W (softmax cross entropy of a linear model, plus a convex
R_W such as 0.5 lambda ||W||^2), and its Hessian is exact. Variable
projection (``singleLayerNNVarProObjFun``) minimises J over W for every
(K, b): ``solveClassObjFun`` below, the course's
``WOpt = newtoncg(@(W) classObjFun(W,Z,C,paramRegW), zeros(nc*(m+1),1), paramCl)``.
"""

import warnings
from functools import partial

import numpy as np

from newtonCG import CHOICES, DEFAULTS, newtonCG
from softMax import softMax
from support.checks import checkedBy
from support.checksVarPro import checkClassObjFun, checkSolveClassObjFun
from support.fastOps import blasThreadsBySize
from support.vecmat import mat, vec


@blasThreadsBySize(examples="Z")   # small problems: one BLAS thread
@checkedBy(checkClassObjFun)
def classObjFun(W, Z, C, regW=None, bias=True, hessianShift=0.0):
    """``[J,dJ,H] = classObjFun(W,Z,C,paramRegW)``: cross entropy of S = [Z, 1] W plus R_W(W).

    Parameters
    ----------
    W : array_like, (m+1) x nc (m x nc with ``bias=False``), or its vec
        Classifier weights, the last row the classifier bias.
    Z : array_like, n x m
        Features, one row per example.
    C : array_like, n x nc
        Class probabilities (rows sum to 1).
    regW : callable, optional
        Regulariser on ``vec(W)``: ``w -> (Rc, dR, d2R)``, e.g.
        ``lambda w: genTikhonov(w, 1e-10)`` (the course's ``paramRegW``).
    bias : bool, default True
        The classifier bias (every course example uses it).
    hessianShift : float, default 0
        Added times V to the Hessian of E (the course's ``softMax.m``: 1e-5).

    Returns
    -------
    J : float
    dJ : ndarray, shape of W (its vec if W was given as a vector)
    H : callable
        ``V -> Hess J [V]``, V shaped like W or its vec; returns the shape of dJ.

    The course's ``classObjFun.m`` (W nc x (m+1), Z m x n) tells the bias from
    the size of W and takes ``paramRegW`` as a struct for ``genTikhonov``.
    """
    E, dEW, d2EW, _, _ = softMax(W, Z, C, bias, hessianShift)     # E(Z W, C) and its W-derivatives
    if regW is None:
        return E, dEW, d2EW
    Rc, dR, d2R = regW(vec(W))                                         # R_W(W), on vec(W) as the course
    J = E + Rc                                                         # J = E + R_W
    dJ = dEW + mat(dR, W.shape)                                        # grad J = grad_W E + grad R_W
    H = lambda V: d2EW(V) + mat(d2R(vec(V)), W.shape)                  # Hess J = Hess_W E + Hess R_W
    return J, dJ, H


@checkedBy(partial(checkSolveClassObjFun, newton=(DEFAULTS, CHOICES)))   # paramCl: newtonCG's
def solveClassObjFun(Z, C, paramCl=None, regW=None, bias=True, hessianShift=0.0, W0=None):
    """``W = newtoncg(@(W) classObjFun(W,Z,C,paramRegW), zeros(nc*(m+1),1), paramCl)``: the best W for Z.

    Parameters
    ----------
    Z, C, regW, bias, hessianShift
        As in ``classObjFun``.
    paramCl : dict, optional
        ``newtonCG``'s param for the solve, on top of the course's VarPro script's
        ``maxIter=20, tolCG=1e-5, maxIterCG=30`` (silent: ``verbose=0``).
    W0 : array_like, (m+1) x nc (m x nc with ``bias=False``), optional
        Where Newton-CG starts; default W = 0 (the course's VarPro). The
        course's extreme-learning scripts (``EELM_*.m``) start from a random W0.

    Returns
    -------
    W : ndarray, (m+1) x nc (m x nc with ``bias=False``)
        newtonCG's last iterate, started from W0 (default W = 0, as the course's VarPro).
    his : dict
        newtonCG's history (its ``status`` 2, "line search failed", usually
        means that W is optimal to rounding: no step decreases J any more).

    newtonCG's warning for a failed line search is not shown: the course's
    20 iterations run past the optimum of this convex problem, where it fails
    by design (Octave prints "warning: Line search break" each time).
    """
    shapeW = (Z.shape[1] + bias, C.shape[1])
    W0 = np.zeros(shapeW, Z.dtype) if W0 is None else W0

    def J(w):  # J on w = vec(W), as newtonCG takes it
        Jc, dJ, H = classObjFun(mat(w, shapeW), Z, C, regW, bias, hessianShift)
        return Jc, vec(dJ), lambda v: vec(H(mat(v, shapeW)))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        w, his, _ = newtonCG(J, vec(W0), paramCl)                     # from W0 (default W = 0)
    return mat(w, shapeW), his


if __name__ == "__main__":
    from genTikhonov import genTikhonov

    rng = np.random.default_rng(0)
    n, m, nc = 200, 4, 3
    Z = rng.standard_normal((n, m))
    Wtrue = rng.standard_normal((m + 1, nc))
    S = np.column_stack([Z, np.ones(n)]) @ Wtrue
    C = np.eye(nc)[S.argmax(1)]
    reg = lambda w: genTikhonov(w, 1e-2)                               # noqa: E731
    W, his = solveClassObjFun(Z, C, {"maxIter": 30, "gradTol": 1e-10}, regW=reg)
    J, dJ, H = classObjFun(W, Z, C, regW=reg)
    print(f"Newton-CG from W = 0: J = {his['obj'][0]:.6f} (= log(nc) = {np.log(nc):.6f}) -> {J:.6f} "
          f"in {len(his['obj']) - 1} iterations, |grad J| = {np.linalg.norm(dJ):.1e}")
    predicted = (np.column_stack([Z, np.ones(n)]) @ W).argmax(1)
    print(f"training accuracy of the classifier: {np.mean(predicted == S.argmax(1)):.1%}")
