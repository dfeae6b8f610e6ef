"""Input checks of every lecture file (singleLayer, crossEntropy, softMax, singleLayerNNObjFun, ...).

Every public function of the project checks its arguments once, here, and then
runs its mathematics on arrays it can trust. A wrong shape, a transposed matrix,
the course's column layout, a list of strings or a NaN ends in a clear
``ValueError``/``TypeError`` that names the argument most likely wrong, what it
got and what was expected, never in a silently broadcast wrong answer or a deep
numpy traceback.

The lecture files use it through one decorator::

    @checkedBy(checkSingleLayer)          # checks K, b, Y; then runs the body below
    def singleLayer(K, b, Y, act=tanhActivation, doDerivative=True):
        ...                               # the slide's formulas, nothing else

The check runs once, where a call enters the lecture's code: when a lecture
function calls another (``singleLayerNNObjFun`` calls ``singleLayer``), or a
closure it returned runs, the inner call trusts its already checked arguments.
A function the user passed in (an activation, a regulariser, an objective) runs
``outside()``: what it calls is checked again.
"""

import contextlib
import contextvars
import functools
import numbers

import numpy as np

from support.vecmat import mat, vec

COURSE_LAYOUT = ("this looks like the course's column layout (examples in columns: Y nf x n, K m x nf, "
                 "W nc x m, C nc x n); the lecture's, used here, has examples in rows")


# ------------------------------------------------------------------ the decorator
INSIDE = contextvars.ContextVar("insideLectureCode", default=False)   # True while checked code runs


def checkedBy(check):
    """Decorate a lecture function so that ``check`` validates its arguments first.

    ``check`` takes the function's arguments (same signature) and returns
    ``(arguments, finish)``: the checked arguments as a dict for the function,
    and ``finish(result)``, which checks (or wraps) what the function returns.
    Called from inside checked lecture code, the function runs unchecked.
    """
    def decorate(body):
        @functools.wraps(body)
        def public(*args, **kwargs):
            if INSIDE.get():                       # a lecture function calling another: checked on entry
                return body(*args, **kwargs)
            try:
                arguments, finish = check(*args, **kwargs)
            except TypeError as err:               # a missing or misspelt argument: name the function called
                raise renamed(err, check, body) from None
            with inside():
                out = body(**arguments)
            return finish(out)

        return public

    return decorate


def renamed(err, check, body):
    """``err`` with ``body``'s name where Python named ``check`` for arguments that do not bind."""
    checkName = getattr(check, "func", check).__name__ + "()"
    message = str(err)
    if not message.startswith(checkName):
        return err                                   # a check's own message: it names the argument
    return TypeError(body.__name__ + "()" + message[len(checkName):])


@contextlib.contextmanager
def inside():
    """Run lecture code whose arguments were checked: the lecture functions it calls trust them."""
    token = INSIDE.set(True)
    try:
        yield
    finally:
        INSIDE.reset(token)


@contextlib.contextmanager
def outside():
    """Run a function the user passed in: the lecture functions it calls check their arguments."""
    token = INSIDE.set(False)
    try:
        yield
    finally:
        INSIDE.reset(token)


def unchanged(result):
    """``finish`` for functions whose result needs no check."""
    return result


# ------------------------------------------------------------------ arrays and scalars
def describe(x):
    """A short description of a bad value for an error message."""
    if isinstance(x, np.ndarray):
        return f"array with shape {x.shape} and dtype {x.dtype}"
    return f"{type(x).__name__} {x!r}"[:120]


def allFinite(A):
    """True when every entry of the float array ``A`` is finite; one cheap pass on large arrays.

    A sum of finite numbers is finite unless it overflows, and an inf or NaN
    makes it inf or NaN: only a sum that overflowed needs the entrywise test.
    """
    if A.size < 50_000:
        return bool(np.isfinite(A).all())
    with np.errstate(over="ignore", invalid="ignore"):
        total = A.sum()
    return bool(np.isfinite(total) or np.isfinite(A).all())


