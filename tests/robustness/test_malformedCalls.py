"""Malformed calls: thousands of generated hostile inputs to every public function.

Each call must end in a ValueError/TypeError whose message names the argument
that was malformed, or in a result that the reference written here confirms:
the documented shapes and the values of the lecture's formulas, computed
independently in float64. Anything else fails the suite: another exception
(IndexError, AttributeError, ...), an error message that does not name the
argument, a result of the wrong shape, a wrong value, an error on an input
that only changed its container or its dtype (a list, integers, float32).

The suite is table-driven: ``ENTRIES`` holds, for every public function, how
to build valid arguments, which kind of malformation applies to each argument
and a reference for the result. Adding a function is one entry. The counts of
calls and outcomes are printed at the end of the run (``tests/conftest.py``).
Runtime target: < 20 s on one core.
"""

import contextlib
import io
import numbers
import re
import warnings

import numpy as np
import pytest
from robustnessCounts import recordHostile
from scipy.special import logsumexp

from checkDerivative import adjointTest, checkDerivative
from crossEntropy import crossEntropy
from genTikhonov import genTikhonov
from newtonCG import STATUS, newtonCG
from Rosenbrock import Rosenbrock
from setupPeaks import setupPeaks
from sgd import STATUS_SGD, sgd
from sinActivation import sinActivation
from singleLayer import singleLayer
from singleLayerAdvObjFun import singleLayerAdvObjFun
from singleLayerNNObjFun import singleLayerNNObjFun, splitX
from smoothRelU import smoothRelU
from softMax import softMax
from steepestDescent import steepestDescent
from tanhActivation import tanhActivation

DRAWS = 16  # random problem sizes (and dtypes) per function; every draw tries every malformation


class InvalidError(Exception):
    """The reference finds no meaningful result: the function under test must raise."""


# --------------------------------------------------------------------------------------------
# The reference: what a meaningful input is, and what the result must be (float64, formulas)
# --------------------------------------------------------------------------------------------


def ref(x, ndim=None):
    """A real, finite, non-empty array in float64, or InvalidError."""
    if x is None or isinstance(x, (str, bytes, dict)):
        raise InvalidError
    try:
        a = np.asarray(x)
    except (ValueError, TypeError):
        raise InvalidError from None
    if a.dtype.kind not in "biuf" or a.size == 0:
        raise InvalidError
    a = a.astype(np.float64)
    if (ndim is not None and a.ndim not in ndim) or not np.isfinite(a).all():
        raise InvalidError
    return a


def refScalar(x):
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (numbers.Real, np.ndarray, np.generic)):
        raise InvalidError
    a = ref(x)
    if a.size != 1:
        raise InvalidError
    return a.reshape(())


def refShaped(V, shape):
    """The closures' rule: V shaped like ``shape``, or its vec (1-D, or a column)."""
    V = ref(V)
    size = int(np.prod(shape))
    if V.shape == tuple(shape):
        return V
    if (V.ndim == 1 and V.size == size) or V.shape == (size, 1):
        return V.reshape(shape, order="F")
    raise InvalidError


def refVec(x, length):
    """A vector of ``length``: 1-D or a column."""
    x = ref(x, ndim=(1, 2))
    if x.size != length or (x.ndim == 2 and x.shape[1] != 1):
        raise InvalidError
    return x.reshape(-1, order="F")


def finite(*arrays):
    """Results that overflowed are no results: the function must have raised."""
    for a in arrays:
        if not np.isfinite(a).all():
            raise InvalidError
    return arrays if len(arrays) > 1 else arrays[0]


def refAct(act, X):
    """The activation's A, dA as the reference understands ``act``."""
    if isinstance(act, str):
        if act not in ("tanh", "tanhActivation"):
            raise InvalidError
        A = np.tanh(X)
        return A, 1 - A**2
    if not callable(act):
        raise InvalidError
    try:
        A, dA = act(X, doDerivative=True)
    except Exception:
        raise InvalidError from None
    A, dA = ref(A), ref(dA)
    if A.shape != X.shape or dA.shape != X.shape:
        raise InvalidError
    return A, dA


def refLayer(K, b, Y, act="tanh"):
    K, Y, b = ref(K, (2,)), ref(Y, (2,)), refScalar(b)
    if Y.shape[1] != K.shape[0]:
        raise InvalidError
    with np.errstate(over="ignore"):
        X = Y @ K + b
    if act == "tanh" and not np.isnan(X).any():       # tanh(+-inf) = +-1, tanh' = 0: the exact limits
        return np.tanh(X), 1 - np.tanh(X) ** 2, K, b, Y
    Z, dA = refAct(act, finite(X))
    return Z, dA, K, b, Y


def refCrossEntropy(S, C):
    S, C = ref(S, (2,)), ref(C, (2,))
    if S.shape != C.shape or (C < 0).any() or (np.abs(C.sum(axis=1) - 1) > 1e-4).any():
        raise InvalidError        # C: class probabilities, rows summing to 1 (up to the rounding of float32)
    n = S.shape[0]
    S = S - S.max(axis=1, keepdims=True)  # -1e308 + log 3 would round to -1e308
    logP = S - logsumexp(S, axis=1, keepdims=True)
    P, c = np.exp(logP), C.sum(axis=1, keepdims=True)
    E = -np.sum(C * logP) / n
    dES = (P * c - C) / n
    return finite(E), finite(dES), P, c


# --------------------------------------------------------------------------------------------
# Malformations, by kind of argument: (label, value, outcome) with outcome
# "ok" (must return the right result), "error" (must raise) or "either"
# --------------------------------------------------------------------------------------------


def withEntry(a, value, rng):
    b = np.array(a, dtype=np.float64, copy=True)
    b.flat[rng.integers(b.size)] = value
    return b


def arrayVariants(a, rng):
    """Malformations of a valid float array ``a`` (any shape)."""
    a = np.asarray(a)
    out = [
        ("None", None, "error"),
        ("str", "abc", "error"),
        ("bytes", b"ab", "error"),
        ("dict", {"a": 1}, "error"),
        ("set", {1.0}, "error"),
        ("str array", a.astype(str), "error"),
        ("object array", a.astype(object), "error"),
        ("ragged list", [[1.0, 2.0], [3.0]], "error"),
        ("complex", a + 1j, "error"),
        ("complex, zero imaginary part", a.astype(complex), "error"),
        ("nested list", a.tolist(), "ok"),
        ("integers", np.round(3 * a).astype(int), "ok"),
        ("booleans", a > 0, "ok"),
        ("float32", a.astype(np.float32), "ok"),
        ("float16", a.astype(np.float16), "ok"),
        ("tiny", a * 1e-300, "ok"),
        ("NaN", withEntry(a, np.nan, rng), "error"),
        ("inf", withEntry(a, np.inf, rng), "error"),
        ("-inf", withEntry(a, -np.inf, rng), "error"),
        ("all NaN", np.full(a.shape, np.nan), "error"),
        ("huge 1e300", a * 1e300, "either"),
        ("huge 1e308", np.clip(a, -1.5, 1.5) * 1e308, "either"),
        ("largest float", withEntry(a, np.finfo(np.float64).max, rng), "either"),
        ("0-d", np.float64(0.5), "either"),
        ("python float", 0.5, "either"),
        ("empty", np.zeros(0), "error"),
        ("3-D", a.reshape(1, *a.shape, 1), "either"),
        ("vec", a.reshape(-1, order="F"), "either"),
        ("vec as a column", a.reshape(-1, 1, order="F"), "either"),
        ("vec as a row", a.reshape(1, -1, order="F"), "either"),
        ("one entry more", np.append(a.ravel(), 1.0), "either"),
    ]
    if a.ndim == 2:
        r, c = a.shape
        out += [
            ("transposed", a.T, "either"),
            ("tuple of tuples", tuple(map(tuple, a)), "ok"),
            ("zero rows", np.zeros((0, c)), "error"),
            ("zero columns", np.zeros((r, 0)), "error"),
            ("one row less", a[:-1], "either"),
            ("one column less", a[:, :-1], "either"),
            ("one row more", np.vstack([a, a[:1]]), "either"),
            ("one column more", np.hstack([a, a[:, :1]]), "either"),
            ("Fortran order", np.asfortranarray(a), "ok"),
            ("strided view", np.repeat(a, 2, 1)[:, ::2], "ok"),
            ("matrix class", np.asmatrix(a), "either"),
        ]
    return out


