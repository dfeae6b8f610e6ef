"""Input checks of ``classObjFun`` and ``singleLayerNNVarProObjFun`` (variable projection).

Kept beside ``checks.py`` and built from its pieces, in the same pattern: each
``checkXxx`` takes the function's arguments, validates them once and returns
``(dict of checked arguments, finish)``; the function's body then trusts its
input. The inner newtonCG's defaults come in from the lecture file (``newton=``).
"""

import numpy as np

from support.checks import (
    allFinite,
    asBool,
    asClasses,
    asFloatArray,
    asPositiveInt,
    asScalar,
    checkAct,
    checkClasses,
    checkedMatVec,
    checkExampleRows,
    checkFinite,
    checkRegularizerArgument,
    checkSoftMax,
    commonDtype,
    describe,
    xLength,
)
from support.optimRun import checkParam
from support.vecmat import mat, vec

# the inner solve of the course's ESingleLayer_PeaksVarPro.m (paramCl), silent, without the iterates
PARAM_CL = {"maxIter": 20, "tolCG": 1e-5, "maxIterCG": 30, "verbose": 0, "storeIterates": False}


def checkShift(hessianShift, dtype):
    shift = asScalar(hessianShift, "hessianShift", dtype)
    if shift < 0:
        raise ValueError(f"hessianShift must be >= 0 (the course's softMax.m uses 1e-5), "
                         f"got {hessianShift!r}")
    return shift


def checkParamCl(paramCl, newton):
    """paramCl: the inner newtonCG's param dict, on top of PARAM_CL (the course's VarPro script's);
    ``newton``: newtonCG's ``(DEFAULTS, CHOICES)``."""
    if paramCl is not None and not isinstance(paramCl, dict):
        raise TypeError(f"paramCl must be a dict of newtonCG parameters, got {describe(paramCl)}")
    try:
        return checkParam({**PARAM_CL, **(paramCl or {})}, *newton)
    except (TypeError, ValueError) as err:
        raise type(err)(f"paramCl (the inner newtonCG's param): {err}") from None


def checkClassObjFun(W, Z, C, regW=None, bias=True, hessianShift=0.0):
    """Arguments of ``classObjFun``; W may be given as its vec, and dJ and H(V) then come back as vecs."""
    Z = asFloatArray(Z, "Z", ndim=2)
    C = asClasses(C)
    bias = asBool(bias, "bias")
    W = asFloatArray(W, "W", ndim=(1, 2))
    shapeW = (Z.shape[1] + bias, C.shape[1])
    givenAsVec = W.ndim == 1
    if givenAsVec:
        if W.size != shapeW[0] * shapeW[1]:
            raise ValueError(f"W given as a vector must have (m{' + 1' if bias else ''})*nc = "
                             f"{shapeW[0]}*{shapeW[1]} = {shapeW[0] * shapeW[1]} entries (m = Z.shape[1], "
                             f"nc = C.shape[1]), got {W.size}")
        W = mat(W, shapeW)
    arguments, _ = checkSoftMax(W, Z, C, bias, hessianShift)     # shapes of W, Z, C agree; C probabilities
    dtype = arguments["W"].dtype

    def finish(out):
        J, dJ, H = out
        checkFinite(J, "J(W) = E(Z W, C) + R_W(W)", "Z or W")
        checkFinite(dJ, "grad J", "Z or W")
        HW = checkedMatVec(H, shapeW, dtype, "H", "Z or W")
        if givenAsVec:
            return J, vec(dJ), lambda v: vec(HW(v))
        return J, dJ, HW

    return dict(W=arguments["W"], Z=arguments["Z"], C=arguments["C"],
                regW=checkRegularizerArgument(regW, "regW"), bias=bias,
                hessianShift=arguments["hessianShift"]), finish


def checkSolveClassObjFun(Z, C, paramCl=None, regW=None, bias=True, hessianShift=0.0, *, newton):
    """Arguments of ``solveClassObjFun``."""
    Z = asFloatArray(Z, "Z", ndim=2)
    C = asClasses(C)
    bias = asBool(bias, "bias")
    W0 = np.zeros((Z.shape[1] + bias, C.shape[1]), dtype=commonDtype(Z, C))
    arguments, _ = checkSoftMax(W0, Z, C, bias, hessianShift)
    return dict(Z=arguments["Z"], C=arguments["C"], paramCl=checkParamCl(paramCl, newton),
                regW=checkRegularizerArgument(regW, "regW"), bias=bias,
                hessianShift=arguments["hessianShift"]), lambda out: out


def checkVarPro(x, Y, C, m, paramCl=None, act="tanh", regKb=None, regW=None, hessianShift=0.0,
                courseValue=False, bias=True, *, newton):
    """Arguments of ``singleLayerNNVarProObjFun``; Ec and dE must come out finite, H comes back checked."""
    Y = asFloatArray(Y, "Y", ndim=2)
    C = asClasses(C)
    m = asPositiveInt(m, "m", " (the width of the layer)")
    bias, courseValue = asBool(bias, "bias"), asBool(courseValue, "courseValue")
    (n, nf), nc = Y.shape, C.shape[1]
    if C.shape[0] != n:
        checkExampleRows(Y, C)
    checkClasses(C, n, nc, "Y.shape[0]", "C.shape[1]", True)
    x = asFloatArray(x, "x", ndim=(1, 2))
    if x.size != nf * m + 1 or (x.ndim == 2 and x.shape[1] != 1):
        hint = ""
        if x.size in (xLength(nf, m, nc, True), xLength(nf, m, nc, False)):
            hint = ("; this is the length of singleLayerNNObjFun's x = [K(:); b; W(:)]: VarPro's x is "
                    "[K(:); b] only, W is solved for")
        raise ValueError(f"x must be a vector [K(:); b] of length nf*m + 1 = {nf}*{m} + 1 = {nf * m + 1} "
                         f"(nf = Y.shape[1], m = {m}), got shape {x.shape}{hint}")
    act = checkAct(act)
    dtype = commonDtype(x, Y, C)
    x, Y, C = vec(x).astype(dtype, copy=False), Y.astype(dtype, copy=False), C.astype(dtype, copy=False)

    def finish(out):
        Ec, dE, H = out
        if not (np.isfinite(Ec) and allFinite(dE)):
            checkFinite(Ec, "the reduced objective", "x or Y")
            checkFinite(dE, "its gradient", "x or Y")
        return Ec, dE, checkedMatVec(H, (x.size,), dtype, "H", "x or Y")

    return dict(x=x, Y=Y, C=C, m=m, paramCl=checkParamCl(paramCl, newton), act=act,
                regKb=checkRegularizerArgument(regKb, "regKb"), regW=checkRegularizerArgument(regW, "regW"),
                hessianShift=checkShift(hessianShift, dtype), courseValue=courseValue, bias=bias), finish