def asFloatArray(x, name, ndim=None, dtype=None, allowNonFinite=False):
    """Convert ``x`` to a float ndarray, or raise an error that names ``name``.

    Integers and booleans become float64, float32 and float64 are kept, other
    floats become float64; ``dtype`` forces a float dtype. Complex, object,
    string and empty inputs are rejected, and so are NaN and inf unless
    ``allowNonFinite``. ``ndim`` (an int or a tuple) is the number of dimensions expected.
    """
    if x is None or isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a real array, got {describe(x)}")
    try:
        a = np.asarray(x)
    except (ValueError, TypeError) as err:  # ragged lists and the like
        raise TypeError(f"{name} must be a real array, got {type(x).__name__} ({err})") from None
    if a.dtype.kind in "biu":
        a = a.astype(np.float64)
    elif a.dtype.kind == "c":
        raise TypeError(f"{name} must be real, got complex dtype {a.dtype}")
    elif a.dtype.kind != "f":
        raise TypeError(f"{name} must be a real array, got dtype {a.dtype} from {type(x).__name__}")
    if dtype is not None:
        a = a.astype(dtype, copy=False)
    elif a.dtype not in (np.float32, np.float64):
        a = a.astype(np.float64)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if a.ndim not in allowed:
            raise ValueError(f"{name} must be {' or '.join(f'{d}-D' for d in allowed)}, got shape {a.shape}")
    if a.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {a.shape}")
    if not allowNonFinite and not allFinite(a):
        bad = a.size - np.count_nonzero(np.isfinite(a))
        raise ValueError(f"{name} must be finite, got {bad} NaN/inf entries in shape {a.shape}")
    return a