def scalarVariants(s, rng):
    return [
        ("None", None, "error"),
        ("str", "0.1", "error"),
        ("complex", complex(s, 1), "error"),
        ("NaN", np.nan, "error"),
        ("inf", np.inf, "error"),
        ("-inf", -np.inf, "error"),
        ("True", True, "error"),
        ("list of one", [s], "either"),
        ("1 x 1 array", np.array([[s]]), "either"),
        ("two entries", np.array([s, s]), "error"),
        ("empty", np.zeros(0), "error"),
        ("int", 2, "ok"),
        ("float32", np.float32(s), "ok"),
        ("numpy int", np.int64(-1), "either"),
        ("huge", 1e300, "either"),
        ("largest float", np.finfo(np.float64).max, "either"),
        ("tiny", 1e-300, "either"),
        ("dict", {"b": s}, "error"),
        ("function", print, "error"),
    ]


def classVariants(C, rng, a=None):
    """Malformations of class probabilities C: those of any array, negative entries, rows not summing to 1."""
    sumsChange = {"integers", "booleans", "float16", "tiny"}        # valid only if the rows still sum to 1
    return ([(label, value, "either" if label in sumsChange else expect)
             for label, value, expect in arrayVariants(C, rng)]
            + [("negative", -C, "error"), ("rows summing to 2", 2 * np.asarray(C), "error")])


def intVariants(m):
    return [
        ("None", None, "error"),
        ("str", str(m), "error"),
        ("float", float(m), "error"),
        ("zero", 0, "error"),
        ("negative", -m, "error"),
        ("True", True, "error"),
        ("one more", m + 1, "error"),
        ("numpy int", np.int64(m), "ok"),
        ("list", [m], "error"),
        ("array", np.array(m), "error"),
        ("complex", complex(m, 0), "error"),
        ("huge", 10**30, "error"),
    ]


def identityAct(X, doDerivative=True):
    return X, np.ones_like(X)


def actVariants():
    def wrongShape(X, doDerivative=True):
        return X[:1, :1], X[:1, :1]

    def nanAct(X, doDerivative=True):
        return X * np.nan, X

    def noTuple(X, doDerivative=True):
        return np.tanh(X)

    def listAct(X, doDerivative=True):
        return np.tanh(X).tolist(), (1 - np.tanh(X) ** 2).tolist()

    def wrongSignature(X):
        return np.tanh(X), 1 - np.tanh(X) ** 2

    return [
        ("'tanh'", "tanh", "ok"),
        ("'tanhActivation'", "tanhActivation", "ok"),
        ("tanhActivation", tanhActivation, "ok"),
        ("identity callable", identityAct, "ok"),
        ("'relu'", "relu", "error"),
        ("None", None, "error"),
        ("int", 3, "error"),
        ("np.tanh (no dA)", np.tanh, "error"),
        ("wrong shape", wrongShape, "either"),
        ("NaN output", nanAct, "error"),
        ("no tuple", noTuple, "error"),
        ("lists", listAct, "ok"),
        ("no doDerivative keyword", wrongSignature, "error"),
        ("print", print, "error"),
        ("a list", [tanhActivation], "error"),
    ]


def closureArgVariants(shape, rng):
    return arrayVariants(rng.standard_normal(shape), rng)


# --------------------------------------------------------------------------------------------
# Comparing a result with the reference
# --------------------------------------------------------------------------------------------


def tolFor(*arrays):
    """Relative tolerance: float32 when every array argument was float32, float64 otherwise."""
    kinds = []
    for a in arrays:
        try:
            kinds.append(np.asarray(a).dtype)
        except (ValueError, TypeError):
            pass
    return 2e-3 if kinds and all(k == np.float32 for k in kinds) else 1e-9


def linearMagnitude(op, V):
    """|M| |vec V| for the matrix M of the linear reference ``op``: the size of the terms of M V."""
    V = np.asarray(V, dtype=np.float64)
    columns = []
    for j in range(V.size):
        e = np.zeros(V.size)
        e[j] = 1
        columns.append(np.asarray(op(e.reshape(V.shape, order="F")), dtype=np.float64).ravel(order="F"))
    return np.abs(np.array(columns).T) @ np.abs(V.ravel(order="F"))


def close(got, want, rtol, what, op=None, arg=None):
    """got has want's shape and values, to rtol of the largest |want|; for a mat-vec ``op(arg)``
    whose terms cancel, to rounding of the terms (1e3 eps |M| |v|) too."""
    got = np.asarray(got)
    want = np.asarray(want, dtype=np.float64)
    assert got.shape == want.shape, f"{what}: shape {got.shape}, expected {want.shape}"
    assert got.dtype in (np.float32, np.float64), f"{what}: dtype {got.dtype}"
    assert np.isfinite(got).all(), f"{what}: non-finite result"
    scale = max(np.abs(want).max(initial=0.0), np.finfo(np.float64).tiny)
    err = np.abs(got.astype(np.float64) - want).max(initial=0.0)
    underflow = 10 * np.finfo(got.dtype).tiny  # 1e-300 is 0 in float32, rightly
    if err > rtol * scale * 10 + underflow and op is not None:
        underflow += 1e3 * np.finfo(got.dtype).eps * linearMagnitude(op, arg).max()
    assert err <= rtol * scale * 10 + underflow, f"{what}: max error {err:.3e} for values up to {scale:.3e}"


def hugeData(*arrays):
    """Inputs beyond 1e150: a factored mat-vec may overflow in an intermediate where the product does not."""
    return any(np.abs(np.asarray(A, dtype=np.float64)).max(initial=0) > 1e150 for A in arrays)


def closeOrRaises(closure, arg, want, rtol, what, op=None, mayOverflow=False):
    """A closure's result is right, or (when the exact result overflows) it raises saying so; with
    ``mayOverflow`` (huge data) raising that an intermediate overflowed is also an honest answer."""
    if np.isfinite(want).all():
        try:
            got = closure(arg)
        except ValueError as err:
            if mayOverflow and "overflowed" in str(err):
                return
            raise
        close(got, want, rtol, what, op, arg)
    else:
        with pytest.raises(ValueError, match="overflowed"):
            closure(arg)


# --------------------------------------------------------------------------------------------
# The registry of public functions
# --------------------------------------------------------------------------------------------


def sizes(rng):
    n, nf, m, nc = rng.integers(1, 6, size=4)
    if rng.random() < 0.3:
        m = nf  # square K: a transposed K is a valid K
    return int(n), int(nf), int(m), int(nc)


def probs(rng, n, nc):
    C = rng.random((n, nc)) + 0.01
    return C / C.sum(axis=1, keepdims=True)


# tanhActivation(Y)
def tanhValid(rng, dtype):
    n, nf, _, _ = sizes(rng)
    return dict(Y=rng.standard_normal((n, nf)).astype(dtype))


def tanhCheck(out, a, expect=None):
    Y = ref(a["Y"])
    A = np.tanh(Y)
    rtol = tolFor(a["Y"])
    close(out[0], A, rtol, "A")
    close(out[1], 1 - A**2, rtol, "dA")


# singleLayer(K, b, Y, act)
def layerValid(rng, dtype):
    n, nf, m, _ = sizes(rng)
    return dict(
        K=rng.standard_normal((nf, m)).astype(dtype),
        b=0.1,
        Y=rng.standard_normal((n, nf)).astype(dtype),
        act="tanh",
    )


def layerCheck(out, a, expect=None):
    Z, dA, K, b, Y = refLayer(a["K"], a["b"], a["Y"], a["act"])
    rtol = tolFor(a["K"], a["Y"])
    assert len(out) == 7
    close(out[0], Z, rtol, "Z")
    rng = np.random.default_rng(0)
    U, V, VY = (rng.standard_normal(s) for s in (Z.shape, K.shape, Y.shape))
    Zt, JKt, Jbt, JYt, JK, Jb, JY = out
    closeOrRaises(JK, V, dA * (Y @ V), rtol, "JK(V)")
    closeOrRaises(JKt, U, Y.T @ (dA * U), rtol, "JKt(U)")
    closeOrRaises(Jb, 0.5, 0.5 * dA, rtol, "Jb(v)")
    closeOrRaises(Jbt, U, np.sum(dA * U), rtol, "Jbt(U)")
    closeOrRaises(JY, VY, dA * (VY @ K), rtol, "JY(V)")
    closeOrRaises(JYt, U, (dA * U) @ K.T, rtol, "JYt(U)")


def layerClosure(index, argShape):
    """Entry for one of singleLayer's closures: (valid, call, check)."""

    def valid(rng, dtype):
        a = layerValid(rng, dtype)
        Z, dA, K, b, Y = refLayer(a["K"], a["b"], a["Y"])
        closure = singleLayer(a["K"], a["b"], a["Y"])[index]
        shape = argShape(K, Y)
        return dict(
            V=rng.standard_normal(shape).astype(dtype) if shape else 0.7,
            _closure=closure,
            _K=K,
            _Y=Y,
            _dA=dA,
            _rtol=tolFor(dtype(0)),
        )

    def check(out, a, expect=None):
        K, Y, dA = a["_K"], a["_Y"], a["_dA"]
        shape = argShape(K, Y)
        V = refShaped(a["V"], shape) if shape else refScalar(a["V"])
        want = {
            1: lambda: Y.T @ (dA * V),
            2: lambda: np.sum(dA * V),
            3: lambda: (dA * V) @ K.T,
            4: lambda: dA * (Y @ V),
            5: lambda: dA * V,
            6: lambda: dA * (V @ K),
        }[index]()
        close(out, finite(want), a["_rtol"], "closure result")

    return valid, lambda a: a["_closure"](a["V"]), check


# crossEntropy(S, C)
def ceValid(rng, dtype):
    n, _, _, nc = sizes(rng)
    return dict(S=(3 * rng.standard_normal((n, nc))).astype(dtype), C=probs(rng, n, nc).astype(dtype))


def hessOfS(P, c):
    """V -> Hess_S E [V] of the reference."""

    def hessS(V):
        PV = P * V
        return (c / len(P)) * (PV - P * PV.sum(1, keepdims=True))

    return hessS


def ceCheck(out, a, expect=None):
    E, dES, P, c = refCrossEntropy(a["S"], a["C"])
    rtol = tolFor(a["S"], a["C"])
    close(out[0], E, rtol, "E")
    close(out[1], dES, rtol, "dES")
    V = np.random.default_rng(0).standard_normal(dES.shape)
    closeOrRaises(out[2], V, hessOfS(P, c)(V), rtol, "d2ES(V)", hessOfS(P, c))


def ceHessValid(rng, dtype):
    a = ceValid(rng, dtype)
    E, dES, P, c = refCrossEntropy(a["S"], a["C"])
    return dict(
        V=rng.standard_normal(P.shape).astype(dtype),
        _closure=crossEntropy(a["S"], a["C"])[2],
        _P=P,
        _c=c,
        _rtol=tolFor(dtype(0)),
    )


def ceHessCheck(out, a, expect=None):
    V, op = refShaped(a["V"], a["_P"].shape), hessOfS(a["_P"], a["_c"])
    close(out, finite(op(V)), a["_rtol"], "d2ES(V)", op, V)


# softMax(W, Z, C)
def smValid(rng, dtype):
    n, _, m, nc = sizes(rng)
    return dict(
        W=rng.standard_normal((m, nc)).astype(dtype),
        Z=rng.standard_normal((n, m)).astype(dtype),
        C=probs(rng, n, nc).astype(dtype),
    )


def smRef(W, Z, C):
    W, Z = ref(W, (2,)), ref(Z, (2,))
    if W.shape[0] != Z.shape[1]:
        raise InvalidError
    E, dES, P, c = refCrossEntropy(finite(Z @ W), C)
    return E, dES, P, c, W, Z


def smCheck(out, a, expect=None):
    E, dES, P, c, W, Z = smRef(a["W"], a["Z"], a["C"])
    rtol = tolFor(a["W"], a["Z"], a["C"])
    close(out[0], E, rtol, "E")
    close(out[1], finite(Z.T @ dES), rtol, "dEW")
    close(out[3], finite(dES @ W.T), rtol, "dEZ")
    rng = np.random.default_rng(0)
    VW, VZ = rng.standard_normal(W.shape), rng.standard_normal(Z.shape)

    hessS = hessOfS(P, c)

    def d2EW(V):
        return Z.T @ hessS(Z @ V)

    def d2EZ(V):
        return hessS(V @ W) @ W.T

    closeOrRaises(out[2], VW, d2EW(VW), rtol, "d2EW(V)", d2EW)
    closeOrRaises(out[4], VZ, d2EZ(VZ), rtol, "d2EZ(V)", d2EZ)


def smClosure(index):
    def valid(rng, dtype):
        a = smValid(rng, dtype)
        E, dES, P, c, W, Z = smRef(a["W"], a["Z"], a["C"])
        shape = W.shape if index == 2 else Z.shape
        return dict(
            V=rng.standard_normal(shape).astype(dtype),
            _closure=softMax(a["W"], a["Z"], a["C"])[index],
            _P=P,
            _c=c,
            _W=W,
            _Z=Z,
            _rtol=tolFor(dtype(0)),
        )

    def check(out, a, expect=None):
        W, Z, hessS = a["_W"], a["_Z"], hessOfS(a["_P"], a["_c"])
        if index == 2:
            V = refShaped(a["V"], W.shape)

            def op(V):
                return Z.T @ hessS(Z @ V)
        else:
            V = refShaped(a["V"], Z.shape)

            def op(V):
                return hessS(V @ W) @ W.T

        close(out, finite(op(V)), a["_rtol"], "Hessian mat-vec", op, V)

    return valid, lambda a: a["_closure"](a["V"]), check


# singleLayerNNObjFun(x, Y, C, m, act)
def objValid(rng, dtype):
    n, nf, m, nc = sizes(rng)
    return dict(
        x=(0.5 * rng.standard_normal(nf * m + 1 + m * nc)).astype(dtype),
        Y=rng.standard_normal((n, nf)).astype(dtype),
        C=probs(rng, n, nc).astype(dtype),
        m=m,
        act="tanh",
    )