def asScalar(x, name, dtype=np.float64):
    """Convert a scalar (or an array with one entry) to a finite number of ``dtype``."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (numbers.Real, np.ndarray, np.generic)):
        raise TypeError(f"{name} must be a real scalar, got {describe(x)}")
    a = asFloatArray(x, name, dtype=dtype)
    if a.size != 1:
        raise ValueError(f"{name} must be a scalar, got shape {a.shape}")
    return a.reshape(()).astype(dtype)[()]


def asPositiveInt(v, name, what=""):
    """``v`` as a positive int, or a TypeError naming ``name``."""
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Integral) or v < 1:
        raise TypeError(f"{name} must be a positive integer{what}, got {v!r}")
    return int(v)


def asBool(v, name):
    if not isinstance(v, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {describe(v)}")
    return bool(v)


def commonDtype(*arrays):
    """The float dtype all arrays are computed in: float32 only if all are float32."""
    return np.result_type(*arrays)


def asShaped(V, shape, name, dtype):
    """``V`` shaped like ``shape``, given so or as its vec (the rule of every Jacobian closure)."""
    if type(V) is np.ndarray and V.shape == tuple(shape) and V.dtype == dtype:
        return V if allFinite(V) else asFloatArray(V, name)       # asFloatArray raises on NaN/inf
    V = asFloatArray(V, name)
    size = int(np.prod(shape))
    if V.shape == tuple(shape):
        return V.astype(dtype, copy=False)
    if (V.ndim == 1 and V.size == size) or V.shape == (size, 1):
        return mat(V.astype(dtype, copy=False), shape)
    hint = "; did you pass it transposed?" if V.shape == tuple(shape)[::-1] else ""
    raise ValueError(f"{name} must have shape {tuple(shape)} or be its vec of length {size}, "
                     f"got shape {V.shape}{hint}")


def checkFinite(A, what, names):
    """Raise a ValueError when a result ``what`` overflowed to inf/NaN; ``names``: what to rescale."""
    if not allFinite(np.asarray(A)):
        dtype = np.asarray(A).dtype
        raise ValueError(f"{what} overflowed to inf/NaN in {dtype} (largest finite "
                         f"{np.finfo(dtype).max:.2e}): rescale {names}")
    return A


def checkedMatVec(f, shape, dtype, name, data, arg=None):
    """A Jacobian or Hessian closure for users: its argument checked (shaped like ``shape`` or its
    vec), its result checked for overflow (``data``: the arrays the closure was built from)."""
    arg = arg or ("v" if len(shape) < 2 else "V")

    def matvec(V):
        if len(shape) == 1:                                   # H(v) of an objective: v like x
            V = asFloatArray(V, arg, ndim=(1, 2))
            if V.size != shape[0] or (V.ndim == 2 and V.shape[1] != 1):
                raise ValueError(f"v must be a vector of length len(x) = {shape[0]}, got shape {V.shape}")
            V = vec(V).astype(dtype, copy=False)
        else:
            V = asScalar(V, arg, dtype) if shape == () else asShaped(V, shape, arg, dtype)
        with inside():
            out = f(V)
        return checkFinite(out, f"{name}({arg})", f"{arg} or {data}")

    matvec.__name__ = matvec.__qualname__ = name
    return matvec


# ------------------------------------------------------------------ shapes of the lecture
def checkRows(A, rows, name, what):
    """Raise unless ``A`` has ``rows`` rows; ``what`` says where the number comes from."""
    if A.shape[0] != rows:
        hint = "; did you pass it transposed?" if A.ndim == 2 and A.shape[1] == rows else ""
        raise ValueError(f"{name} must have {what}={rows} rows, got {name} with shape {A.shape}{hint}")


def checkCols(A, cols, name, what):
    """Raise unless ``A`` has ``cols`` columns; ``what`` says where the number comes from."""
    if A.shape[1] != cols:
        hint = "; did you pass it transposed?" if A.shape[0] == cols else ""
        raise ValueError(f"{name} must have {what}={cols} columns, got {name} with shape {A.shape}{hint}")


def checkLayerShapes(K, Y):
    """Y (n x nf) and K (nf x m) must agree in nf; blame the one most likely wrong."""
    if Y.shape[1] == K.shape[0]:
        return
    got = f"got Y with shape {Y.shape} and K with shape {K.shape}"
    if Y.shape[0] == K.shape[1]:
        raise ValueError(f"Y must be n x nf and K nf x m (Y.shape[1] = K.shape[0]), {got}: "
                         f"{COURSE_LAYOUT}: pass Y.T and K.T")
    if Y.shape[1] == K.shape[1]:
        raise ValueError(f"K must have Y.shape[1]={Y.shape[1]} rows (K is nf x m), got K with shape "
                         f"{K.shape} and Y with shape {Y.shape}: did you pass K transposed? (pass K.T; "
                         f"else Y has the wrong number of features)")
    if Y.shape[0] == K.shape[0]:
        raise ValueError(f"Y must have K.shape[0]={K.shape[0]} columns (Y is n x nf, examples in rows), "
                         f"got Y with shape {Y.shape}: did you pass Y transposed? (pass Y.T)")
    raise ValueError(f"Y must have K.shape[0]={K.shape[0]} columns (the features nf), {got}")


def checkExampleRows(Y, C):
    """Y (n x nf) and C (n x nc) must have a row per example; the message leads with the likelier culprit."""
    (n, nf), got = Y.shape, f"got C with shape {C.shape} and Y with shape {Y.shape}"
    if C.shape[0] == nf:                                       # Y's other dimension fits: Y is transposed
        raise ValueError(f"Y must be n x nf, a row per example like the {C.shape[0]} rows of C, {got}: "
                         "did you pass Y transposed? (pass Y.T)")
    if C.shape[1] == nf:                                       # both transposed
        raise ValueError(f"Y and C must have a row per example, {got}: {COURSE_LAYOUT}: pass Y.T and C.T")
    if C.shape[1] == n:
        raise ValueError(f"C must have Y.shape[0]={n} rows (one per example), {got}: did you pass C "
                         f"transposed? (C is n x nc; {COURSE_LAYOUT}: pass C.T)")
    raise ValueError(f"C must have Y.shape[0]={n} rows (one per example), {got}: Y and C must have a row "
                     "for every example")


def checkWRows(W, m, bias, what):
    """Raise unless the classifier weights W have m rows, or m+1 with ``bias`` (the last row the bias)."""
    rows = m + 1 if bias else m
    if W.shape[0] == rows:
        return
    hint = ""
    if W.shape[0] == m + 1:
        hint = ": W has m+1 rows; if its last row is the classifier bias, pass bias=True"
    elif W.shape[0] == m and bias:
        hint = ": W has m rows; pass bias=False for a classifier without bias"
    elif W.shape[1] == rows:
        hint = f"; did you pass it transposed? ({COURSE_LAYOUT}: pass W.T)"
    raise ValueError(f"W must have {what}{' + 1' if bias else ''} = {rows} rows"
                     f"{' (the last one the classifier bias)' if bias else ''}, got W with shape "
                     f"{W.shape}{hint}")


ONE_HOT = "for labels 0..nc-1 use C = np.eye(nc)[labels] (the course's labels 1..nc: np.eye(nc)[labels - 1])"


def asClasses(C):
    """C as a float matrix; a vector or one column of integer labels is an error that shows the one-hot C."""
    C = asFloatArray(C, "C", ndim=(1, 2))
    if C.ndim == 1 or (C.shape[1] == 1 and np.all(C == np.round(C)) and np.any(C != 1)):
        what = "a vector" if C.ndim == 1 else "one column"
        raise ValueError(f"C must be one-hot (or class probabilities), n x nc, got {what} of shape "
                         f"{C.shape}: {ONE_HOT}")
    return C


def checkClasses(C, n, nc, nName, ncName, probabilities):
    """C must be n x nc, non-negative, and (with ``probabilities``) have rows summing to 1."""
    if C.shape != (n, nc):
        if C.shape == (nc, n):
            raise ValueError(f"C must be n x nc = {n} x {nc} ({nName} x {ncName}), got C with shape "
                             f"{C.shape}: {COURSE_LAYOUT}: pass C.T")
        checkRows(C, n, "C", nName)
        checkCols(C, nc, "C", ncName)
    if C.min() < 0:
        raise ValueError(f"C must hold class probabilities (entries >= 0), got {np.count_nonzero(C < 0)} "
                         f"negative entries in C with shape {C.shape}")
    if probabilities:
        rowSums = C.sum(axis=1)
        tol = max(1e-4, 100 * nc * np.finfo(C.dtype).eps)   # rounding, also of float32 data in float64
        bad = np.abs(rowSums - 1) > tol
        if bad.any():
            i = int(np.argmax(bad))
            got = f"got {np.count_nonzero(bad)} rows that do not (row {i} sums to {rowSums[i]:.6g})"
            if np.all(np.abs(C.sum(axis=0) - 1) <= tol):          # its columns do: examples in columns
                examples = nName.split(".")[0]
                raise ValueError(f"C must hold class probabilities: each row of C must sum to 1, {got}, "
                                 f"but each column does: {COURSE_LAYOUT}: pass {examples}.T and C.T")
            raise ValueError(f"C must hold class probabilities: each row of C must sum to 1, {got}; "
                             "normalise C = C / C.sum(axis=1, keepdims=True), or pass probabilities=False "
                             "for general non-negative weights (a weighted cross entropy)")


# ------------------------------------------------------------------ the lecture's functions
def checkActivation(Y, doDerivative=True, **params):
    """Arguments of an activation ``act(Y, doDerivative)``; the smooth ReLU also takes ``eta`` > 0."""
    Y = asFloatArray(Y, "Y")
    if "eta" in params:
        params["eta"] = asScalar(params["eta"], "eta", Y.dtype)
        if not params["eta"] > 0:
            raise ValueError(f"eta must be positive (half-width of the parabola), got {params['eta']!r}")
    return dict(Y=Y, doDerivative=asBool(doDerivative, "doDerivative"), **params), unchanged


def checkSingleLayer(K, b, Y, act="tanh", doDerivative=True):
    """Arguments of ``singleLayer``; its closures come back checked (argument shape, overflow)."""
    K = asFloatArray(K, "K", ndim=2)
    Y = asFloatArray(Y, "Y", ndim=2)
    checkLayerShapes(K, Y)
    dtype = commonDtype(K, Y)
    K, Y, b = K.astype(dtype, copy=False), Y.astype(dtype, copy=False), asScalar(b, "b", dtype)
    act = checkAct(act)
    (n, nf), m = Y.shape, K.shape[1]
    shapes = {"JKt": (n, m), "Jbt": (n, m), "JYt": (n, m), "JK": (nf, m), "Jb": (), "JY": (n, nf)}

    def finish(out):
        Z, closures = checkFinite(out[0], "Z = sigma(Y K + b)", "K, b or Y"), out[1:]
        if closures[0] is None:
            return out
        return (Z, *(checkedMatVec(f, shape, dtype, name, "K, b or Y", "U" if name.endswith("t") else None)
                     for f, (name, shape) in zip(closures, shapes.items())))

    return dict(K=K, b=b, Y=Y, act=act, doDerivative=asBool(doDerivative, "doDerivative")), finish


def checkCrossEntropy(S, C, doDerivative=True, probabilities=True):
    """Arguments of ``crossEntropy``; E and grad_S E must come out finite, d2ES comes back checked."""
    S = asFloatArray(S, "S", ndim=2)
    C = asClasses(C)
    checkClasses(C, *S.shape, "S.shape[0]", "S.shape[1]", asBool(probabilities, "probabilities"))
    dtype = commonDtype(S, C)
    S, C = S.astype(dtype, copy=False), C.astype(dtype, copy=False)

    def finish(out):
        E, dES, d2ES = out
        checkFinite(E, "E", "S (its rows span more than the float range) or C")
        if dES is None:
            return out
        dES = checkFinite(dES, "grad_S E", "S or C")
        return E, dES, checkedMatVec(d2ES, S.shape, dtype, "d2ES", "S or C")

    doDerivative = asBool(doDerivative, "doDerivative")
    return dict(S=S, C=C, doDerivative=doDerivative, probabilities=probabilities), finish


def checkSoftMax(W, Z, C, bias=False, hessianShift=0.0, doDerivative=True, probabilities=True):
    """Arguments of ``softMax``; its outputs must be finite, its Hessian closures come back checked."""
    W = asFloatArray(W, "W", ndim=2)
    Z = asFloatArray(Z, "Z", ndim=2)
    C = asClasses(C)
    bias = asBool(bias, "bias")
    if W.shape[0] != Z.shape[1] + bias:
        got = f"got W with shape {W.shape} and Z with shape {Z.shape}"
        if W.shape[1] == Z.shape[0] + bias:                       # W nc x m and Z m x n, the course's
            raise ValueError(f"W must have Z.shape[1]{' + 1' if bias else ''} = {Z.shape[1] + bias} rows "
                             f"(Z is n x m), {got}: {COURSE_LAYOUT}: pass W.T, Z.T and C.T")
        if W.shape[0] == Z.shape[0] + bias:                       # only Z in the course's layout
            raise ValueError(f"Z must be n x m with m{' + 1' if bias else ''} = W.shape[0] = {W.shape[0]}, "
                             f"{got}: did you pass Z transposed? (Z has a row per example: pass Z.T)")
    checkWRows(W, Z.shape[1], bias, "Z.shape[1]")
    probabilities = asBool(probabilities, "probabilities")
    checkClasses(C, Z.shape[0], W.shape[1], "Z.shape[0]", "W.shape[1]", probabilities)
    dtype = commonDtype(W, Z, C)
    W, Z, C = (A.astype(dtype, copy=False) for A in (W, Z, C))
    shift = asScalar(hessianShift, "hessianShift", dtype)

    def finish(out):
        E, dEW, d2EW, dEZ, d2EZ = out
        checkFinite(E, "E(S = Z W)", "Z or W")
        if dEW is None:
            return out
        checkFinite(dEW, "grad_W E", "Z or W")
        checkFinite(dEZ, "grad_Z E", "Z or W")
        return (E, dEW, checkedMatVec(d2EW, W.shape, dtype, "d2EW", "Z or W"),
                dEZ, checkedMatVec(d2EZ, Z.shape, dtype, "d2EZ", "Z or W"))

    return dict(W=W, Z=Z, C=C, bias=bias, hessianShift=shift,
                doDerivative=asBool(doDerivative, "doDerivative"),
                probabilities=probabilities), finish


def xLength(nf, m, nc, bias=False):
    """len(x) for ``x = [K(:); b; W(:)]``: nf*m + 1 + m*nc, or nf*m + 1 + (m+1)*nc with the bias."""
    return nf * m + 1 + (m + 1 if bias else m) * nc


def checkXLength(x, nf, m, nc, bias, sizes=""):
    """x must be a vector of the length of [K(:); b; W(:)]; say which size is most likely wrong."""
    nx = xLength(nf, m, nc, bias)
    if x.size == nx and (x.ndim == 1 or (x.ndim == 2 and x.shape[1] == 1)):
        return
    formula = f"nf*m + 1 + {'(m+1)' if bias else 'm'}*nc = {nf}*{m} + 1 + {m + bias}*{nc} = {nx}{sizes}"
    L, mW = x.size, m + bias
    hints = []
    if x.ndim > 2 or (x.ndim == 2 and 1 not in x.shape):
        hints.append("x must be a vector (1-D or one column)")
    elif L == xLength(nf, m, nc, not bias):
        hints.append(f"its length is the one {'without' if bias else 'with'} the classifier bias; "
                     f"pass bias={not bias}")
    else:   # the typed m first: Y and C are data, m a number
        if (L - 1 - nc * bias) % (nf + nc) == 0 and (L - 1 - nc * bias) // (nf + nc) >= 1:
            hints.append(f"it fits m = {(L - 1 - nc * bias) // (nf + nc)}: is m the width of the layer?")
        if (L - 1 - mW * nc) % m == 0 and (L - 1 - mW * nc) // m >= 1:
            hints.append(f"it fits nf = {(L - 1 - mW * nc) // m} features: does Y have the right columns?")
        if (L - 1 - nf * m) % mW == 0 and (L - 1 - nf * m) // mW >= 2:      # a classifier: 2 classes or more
            hints.append(f"it fits nc = {(L - 1 - nf * m) // mW} classes: does C have the right columns?")
    raise ValueError(f"x must be a vector of length {formula}, got shape {x.shape}"
                     + "".join(f"; {h}" for h in hints))


def checkSplitX(x, nf, m, nc, bias=False):
    """Arguments of ``splitX``."""
    nf, m, nc = (asPositiveInt(v, name) for v, name in ((nf, "nf"), (m, "m"), (nc, "nc")))
    x = x if isinstance(x, np.ndarray) else asFloatArray(x, "x")
    if x.ndim != 1:
        raise ValueError(f"x must be a vector (1-D), got shape {x.shape}")
    checkXLength(x, nf, m, nc, asBool(bias, "bias"))
    return dict(x=x, nf=nf, m=m, nc=nc, bias=bias), unchanged


def checkObjective(x, Y, C, m, act="tanh", doDerivative=True, reg=None, hessian="full", bias=False,
                   probabilities=True):
    """Arguments of ``singleLayerNNObjFun``; Ec and dE must come out finite, H comes back checked.

    Y is not searched for NaN/inf on entry (one pass over n x nf per call):
    a non-finite Y makes E or its gradient non-finite, and only then is Y blamed.
    """
    Y = asFloatArray(Y, "Y", ndim=2, allowNonFinite=True)
    C = asClasses(C)
    m = asPositiveInt(m, "m", " (the width of the layer)")
    bias, probabilities = asBool(bias, "bias"), asBool(probabilities, "probabilities")
    n, nf = Y.shape
    if C.shape[0] != n:
        checkExampleRows(Y, C)
    nc = C.shape[1]
    checkClasses(C, n, nc, "Y.shape[0]", "C.shape[1]", probabilities)
    x = asFloatArray(x, "x", ndim=(1, 2))
    checkXLength(x, nf, m, nc, bias, f" (nf = Y.shape[1], nc = C.shape[1], m = {m})")
    if hessian not in ("full", "course"):
        raise ValueError(f"hessian must be 'full' or 'course', got {describe(hessian)}")
    act = checkAct(act)
    dtype = commonDtype(x, Y, C)
    x, Y, C = vec(x).astype(dtype, copy=False), Y.astype(dtype, copy=False), C.astype(dtype, copy=False)
    checkedReg = checkRegularizerArgument(reg, "reg")

    def finish(out):
        Ec, dE, H = out
        if not (np.isfinite(Ec) and (dE is None or allFinite(dE))):
            asFloatArray(Y, "Y")                              # raises if Y holds NaN/inf ...
            checkFinite(Ec, "E", "x (its W part)")            # ... else an overflow of x
            checkFinite(dE, "grad E (through grad_Z E = grad_S E W')", "x (its W part) or Y")
        if H is None:
            return out
        return Ec, dE, checkedMatVec(H, (x.size,), dtype, "H", "x or Y")

    return dict(x=x, Y=Y, C=C, m=m, act=act, doDerivative=asBool(doDerivative, "doDerivative"),
                reg=checkedReg,
                hessian=hessian, bias=bias, probabilities=probabilities), finish


def checkGenTikhonov(x, lam=1.0, L=None):
    """Arguments of ``genTikhonov``: L becomes a matrix (the identity for None, s I for a number s)."""
    import scipy.sparse as sp

    x = asFloatArray(x, "x")
    lam = asScalar(lam, "lam", x.dtype)
    if lam < 0:
        raise ValueError(f"lam must be >= 0 (the regularisation parameter), got {lam!r}")
    if L is None or (isinstance(L, numbers.Real) and not isinstance(L, bool)):
        L = (1.0 if L is None else asScalar(L, "L")) * sp.eye(x.size, format="csr", dtype=x.dtype)
    elif sp.issparse(L):
        if L.ndim != 2 or L.dtype.kind not in "biuf":
            raise TypeError(f"L must be a real 2-D matrix, got a sparse {L.ndim}-D matrix of dtype {L.dtype}")
        if not np.isfinite(L.data).all():
            raise ValueError("L must be finite, got NaN/inf entries in the sparse matrix L")
        L = sp.csr_matrix(L, dtype=np.float64) if L.dtype.kind != "f" else sp.csr_matrix(L)
    else:
        L = asFloatArray(L, "L", ndim=2)
    if x.size % L.shape[1] != 0:
        raise ValueError(f"L must have len(x) = {x.size} columns, or a number of columns that divides "
                         f"len(x) (L then acts on each column of mat(x)), got L with shape {L.shape}")
    shape = x.shape

    def finish(out):
        Rc, dR, d2R = out
        dR = np.reshape(np.asarray(dR, dtype=x.dtype), shape, order="F")
        checkFinite(np.append(dR, Rc), "R(x) = 0.5 lam ||L x||^2 or its gradient", "x, lam or L")
        d2Rx = lambda V: np.reshape(np.asarray(d2R(V), dtype=x.dtype), shape, order="F")   # noqa: E731
        return x.dtype.type(Rc), dR, checkedMatVec(d2Rx, shape, x.dtype, "d2R", "x, lam or L")

    return dict(x=x, lam=lam, L=L), finish


def checkRosenbrock(x):
    """Argument of ``Rosenbrock``: a 2-vector; the result must be finite (|x| beyond ~1e77 overflows)."""
    x = asFloatArray(x, "x", ndim=1)
    if x.shape != (2,):
        raise ValueError(f"x must have shape (2,), got shape {x.shape}")

    def finish(out):
        f, g, H = out
        checkFinite(np.concatenate([[f], g, H.ravel()]), f"Rosenbrock at x = {x}", "x")
        return out

    return dict(x=x), finish


def checkAdversarial(d, Y, K, b, W, C, act="tanh", reg=None, doDerivative=True, bias=False):
    """Arguments of ``singleLayerAdvObjFun``; dE and H v come back shaped like d."""
    Y, C = asFloatArray(Y, "Y", ndim=(1, 2)), asFloatArray(C, "C", ndim=(1, 2))
    if C.ndim == 1 and Y.ndim == 2 and Y.shape[0] > 1:             # a vector C for several examples: labels
        raise ValueError(f"C must be one-hot (or class probabilities), n x nc with n = Y.shape[0] = "
                         f"{Y.shape[0]}, got a vector of shape {C.shape}: {ONE_HOT}")
    Y, C = np.atleast_2d(Y), np.atleast_2d(C)
    K = asFloatArray(K, "K", ndim=2)
    W = asFloatArray(W, "W", ndim=2)
    bias = asBool(bias, "bias")
    checkLayerShapes(K, Y)
    checkWRows(W, K.shape[1], bias, "K.shape[1]")
    checkClasses(C, Y.shape[0], W.shape[1], "Y.shape[0]", "W.shape[1]", True)
    d = asFloatArray(d, "d")
    if d.size != Y.size or d.ndim > 2 or (d.ndim == 2 and d.shape != Y.shape and d.shape != (Y.size, 1)):
        raise ValueError(f"d must have the shape of Y {Y.shape} or be its vec of length {Y.size}, "
                         f"got shape {d.shape}")
    act = checkAct(act)
    dtype = commonDtype(d, Y, K, W, C)
    Y, K, W, C = (A.astype(dtype, copy=False) for A in (Y, K, W, C))
    shape = d.shape
    checkedReg = checkRegularizerArgument(reg, "reg")

    def finish(out):
        Ec, dE, H = out
        checkFinite(Ec, "E", "d, K, b or W")
        if dE is None:
            return out
        dE = np.reshape(checkFinite(dE, "grad_d E", "d, K, b or W"), shape, order="F")
        Hd = lambda V: np.reshape(H(V), shape, order="F")   # noqa: E731
        return Ec, dE, checkedMatVec(Hd, Y.shape, dtype, "H", "d, K, b or W")

    return dict(d=vec(d).astype(dtype, copy=False), Y=Y, K=K, b=asScalar(b, "b", dtype), W=W, C=C, act=act,
                reg=checkedReg, doDerivative=asBool(doDerivative, "doDerivative"), bias=bias), finish


def checkTaylorTest(fun, x0, v, nSteps, rng):
    """Arguments of ``checkDerivative``: ``fun, x0, v, nSteps`` (v drawn from rng when None)."""
    checkCallable(fun, "fun")
    x0 = asFloatArray(x0, "x0")
    if isinstance(nSteps, bool) or not isinstance(nSteps, numbers.Integral):
        raise TypeError(f"nSteps must be an integer, got {nSteps!r}")
    if not 2 <= nSteps <= 64:
        raise ValueError(f"nSteps must be in [2, 64] (h = 2^-1 ... 2^-nSteps), got {nSteps}")
    rng = asRng(rng)
    v = rng.standard_normal(x0.shape).astype(x0.dtype) if v is None else asFloatArray(v, "v")
    if v.shape != x0.shape:
        raise ValueError(f"v must have the shape of x0 {x0.shape}, got shape {v.shape}")
    return fun, x0, v, int(nSteps)


def checkAdjointTest(J, Jt, v, u, tol, rng):
    """Arguments of ``adjointTest``; a tuple v or u is a shape to draw a standard normal array of."""
    checkCallable(J, "J")
    checkCallable(Jt, "Jt")
    rng = asRng(rng)

    def vectorOrDraw(w, name):
        if not isinstance(w, tuple):
            return asFloatArray(w, name)
        if not all(isinstance(d, numbers.Integral) and not isinstance(d, bool) and d > 0 for d in w):
            raise TypeError(f"{name} given as a shape must be a tuple of positive integers, got {w!r}")
        return rng.standard_normal(w)

    v, u = vectorOrDraw(v, "v"), vectorOrDraw(u, "u")
    if tol is not None and asScalar(tol, "tol") <= 0:
        raise ValueError(f"tol must be positive, got {tol!r}")
    return J, Jt, v, u, tol


# ------------------------------------------------------------------ functions and parameters
def checkCallable(f, name):
    """Raise a TypeError unless ``f`` can be called."""
    if not callable(f):
        raise TypeError(f"{name} must be callable, got {describe(f)}")
    return f


def callUser(f, name, *args):
    """``f(*args)`` for a function the user passed; its ValueError/TypeError is re-raised naming it."""
    try:
        return f(*args)
    except (ValueError, TypeError) as err:
        raise type(err)(f"{name} raised {type(err).__name__}: {err}") from err


def asRng(rng, name="rng"):
    """``np.random.default_rng(rng)``, with an error that names ``name`` for a bad seed."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is not None and (isinstance(rng, (bool, np.bool_)) or not isinstance(rng, numbers.Integral)):
        raise TypeError(f"{name} must be None, an integer seed or a numpy Generator, got {describe(rng)}")
    if rng is not None and rng < 0:
        raise ValueError(f"{name} must be a non-negative seed, got {rng!r}")
    return np.random.default_rng(rng)