def objRef(x, Y, C, m, act="tanh"):
    """E, gradient and the Gauss-Newton factors J (of vec S w.r.t. x) and Hess_S, formed explicitly."""
    Y, C = ref(Y, (2,)), ref(C, (2,))
    if isinstance(m, (bool, np.bool_)) or not isinstance(m, numbers.Integral) or m < 1 or m > 1000:
        raise InvalidError
    (n, nf), nc = Y.shape, C.shape[1]
    x = refVec(x, nf * m + 1 + m * nc)
    K, b, W = x[: nf * m].reshape(nf, m, order="F"), x[nf * m], x[nf * m + 1 :].reshape(m, nc, order="F")
    Z, dA, *_ = refLayer(K, b, Y, act)
    E, dES, P, c = refCrossEntropy(finite(Z @ W), C)
    # Jacobian of vec(S) w.r.t. x, column by column: dS = (dA .* (Y dK + db)) W + Z dW, computed
    # in long double, whose wider exponent keeps intermediate products of huge x from overflowing
    dA, Y, W, Z = (A.astype(np.longdouble) for A in (dA, Y, W, Z))
    cols = []
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = 1
        dK, db, dW = (
            e[: nf * m].reshape(nf, m, order="F"),
            e[nf * m],
            e[nf * m + 1 :].reshape(m, nc, order="F"),
        )
        cols.append(((dA * (Y @ dK + db)) @ W + Z @ dW).reshape(-1, order="F"))
    J = np.array(cols).T
    HS = np.zeros((n * nc, n * nc))
    for i in range(n):
        idx = i + n * np.arange(nc)
        HS[np.ix_(idx, idx)] = c[i] * (np.diag(P[i]) - np.outer(P[i], P[i])) / n
    g = J.T @ dES.reshape(-1, order="F")
    return E, finite(g.astype(np.float64)), (J, HS)


def objCheck(out, a, expect=None):
    E, g, (J, HS) = objRef(a["x"], a["Y"], a["C"], a["m"], a["act"])
    rtol = tolFor(a["x"], a["Y"], a["C"])
    close(out[0], E, rtol, "E")
    close(out[1], g, rtol, "dE")
    v = np.random.default_rng(0).standard_normal(g.size)

    def H(v):
        return (J.T @ (HS @ (J @ v))).astype(np.float64)

    closeOrRaises(
        out[2], v, H(v), rtol, "H(v)", H, hugeData(a["x"], a["Y"], a["C"])
    )  # E, g fine, H v may overflow


def objHessValid(rng, dtype):
    a = objValid(rng, dtype)
    E, g, JHS = objRef(a["x"], a["Y"], a["C"], a["m"])
    return dict(
        v=rng.standard_normal(g.size).astype(dtype),
        _closure=singleLayerNNObjFun(**a)[2],
        _JHS=JHS,
        _rtol=tolFor(dtype(0)),
    )


def objHessCheck(out, a, expect=None):
    J, HS = a["_JHS"]

    def H(v):
        return (J.T @ (HS @ (J @ v))).astype(np.float64)

    v = refVec(a["v"], J.shape[1])
    close(out, finite(H(v)), a["_rtol"], "H(v)", H, v)


# checkDerivative(fun, x0, v, nSteps, rng)
def smoothFun(x):
    """f = sum(sin x) + 0.5 |x|^2 (any shape of x), gradient cos x + x, exact Hessian."""
    x = np.asarray(x)
    return np.sum(np.sin(x)) + 0.5 * np.vdot(x, x), np.cos(x) + x, lambda v: (1 - np.sin(x)) * v


def funVariants(kind):
    """Malformed objective functions; kind "taylor" (checkDerivative) or "newton" (newtonCG)."""

    def gradOnly(x):
        return smoothFun(x)[:2]

    def newton(x):  # H = 2 I: positive definite, good enough for Newton-CG to descend
        f, g, Hv = smoothFun(x)
        return f, g, 2 * np.eye(np.size(x))

    base = gradOnly if kind == "taylor" else newton
    out = [
        ("None", None, "error"),
        ("int", 3, "error"),
        ("str", "smoothFun", "error"),
        ("returns a scalar", lambda x: smoothFun(x)[0], "error"),
        ("returns a 1-tuple", lambda x: (smoothFun(x)[0],), "error"),
        ("returns a list", lambda x: list(base(x)), "error"),
        ("f is a string", lambda x: ("abc",) + base(x)[1:], "error"),
        ("f is None", lambda x: (None,) + base(x)[1:], "error"),
        ("f is NaN", lambda x: (np.nan,) + base(x)[1:], "error"),
        ("f is complex", lambda x: (1j,) + base(x)[1:], "error"),
        ("gradient has one entry less", lambda x: (base(x)[0], base(x)[1][:-1]) + base(x)[2:], "error"),
        ("gradient is NaN", lambda x: (base(x)[0], base(x)[1] * np.nan) + base(x)[2:], "error"),
        ("gradient is a string", lambda x: (base(x)[0], "g") + base(x)[2:], "error"),
        ("takes no argument", lambda: smoothFun(0.0), "error"),
        ("print", print, "error"),
    ]
    if kind == "taylor":
        out += [
            ("right gradient", gradOnly, "pass"),
            ("right gradient and Hessian", smoothFun, "pass"),
            ("gradient as a column", lambda x: (smoothFun(x)[0], smoothFun(x)[1].reshape(-1, 1)), "pass"),
            ("gradient 1% off", lambda x: (smoothFun(x)[0], 1.01 * smoothFun(x)[1]), "fail"),
            ("J v closure of wrong size", lambda x: (smoothFun(x)[0], lambda v: np.ones(2)), "error"),
            ("Hessian of wrong size", lambda x: smoothFun(x)[:2] + (lambda v: v[:-1],), "error"),
            (
                "vector f, J v as a row",
                lambda x: (np.sin(x), lambda v: (np.cos(x) * v).reshape(1, -1)),
                "pass",
            ),
        ]
    else:
        out += [
            ("right", newton, "ok"),
            ("Hessian closure", lambda x: newton(x)[:2] + (lambda v: 2 * v,), "ok"),
            ("Hessian of wrong shape", lambda x: newton(x)[:2] + (np.eye(np.size(x) + 1),), "error"),
            ("Hessian closure of wrong size", lambda x: newton(x)[:2] + (lambda v: v[:-1],), "error"),
            ("Hessian is a string", lambda x: newton(x)[:2] + ("H",), "error"),
            ("gradient as a column", lambda x: (newton(x)[0], newton(x)[1][:, None], newton(x)[2]), "error"),
        ]
    return out


def cdValid(rng, dtype):
    p = int(rng.integers(1, 6))
    return dict(fun=smoothFun, x0=rng.standard_normal(p).astype(dtype), v=None, nSteps=20, rng=0)


def cdCheck(out, a, expect=None):
    x0, v = ref(a["x0"]), a["v"]
    if v is not None and ref(v).shape != x0.shape:
        raise InvalidError
    nSteps = a["nSteps"]
    if (
        isinstance(nSteps, (bool, np.bool_))
        or not isinstance(nSteps, numbers.Integral)
        or not 2 <= nSteps <= 64
    ):
        raise InvalidError
    passed, table = out
    assert isinstance(passed, bool)
    assert table.shape[0] == nSteps and table.shape[1] in (3, 4), table.shape
    np.testing.assert_array_equal(table[:, 0], 2.0 ** -np.arange(1, nSteps + 1))
    if expect in ("pass", "fail") and nSteps >= 12 and np.asarray(a["x0"]).dtype == np.float64:
        assert passed == (expect == "pass"), f"verdict {passed}, expected {expect}"


# adjointTest(J, Jt, v, u, tol)
def atValid(rng, dtype):
    p, q = (int(k) for k in rng.integers(1, 6, size=2))
    A = rng.standard_normal((p, q))
    return dict(
        J=lambda v: A @ v,
        Jt=lambda u: A.T @ u,
        v=rng.standard_normal(q).astype(dtype),
        u=rng.standard_normal(p).astype(dtype),
        tol=None,
        _A=A,
    )


def atJVariants(A):
    return [
        ("None", None, "error"),
        ("matrix instead of closure", A, "error"),
        ("returns a string", lambda v: "Jv", "error"),
        ("returns NaN", lambda v: A @ v * np.nan, "error"),
        ("returns one entry more", lambda v: np.append(A @ v, 1.0), "error"),
        ("returns a list", lambda v: (A @ np.asarray(v)).tolist(), "ok"),
        ("returns a transposed 2-D array", lambda v: (A @ np.reshape(v, -1)).reshape(1, -1), "either"),
    ]


def atCheck(out, a, expect=None):
    A = a["_A"]
    v = a["v"] if isinstance(a["v"], tuple) else ref(a["v"])
    u = a["u"] if isinstance(a["u"], tuple) else ref(a["u"])
    if isinstance(v, tuple) or isinstance(u, tuple):
        passed, relErr = out  # drawn vectors: only the verdict can be checked
        assert passed and relErr < 1e-3
        return
    if v.size != A.shape[1] or u.size != A.shape[0]:
        raise InvalidError
    if a["J"] is not None and callable(a["J"]):
        Jv = ref(a["J"](v))
        if Jv.ndim > 1 and u.ndim > 1 and Jv.shape != u.shape:
            raise InvalidError
    passed, relErr = out
    assert isinstance(passed, (bool, np.bool_)) and 0 <= relErr < 1e-3, (passed, relErr)


# newtonCG(fun, x0, param)
def ncValid(rng, dtype):
    p = int(rng.integers(1, 6))
    right = dict((lbl, f) for lbl, f, _ in funVariants("newton"))["right"]
    return dict(fun=right, x0=rng.standard_normal(p).astype(dtype), param={"maxIter": 3, "verbose": False})


def paramVariants(q, newton=True):
    """Malformed param dicts of the optimisers; ``q`` holds entries every call keeps (verbose=False)."""
    out = [
        ("empty dict", {}, "ok" if "n" not in q else "error"),
        ("list", [3], "error"),
        ("str", "maxIter=3", "error"),
        ("unknown entry", {"maxiter": 3, **q}, "error"),
        ("callback not callable", {"callback": 3, **q}, "error"),
        ("callback stops", {"callback": lambda x: True, **q}, "ok"),
    ]
    if "n" in q:  # sgd
        return out + [
            ("None", None, "error"),
            ("n missing", {"verbose": False}, "error"),
            ("n float", {**q, "n": 4.0}, "error"),
            ("n zero", {**q, "n": 0}, "error"),
            ("negative lr", {**q, "lr": -0.1}, "error"),
            ("zero lr", {**q, "lr": 0.0}, "error"),
            ("NaN lr", {**q, "lr": np.nan}, "error"),
            ("str lr", {**q, "lr": "0.1"}, "error"),
            ("lr per epoch", {**q, "lr": [0.1, 0.05]}, "ok"),
            ("lr per epoch, maxEpochs disagrees", {**q, "lr": [0.1, 0.05], "maxEpochs": 3}, "error"),
            ("2-D lr", {**q, "lr": [[0.1]]}, "error"),
            ("huge lr", {**q, "lr": 1e300}, "ok"),
            ("batchSize 0", {**q, "batchSize": 0}, "error"),
            ("batchSize > n", {**q, "batchSize": 99}, "ok"),
            ("momentum 1", {**q, "momentum": 1.0}, "error"),
            ("momentum 0.9", {**q, "momentum": 0.9}, "ok"),
            ("rng str", {**q, "rng": "seed"}, "error"),
            ("maxEpochs -1", {**q, "maxEpochs": -1}, "error"),
        ]
    out += [
        ("None", None, "ok"),
        ("negative maxIter", {"maxIter": -1, **q}, "error"),
        ("float maxIter", {"maxIter": 2.5, **q}, "error"),
        ("str maxIter", {"maxIter": "3", **q}, "error"),
        ("bool maxIter", {"maxIter": True, **q}, "error"),
        ("c1 = 1", {"c1": 1.0, **q}, "error"),
        ("inf gradTol", {"gradTol": np.inf, **q}, "error"),
        ("maxIter 0", {"maxIter": 0, **q}, "ok"),
        ("numpy maxIter", {"maxIter": np.int64(2), **q}, "ok"),
        ("maxLS 0", {"maxLS": 0, **q}, "ok"),
    ]
    if newton:
        return out + [
            ("NaN tolCG", {"tolCG": np.nan, **q}, "error"),
            ("negative tolCG", {"tolCG": -1.0, **q}, "error"),
            ("huge maxIterCG", {"maxIterCG": 10**6, "maxIter": 2, **q}, "ok"),
        ]
    return out + [
        ("negative maxStep", {"maxStep": -1.0, **q}, "error"),
        ("huge maxStep", {"maxStep": 1e300, **q}, "ok"),
        ("P not callable", {"P": 3, **q}, "error"),
        ("P of wrong shape", {"P": lambda x: x[:-1], **q}, "error"),
        ("P clips", {"P": lambda x: np.clip(x, -1, 1), **q}, "ok"),
    ]


def ncCheck(
    out,
    a,
    expect=None,
    keys=("normGrad", "mu", "lsIter", "cgIter", "cgRelRes"),
    status=STATUS,
    decreasing=True,
):
    x0 = ref(a["x0"], (1,))
    x, his, xAll = out
    assert x.shape == x0.shape and np.isfinite(x).all()
    f = smoothFun(x)[0]
    assert np.isfinite(his["obj"]).all() and his["obj"][-1] == pytest.approx(f, rel=1e-4, abs=1e-6)
    assert his["status"] in status and his["message"] == status[his["status"]]
    assert not decreasing or np.all(np.diff(his["obj"]) <= 0)
    for key in keys:
        assert his[key].shape == his["obj"].shape
    if xAll is not None:
        assert xAll.shape == (len(his["obj"]), x0.size)


# Rosenbrock(x)
def rbCheck(out, a, expect=None):
    x = refVec(a["x"], 2)
    assert a["x"] is not None and np.ndim(a["x"]) == 1
    x1, x2 = x
    f, g, H = out
    rtol = tolFor(a["x"])
    close(f, finite((1 - x1) ** 2 + 100 * (x2 - x1**2) ** 2), rtol, "f")
    close(g, finite(np.array([-2 * (1 - x1) - 400 * x1 * (x2 - x1**2), 200 * (x2 - x1**2)])), rtol, "g")
    close(H, finite(np.array([[2 - 400 * x2 + 1200 * x1**2, -400 * x1], [-400 * x1, 200.0]])), rtol, "H")


def shapeOf(name):
    return {
        "JKt": lambda K, Y: (Y.shape[0], K.shape[1]),
        "Jbt": lambda K, Y: (Y.shape[0], K.shape[1]),
        "JYt": lambda K, Y: (Y.shape[0], K.shape[1]),
        "JK": lambda K, Y: K.shape,
        "Jb": lambda K, Y: None,
        "JY": lambda K, Y: Y.shape,
    }[name]