def checkAct(act):
    """``act`` of singleLayer and the objectives: the activation function to call (support/activations.py)."""
    from support.activations import resolveActivation  # it builds on this module

    return resolveActivation(act)


def checkRegularizerArgument(reg, name):
    """``reg`` (None or a callable ``v -> (Rc, dR, d2R)``) as a callable whose outputs are checked."""
    if reg is None:
        return None
    checkCallable(reg, name)
    return lambda v: checkedRegularizer(reg, v, name)


def checkedRegularizer(reg, x, name="reg"):
    """``Rc, dR, d2R = reg(x)`` (e.g. ``genTikhonov``), checked; dR and d2R(v) come back as vecs."""
    checkCallable(reg, name)
    with outside():
        out = reg(x)
    if not isinstance(out, tuple) or len(out) != 3:
        raise TypeError(f"{name}(x) must return a tuple (Rc, dR, d2R) like genTikhonov, got {describe(out)}")
    Rc, dR, d2R = out
    Rc = asScalar(Rc, f"Rc = {name}(x)[0]", x.dtype)
    dR = asFloatArray(dR, f"dR = {name}(x)[1]")
    if dR.size != x.size:
        raise ValueError(f"dR = {name}(x)[1] must have the {x.size} entries of x, got shape {dR.shape}")
    checkCallable(d2R, f"d2R = {name}(x)[2]")

    def d2Rvec(v):
        with outside():
            Hv = d2R(v)
        Hv = asFloatArray(Hv, f"d2R(v) of {name}")
        if Hv.size != x.size:
            raise ValueError(f"d2R(v) of {name} must have the {x.size} entries of x, got shape {Hv.shape}")
        return vec(Hv).astype(x.dtype, copy=False)

    return Rc, vec(dR).astype(x.dtype, copy=False), d2Rvec


if __name__ == "__main__":
    K, Y = np.ones((3, 4)), np.ones((3, 10))            # Y in the course's layout (nf x n)
    try:
        checkLayerShapes(K, Y.T.T)
    except ValueError as err:
        print("Y (3 x 10) with K (3 x 4):", err)
    try:
        checkLayerShapes(K.T, Y)                       # both in the course's layout
    except ValueError as err:
        print("course layout:", err)
    print("asShaped(range(6), (2, 3)) =", asShaped(np.arange(6.0), (2, 3), "V", np.float64).tolist(),
          "(column-major, as MATLAB's reshape)")