# --------------------------------------------------------------------------------------------
# The registry: one register(...) per public function
# --------------------------------------------------------------------------------------------

ENTRIES = {}


def register(name, valid, call, check, variants, aliases=None):
    """Add a public function to the suite.

    valid(rng, dtype) -> args (a dict); call(args) -> result; check(result, args, expect) asserts
    the result is right (raises InvalidError when the args have no meaningful result);
    variants: {argument: (valid value, rng, args) -> [(label, value, expect)]};
    aliases: {argument: the names an error message about it may use}.
    """
    ENTRIES[name] = (valid, call, check, variants, aliases or {})


def array(v, rng, a):
    return arrayVariants(v, rng)


def scalar(v, rng, a):
    return scalarVariants(v, rng)


def acts(v, rng, a):
    return actVariants()


register("tanhActivation", tanhValid, lambda a: tanhActivation(a["Y"]), tanhCheck, {"Y": array})
register(
    "singleLayer",
    layerValid,
    lambda a: singleLayer(a["K"], a["b"], a["Y"], a["act"]),
    layerCheck,
    {"K": array, "b": scalar, "Y": array, "act": acts},
)
for _index, _name in enumerate(["JKt", "Jbt", "JYt", "JK", "Jb", "JY"], start=1):
    _valid, _call, _check = layerClosure(_index, shapeOf(_name))
    register(
        "singleLayer." + _name,
        _valid,
        _call,
        _check,
        {"V": scalar if _name == "Jb" else array},
        {"V": ("V", "v", "U")},
    )
register(
    "crossEntropy",
    ceValid,
    lambda a: crossEntropy(a["S"], a["C"]),
    ceCheck,
    {"S": array, "C": classVariants},
)
register("crossEntropy.d2ES", ceHessValid, lambda a: a["_closure"](a["V"]), ceHessCheck, {"V": array})
register(
    "softMax",
    smValid,
    lambda a: softMax(a["W"], a["Z"], a["C"]),
    smCheck,
    {"W": array, "Z": array, "C": classVariants},
)
for _index, _name in [(2, "d2EW"), (4, "d2EZ")]:
    _valid, _call, _check = smClosure(_index)
    register("softMax." + _name, _valid, _call, _check, {"V": array})
register(
    "singleLayerNNObjFun",
    objValid,
    lambda a: singleLayerNNObjFun(a["x"], a["Y"], a["C"], a["m"], a["act"]),
    objCheck,
    {"x": array, "Y": array, "C": classVariants, "m": lambda v, rng, a: intVariants(v), "act": acts},
    {"x": ("x", "K", "b", "W")},
)  # an overflow is reported by the part of x that caused it
register(
    "singleLayerNNObjFun.H",
    objHessValid,
    lambda a: a["_closure"](a["v"]),
    objHessCheck,
    {"v": array},
    {"v": ("v", "V", "U")},
)  # an overflow inside H is reported by JK(V), ...


def nStepsVariants(v, rng, a):
    return [(lbl, val, out) for lbl, val, out in intVariants(20) if lbl not in ("one more", "numpy int")] + [
        ("one", 1, "error"),
        ("two", 2, "ok"),
        ("65", 65, "error"),
        ("numpy", np.int64(12), "ok"),
    ]


def rngVariants(v, rng, a):
    return [
        ("None", None, "ok"),
        ("Generator", np.random.default_rng(1), "ok"),
        ("str", "seed", "error"),
        ("float", 1.5, "error"),
        ("negative", -1, "error"),
        ("list", [1, 2], "error"),
        ("True", True, "error"),
    ]


register(
    "checkDerivative",
    cdValid,
    lambda a: checkDerivative(a["fun"], a["x0"], v=a["v"], nSteps=a["nSteps"], verbose=False, rng=a["rng"]),
    cdCheck,
    {
        "fun": lambda v, rng, a: funVariants("taylor"),
        "x0": array,
        "v": lambda v, rng, a: [
            (lbl, val, "ok" if val is None else out)
            for lbl, val, out in arrayVariants(np.ones_like(a["x0"]), rng)
        ],
        "nSteps": nStepsVariants,
        "rng": rngVariants,
    },
    {"fun": ("fun", "dF", "d2F")},
)


def shapeVariants(side):
    def variants(v, rng, a):
        size = a["_A"].shape[1 if side == "v" else 0]
        return arrayVariants(v, rng) + [
            ("shape tuple", (size,), "ok"),
            ("tuple of str", ("a",), "error"),
            ("tuple with 0", (0,), "error"),
            ("tuple with -1", (-1,), "error"),
            ("tuple of float", (2.5,), "error"),
        ]

    return variants


register(
    "adjointTest",
    atValid,
    lambda a: adjointTest(a["J"], a["Jt"], a["v"], a["u"], tol=a["tol"]),
    atCheck,
    {
        "J": lambda v, rng, a: atJVariants(a["_A"]),
        "Jt": lambda v, rng, a: atJVariants(a["_A"].T),
        "v": shapeVariants("v"),
        "u": shapeVariants("u"),
        "tol": lambda v, rng, a: [
            ("str", "1e-6", "error"),
            ("negative", -1.0, "error"),
            ("zero", 0.0, "error"),
            ("NaN", np.nan, "error"),
            ("list", [1e-3], "either"),
            ("loose", 1e-3, "ok"),
        ],
    },
)
register(
    "newtonCG",
    ncValid,
    lambda a: newtonCG(a["fun"], a["x0"], a["param"]),
    ncCheck,
    {
        "fun": lambda v, rng, a: funVariants("newton"),
        "x0": array,
        "param": lambda v, rng, a: paramVariants({"verbose": False}),
    },
)
register(
    "Rosenbrock",
    lambda rng, dtype: dict(x=rng.standard_normal(2).astype(dtype)),
    lambda a: Rosenbrock(a["x"]),
    rbCheck,
    {"x": array},
)


# The course's other activations ------------------------------------------------------------
def smoothReluRef(Y, eta):
    eta = float(refScalar(eta))
    if not eta > 0:
        raise InvalidError
    quad, Yl, eta = np.abs(Y) <= eta, Y.astype(np.longdouble), np.longdouble(eta)  # no overflow
    A = np.where(quad, (Yl + eta) ** 2 / (4 * eta), np.maximum(Yl, 0)).astype(np.float64)
    return finite(A), finite(np.where(quad, (Yl + eta) / (2 * eta), (Y > eta) * 1.0).astype(np.float64))


def activationCheck(formula):
    def check(out, a, expect=None):
        Y = ref(a["Y"])
        A, dA = formula(Y, a.get("eta", 0.1))
        rtol = tolFor(a["Y"])
        close(out[0], A, rtol, "A")
        close(out[1], dA, rtol, "dA")

    return check


register(
    "sinActivation",
    tanhValid,
    lambda a: sinActivation(a["Y"]),
    activationCheck(lambda Y, eta: (np.sin(Y), np.cos(Y))),
    {"Y": array},
)
register(
    "smoothRelU",
    lambda rng, dtype: {**tanhValid(rng, dtype), "eta": 0.1},
    lambda a: smoothRelU(a["Y"], eta=a["eta"]),
    activationCheck(smoothReluRef),
    {"Y": array, "eta": scalar},
)


# genTikhonov(x, lam, L) and its Hessian closure ---------------------------------------------
def tikValid(rng, dtype):
    q, k = (int(v) for v in rng.integers(1, 5, size=2))
    return dict(x=rng.standard_normal(q * k).astype(dtype), lam=0.5, L=rng.standard_normal((q + 1, q)))


def tikRef(x, lam, L):
    x, lam = ref(x), float(refScalar(lam))
    if lam < 0:
        raise InvalidError
    if L is None:
        L = np.eye(x.size)
    elif isinstance(L, numbers.Real) and not isinstance(L, bool):
        L = float(refScalar(L)) * np.eye(x.size)
    else:
        L = L.toarray() if hasattr(L, "toarray") else L
        L = ref(L, (2,))
    if x.size % L.shape[1]:
        raise InvalidError
    X = x.reshape(L.shape[1], -1, order="F")
    LX = L @ X
    Rc, dR = 0.5 * lam * np.sum(LX**2), lam * (L.T @ LX).reshape(x.shape, order="F")
    return finite(Rc), finite(dR), L, x, lam


def tikCheck(out, a, expect=None):
    Rc, dR, L, x, lam = tikRef(a["x"], a["lam"], a["L"])
    rtol = tolFor(a["x"])
    close(out[0], Rc, rtol, "Rc")
    close(out[1], dR, rtol, "dR")
    V = np.random.default_rng(0).standard_normal(x.shape)

    def d2R(V):
        return lam * (L.T @ (L @ V.reshape(L.shape[1], -1, order="F"))).reshape(V.shape, order="F")

    closeOrRaises(out[2], V, d2R(V), rtol, "d2R(v)", d2R)


def tikLVariants(v, rng, a):
    import scipy.sparse as sparse

    q = v.shape[1]
    return [c for c in arrayVariants(v, rng) if c[1] is not None] + [
        ("None (identity)", None, "ok"),
        ("number", 2.0, "ok"),
        ("True", True, "either"),
        ("sparse", sparse.csr_matrix(v), "ok"),
        ("sparse complex", sparse.csr_matrix(v * 1j), "error"),
        ("columns do not divide len(x)", np.ones((2, a["x"].size + 1)), "error"),
        ("identity of len(x)", np.eye(a["x"].size), "ok"),
        ("1 x q", np.ones((1, q)), "ok"),
    ]


def tikHessValid(rng, dtype):
    a = tikValid(rng, dtype)
    Rc, dR, L, x, lam = tikRef(**a)
    return dict(
        v=rng.standard_normal(x.shape).astype(dtype),
        _closure=genTikhonov(**a)[2],
        _L=L,
        _lam=a["lam"],
        _rtol=tolFor(dtype(0)),
    )


def tikHessCheck(out, a, expect=None):
    L, V = a["_L"], refShaped(a["v"], (a["_L"].shape[1] * 0 + np.size(out),))
    close(
        out,
        finite(a["_lam"] * (L.T @ (L @ V.reshape(L.shape[1], -1, order="F"))).ravel(order="F")),
        a["_rtol"],
        "d2R(v)",
    )


register(
    "genTikhonov",
    tikValid,
    lambda a: genTikhonov(a["x"], a["lam"], a["L"]),
    tikCheck,
    {
        "x": array,
        "lam": lambda v, rng, a: scalarVariants(v, rng) + [("negative", -1.0, "error")],
        "L": tikLVariants,
    },
)
register("genTikhonov.d2R", tikHessValid, lambda a: a["_closure"](a["v"]), tikHessCheck, {"v": array})


# steepestDescent(fun, x0, param) and sgd(fun, x0, param) -------------------------------------
def sdValid(rng, dtype):
    return {**ncValid(rng, dtype), "param": {"maxIter": 3, "verbose": False}}


def sdFunVariants(v, rng, a):
    return [
        (lbl, f, out) for lbl, f, out in funVariants("newton") if not lbl.startswith("Hessian")
    ]  # steepestDescent ignores H


register(
    "steepestDescent",
    sdValid,
    lambda a: steepestDescent(a["fun"], a["x0"], a["param"]),
    lambda out, a, expect=None: ncCheck(out, a, keys=("normGrad", "mu", "lsIter")),
    {
        "fun": sdFunVariants,
        "x0": array,
        "param": lambda v, rng, a: paramVariants({"verbose": False}, newton=False),
    },
)


def sgdValid(rng, dtype):
    a = ncValid(rng, dtype)
    return {
        **a,
        "fun": indexed(a["fun"]),
        "param": {"n": 4, "maxEpochs": 2, "batchSize": 2, "lr": 0.1, "verbose": False, "rng": 0,
                  "checkIndices": False},                   # the fun below ignores idx
    }


def indexed(f):
    """``f(x)`` as the ``fun(x, idx)`` that sgd calls (every example is the same smoothFun)."""
    return lambda x, idx: f(x)


def sgdFunVariants(v, rng, a):
    """The objective variants, called as fun(x, idx)."""
    out = []
    for lbl, f, expect in funVariants("newton"):
        if not lbl.startswith("Hessian"):
            keep = not callable(f) or lbl in ("takes no argument", "print")
            if lbl == "gradient is NaN":  # sgd checks f at x0 only; a NaN step ends in status 5
                expect = "either"
            out.append((lbl, f if keep else indexed(f), expect))
    return out + [("takes one argument", smoothFun, "error")]


register(
    "sgd",
    sgdValid,
    lambda a: sgd(a["fun"], a["x0"], a["param"]),
    lambda out, a, expect=None: ncCheck(out, a, keys=("normStep", "lr"), status=STATUS_SGD, decreasing=False),
    {
        "fun": sgdFunVariants,
        "x0": array,
        "param": lambda v, rng, a: paramVariants({"n": 4, "verbose": False, "rng": 0, "checkIndices": False}),
    },
)


# singleLayerAdvObjFun(d, Y, K, b, W, C, act) and its Hessian ---------------------------------
def advValid(rng, dtype):
    n, nf, m, nc = sizes(rng)
    return dict(
        d=(0.1 * rng.standard_normal((n, nf))).astype(dtype),
        Y=rng.standard_normal((n, nf)).astype(dtype),
        K=(rng.standard_normal((nf, m)) / np.sqrt(nf)).astype(dtype),
        b=0.1,
        W=rng.standard_normal((m, nc)).astype(dtype),
        C=np.eye(nc)[rng.integers(nc, size=n)].astype(dtype),
        act="tanh",
    )


def advRef(d, Y, K, b, W, C, act="tanh"):
    """E, gradient in d (shaped like d) and a function v -> H v, from the formulas in float64."""
    Y, C = np.atleast_2d(ref(Y, (1, 2))), np.atleast_2d(ref(C, (1, 2)))
    K, W = ref(K, (2,)), ref(W, (2,))
    if Y.shape[1] != K.shape[0] or W.shape[0] != K.shape[1] or C.shape != (Y.shape[0], W.shape[1]):
        raise InvalidError
    d = ref(d)
    if d.size != Y.size or d.ndim > 2 or (d.ndim == 2 and d.shape not in (Y.shape, (Y.size, 1))):
        raise InvalidError
    Z, dA, K, b, YD = refLayer(K, b, Y + d.reshape(Y.shape, order="F"), act)
    E, dES, P, c = refCrossEntropy(finite(Z @ W), C)

    def hessS(dS):
        PV = P * dS
        return (c / len(P)) * (PV - P * PV.sum(1, keepdims=True))

    def H(v):
        V = v.reshape(Y.shape, order="F")
        return ((dA * (hessS((dA * (V @ K)) @ W) @ W.T)) @ K.T).reshape(d.shape, order="F")

    return E, finite(((dA * (dES @ W.T)) @ K.T).reshape(d.shape, order="F")), H, d


def advCheck(out, a, expect=None):
    E, g, H, d = advRef(a["d"], a["Y"], a["K"], a["b"], a["W"], a["C"], a["act"])
    rtol = tolFor(a["d"], a["Y"], a["K"], a["W"], a["C"])
    close(out[0], E, rtol, "E")
    close(out[1], g, rtol, "dE")
    v = np.random.default_rng(0).standard_normal(d.shape)
    closeOrRaises(out[2], v, H(v), rtol, "H(v)", H)


def advHessValid(rng, dtype):
    a = advValid(rng, dtype)
    E, g, H, d = advRef(**a)
    return dict(
        v=rng.standard_normal(d.shape).astype(dtype),
        _closure=singleLayerAdvObjFun(**a)[2],
        _H=H,
        _shape=d.shape,
        _rtol=tolFor(dtype(0)),
    )


def advHessCheck(out, a, expect=None):
    v = refShaped(a["v"], a["_shape"])
    close(out, finite(a["_H"](v)), a["_rtol"], "H(v)", a["_H"], v)


register(
    "singleLayerAdvObjFun",
    advValid,
    lambda a: singleLayerAdvObjFun(a["d"], a["Y"], a["K"], a["b"], a["W"], a["C"], a["act"]),
    advCheck,
    {
        "d": array,
        "Y": array,
        "K": array,
        "b": scalar,
        "W": array,
        "C": classVariants,
        "act": acts,
    },
    {"d": ("d", "Y"), "Y": ("Y", "K", "b")},
)  # singleLayer reports an overflow of (Y + d) K + b as "Y K + b": its Y is Y + d
register(
    "singleLayerAdvObjFun.H",
    advHessValid,
    lambda a: a["_closure"](a["v"]),
    advHessCheck,
    {"v": array},
    {"v": ("v", "V", "U")},
)


# setupPeaks(np, nc, ns, seed) ---------------------------------------------------------------
def peaksCheck(out, a, expect=None):
    for key in ("np", "nc", "ns"):
        v = a[key]
        if (
            isinstance(v, (bool, np.bool_))
            or not isinstance(v, numbers.Integral)
            or v < (1 if key == "np" else 2)
        ):
            raise InvalidError
    Y, C = out
    npc = -(-a["np"] // a["nc"])
    assert Y.shape == (a["nc"] * npc, 2) and C.shape == (a["nc"] * npc, a["nc"])
    assert np.isfinite(Y).all() and (np.abs(Y) <= 3).all()
    np.testing.assert_array_equal(C.sum(1), 1)
    np.testing.assert_array_equal(C.argmax(1), np.repeat(np.arange(a["nc"]), npc))


def peaksInts(low):
    def variants(v, rng, a):
        return [
            (lbl, val, "ok" if lbl == "numpy int" else ("either" if lbl == "one more" else out))
            for lbl, val, out in intVariants(v)
            if lbl != "huge"
        ] + [("one", 1, "ok" if low == 1 else "error"), ("huge", 10**12, "error")]

    return variants


register(
    "setupPeaks",
    lambda rng, dtype: dict(np=int(rng.integers(1, 60)), nc=int(rng.integers(2, 6)), ns=32, seed=0),
    lambda a: setupPeaks(a["np"], a["nc"], a["ns"], seed=a["seed"]),
    peaksCheck,
    {"np": peaksInts(1), "nc": peaksInts(2), "ns": peaksInts(2), "seed": rngVariants},
    {"nc": ("nc", "ns"), "ns": ("ns", "nc")},
)


# splitX(x, nf, m, nc), the helper the examples use to read K, b, W off x ----------------------
def splitValid(rng, dtype):
    n, nf, m, nc = sizes(rng)
    return dict(x=rng.standard_normal(nf * m + 1 + m * nc).astype(dtype), nf=nf, m=m, nc=nc)


def splitCheck(out, a, expect=None):
    """splitX only reshapes: K, b, W must be the right pieces of x (an array keeps its dtype)."""
    nf, m, nc = a["nf"], a["m"], a["nc"]
    for v in (nf, m, nc):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Integral) or v < 1:
            raise InvalidError
    x = a["x"] if isinstance(a["x"], np.ndarray) else ref(a["x"])
    if x.ndim != 1 or x.size != nf * m + 1 + m * nc:
        raise InvalidError
    K, b, W = out
    assert K.shape == (nf, m) and np.ndim(b) == 0 and W.shape == (m, nc)
    np.testing.assert_array_equal(K, x[: nf * m].reshape((nf, m), order="F"))
    np.testing.assert_array_equal(b, x[nf * m])
    np.testing.assert_array_equal(W, x[nf * m + 1 :].reshape((m, nc), order="F"))


def splitXVariants(v, rng, a):
    """Malformed x for splitX: an ndarray of any dtype is split as it is, so only shapes matter."""
    return [(lbl, val, "either") for lbl, val, out in arrayVariants(v, rng)]


register(
    "splitX",
    splitValid,
    lambda a: splitX(a["x"], a["nf"], a["m"], a["nc"]),
    splitCheck,
    {
        "x": splitXVariants,
        "nf": lambda v, rng, a: [c for c in intVariants(v) if c[0] != "numpy int"],
        "m": lambda v, rng, a: [c for c in intVariants(v) if c[0] != "numpy int"],
    },
    {"nf": ("nf", "x"), "m": ("m", "x")},
)  # a wrong nf or m can show as the wrong length of x


def namesArgument(message, names):
    return any(re.search(rf"(?<![A-Za-z0-9_]){re.escape(nm)}(?![A-Za-z0-9_])", message) for nm in names)


def tryCall(name, call, check, args, argName, names, label, expect):
    """Make one call; return its outcome or a description of what went wrong."""
    where = f"{name}({argName} = {label})"
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            out = call(args)
    except (ValueError, TypeError) as err:
        if expect in ("ok", "pass", "fail"):
            return None, f"{where}: raised {type(err).__name__} on a valid input: {err}"
        if not namesArgument(str(err), names):
            return None, f"{where}: {type(err).__name__} does not name {names}: {err}"
        return type(err).__name__, None
    except Exception as err:  # noqa: BLE001 - anything else is the failure we are looking for
        return None, f"{where}: {type(err).__name__}: {err}"
    if expect == "error":
        return None, f"{where}: returned instead of raising"
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            check(out, args, expect)
    except InvalidError:
        return None, f"{where}: returned a result for an input without a meaningful one"
    except AssertionError as err:
        return None, f"{where}: wrong result: {err}"
    return "correct", None


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_every_malformed_call_raises_naming_the_argument_or_is_right(name):
    valid, call, check, variantsOf, aliases = ENTRIES[name]
    failures, tried = [], 0
    for draw in range(DRAWS):
        rng = np.random.default_rng([draw, len(name)])
        args = valid(rng, np.float32 if draw % 3 == 2 else np.float64)
        outcome, problem = tryCall(name, call, check, args, "(valid)", ("",), "unchanged", "ok")
        assert problem is None, problem  # the valid call itself is right
        for argName, variants in variantsOf.items():
            with warnings.catch_warnings(), np.errstate(all="ignore"):  # float32 * 1e300 overflows, as meant
                warnings.simplefilter("ignore")  # and np.matrix is deprecated
                cases = variants(args[argName], rng, args)
            for label, value, expect in cases:
                outcome, problem = tryCall(
                    name,
                    call,
                    check,
                    {**args, argName: value},
                    argName,
                    aliases.get(argName, (argName,)),
                    label,
                    expect,
                )
                tried += 1
                if problem:
                    failures.append(problem)
                else:
                    recordHostile(name, outcome)
    assert tried >= 100, tried
    assert not failures, f"{len(failures)} of {tried} hostile calls failed:\n" + "\n".join(failures[:40])
