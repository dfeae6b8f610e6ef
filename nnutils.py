"""Small helpers shared by every lecture file: MATLAB's ``vec``/``mat`` and input checks.

The lecture stacks matrices into vectors column by column, like MATLAB's
``X(:)``:

    vec(X) = X(:)                      (column-major)
    mat(v) = reshape(v, rows, cols)    (its inverse)

Every public function of the project checks its inputs here, so a wrong
shape, a transposed matrix, a list of strings or a NaN ends in a clear
``ValueError``/``TypeError`` that names the argument, what it got and what
was expected, instead of a silently broadcast wrong answer.
"""

import numbers

import numpy as np


def vec(X):
    """Return MATLAB's ``X(:)``: the columns of ``X`` stacked into one vector."""
    return X.reshape(-1, order="F") if type(X) is np.ndarray else np.reshape(X, -1, order="F")


def mat(v, shape):
    """Return ``reshape(v, shape)`` in MATLAB's column-major order (the inverse of ``vec``)."""
    return v.reshape(shape, order="F") if type(v) is np.ndarray else np.reshape(v, shape, order="F")


def _describe(x):
    """A short description of a bad value for an error message."""
    if isinstance(x, np.ndarray):
        return f"array with shape {x.shape} and dtype {x.dtype}"
    return f"{type(x).__name__} {x!r}"[:120]


def asFloatArray(x, name, ndim=None, dtype=None, allowNonFinite=False):
    """Convert ``x`` to a float ndarray, or raise an error that names ``name``.

    Integers and booleans are promoted to float64, float32 and float64 are kept,
    other floats become float64; ``dtype`` forces a float dtype. Complex,
    object, string and empty inputs are rejected, and so are NaN and inf unless
    ``allowNonFinite``. ``ndim`` (an int or a tuple of ints) is the number of
    dimensions expected.
    """
    if x is None or isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a real array, got {_describe(x)}")
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
            raise ValueError(f"{name} must be {' or '.join(f'{d}-D' for d in allowed)}, "
                             f"got shape {a.shape}")
    if a.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {a.shape}")
    if not allowNonFinite and not allFinite(a):
        bad = a.size - np.count_nonzero(np.isfinite(a))
        raise ValueError(f"{name} must be finite, got {bad} NaN/inf entries in shape {a.shape}")
    return a


def asScalar(x, name, dtype=np.float64):
    """Convert a scalar (or an array with one entry) to a finite number of ``dtype``."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (numbers.Real, np.ndarray, np.generic)):
        raise TypeError(f"{name} must be a real scalar, got {_describe(x)}")
    a = asFloatArray(x, name, dtype=dtype)
    if a.size != 1:
        raise ValueError(f"{name} must be a scalar, got shape {a.shape}")
    return a.reshape(()).astype(dtype)[()]


def commonDtype(*arrays):
    """The float dtype all arrays are computed in: float32 only if all are float32."""
    return np.result_type(*arrays)


def asShaped(V, shape, name, dtype):
    """Accept ``V`` shaped like ``shape`` or as its vec; return it with that shape.

    This is the rule of every Jacobian closure: ``JK(V)`` takes ``V`` as an
    nf x m matrix or as the vector ``V(:)`` of length nf*m.
    An array already of that shape and dtype comes back as it is, without a
    pass over its entries: the closures check their results (``finiteResult``),
    so a NaN or inf in ``V`` still ends in a ValueError.
    """
    if type(V) is np.ndarray and V.shape == tuple(shape) and V.dtype == dtype:  # not a subclass
        return V
    V = asFloatArray(V, name)
    size = int(np.prod(shape))
    if V.shape == tuple(shape):
        return V.astype(dtype, copy=False)
    if (V.ndim == 1 and V.size == size) or V.shape == (size, 1):
        return mat(V.astype(dtype, copy=False), shape)
    hint = "; did you pass it transposed?" if V.shape == tuple(shape)[::-1] else ""
    raise ValueError(f"{name} must have shape {tuple(shape)} or be its vec of length {size}, "
                     f"got shape {V.shape}{hint}")


def allFinite(A):
    """True when every entry of the float array ``A`` is finite, without a temporary array on large ones.

    One pass: a sum of finite numbers is finite unless it overflows, and any inf or
    NaN makes the sum inf or NaN; only a sum that overflowed needs the entrywise test.
    """
    if A.size < 50_000:
        return bool(np.isfinite(A).all()) if A.ndim else bool(np.isfinite(A))
    with np.errstate(over="ignore", invalid="ignore"):
        total = A.sum()
    return bool(np.isfinite(total) or np.isfinite(A).all())


def checkFinite(A, what, names):
    """Raise a ValueError when an intermediate result ``what`` overflowed to inf/NaN.

    ``names`` lists the arguments to rescale, e.g. ``checkFinite(S, "S = Z W", "Z and W")``.
    """
    if not allFinite(np.asarray(A)):
        raise ValueError(f"{what} overflowed to inf/NaN in {A.dtype} (largest finite "
                         f"{np.finfo(A.dtype).max:.2e}): rescale {names}")
    return A


def finiteResult(f=None, data=None):
    """Decorate a mat-vec closure: a result that overflowed is a ValueError, never a silent inf/NaN.

    ``@finiteResult``, or ``@finiteResult(data="K, b or Y")`` to name in the message the
    arrays the closure was built from as well as its argument.
    """
    if f is None:
        return lambda f: finiteResult(f, data)
    arg = f.__code__.co_varnames[0]
    names = arg if data is None else f"{arg} or {data}"

    def checked(V, **options):
        return checkFinite(f(V, **options), f"{f.__name__}({arg})", names)

    checked.__name__, checked.__doc__ = f.__name__, f.__doc__
    return checked


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
        raise TypeError(f"{name} must be None, an integer seed or a numpy Generator, got {_describe(rng)}")
    if rng is not None and rng < 0:
        raise ValueError(f"{name} must be a non-negative seed, got {rng!r}")
    return np.random.default_rng(rng)


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


def checkWRows(W, m, bias, what):
    """Raise unless the classifier weights W have m rows, or m+1 with ``bias`` (the last row the bias)."""
    if not isinstance(bias, (bool, np.bool_)):
        raise TypeError(f"bias must be True or False, got {_describe(bias)}")
    rows = m + 1 if bias else m
    if W.shape[0] != rows:
        hint = ""
        if W.shape[0] == m + 1:
            hint = ": W has m+1 rows; if its last row is the classifier bias, pass bias=True"
        elif W.shape[0] == m and bias:
            hint = ": W has m rows; pass bias=False for a classifier without bias"
        elif W.shape[1] == rows:
            hint = "; did you pass it transposed?"
        raise ValueError(f"W must have {what}{' + 1' if bias else ''} = {rows} rows"
                         f"{' (the last one the classifier bias)' if bias else ''}, got W with shape "
                         f"{W.shape}{hint}")


def checkCallable(f, name):
    """Raise a TypeError unless ``f`` can be called."""
    if not callable(f):
        raise TypeError(f"{name} must be callable, got {_describe(f)}")
    return f


_ACTIVATIONS = {}   # name -> activation function, filled on the first call of getActivation


def getActivation(act):
    """Return the activation function for ``act``: a callable, or the name of a known one.

    An activation maps ``Y`` to ``A, dA`` (``A = sigma(Y)``, ``dA = sigma'(Y)``)
    and takes ``doDerivative`` like ``tanhActivation``. Known names: "tanh",
    "smoothRelu", "sine", their function names, and the course's file names
    "smoothRelU" and "sinActivation".
    """
    if callable(act):
        return act
    if not _ACTIVATIONS:
        # imported here: these modules import this one
        from sineActivation import sineActivation
        from smoothReluActivation import smoothReluActivation
        from tanhActivation import tanhActivation
        _ACTIVATIONS.update({"tanh": tanhActivation, "tanhActivation": tanhActivation,
                             "smoothRelu": smoothReluActivation, "smoothReluActivation": smoothReluActivation,
                             "smoothRelU": smoothReluActivation, "sine": sineActivation,
                             "sineActivation": sineActivation, "sinActivation": sineActivation})
    known = _ACTIVATIONS
    if isinstance(act, str) and act in known:
        return known[act]
    raise ValueError(f"act must be a callable or one of {sorted(known)}, got {_describe(act)}")


_OWN_ACTIVATIONS = {(name, name) for name in ("tanhActivation", "smoothReluActivation", "sineActivation")}
_IN_PLACE_ACTIVATIONS = {(name, name) for name in ("tanhActivation", "sineActivation")}


def activationInput(Y, overwrite):
    """The input of an activation: checked as ``Y``, or, with ``overwrite``, the caller's own
    finite float ndarray to write the result over (``singleLayer`` passes its ``Y K + b``)."""
    if not overwrite:
        return asFloatArray(Y, "Y")
    if not (type(Y) is np.ndarray and Y.dtype in (np.float32, np.float64)):
        raise TypeError(f"Y must be a float32/float64 ndarray to be overwritten, got {type(Y).__name__}")
    return Y


def callActivation(act, X, doDerivative, overwrite=False):
    """``A, dA = act(X, doDerivative=doDerivative)``, checking what a user's ``act`` returns.

    ``A`` (and ``dA`` unless ``doDerivative`` is False) must be finite arrays
    shaped like ``X``; anything else is a TypeError/ValueError naming ``act``.
    ``overwrite=True`` lets our tanh and sine write A over X (a finite array of
    the caller's that it no longer needs): one n x m array less.
    """
    own = (getattr(act, "__module__", None), getattr(act, "__name__", None))
    if overwrite and own in _IN_PLACE_ACTIVATIONS:
        return act(X, doDerivative=doDerivative, overwrite=True)
    if own in _OWN_ACTIVATIONS:
        return act(X, doDerivative=doDerivative)    # ours are tested: no passes over A and dA
    try:
        out = act(X, doDerivative=doDerivative)
    except TypeError as err:
        raise TypeError(f"act must be called as act(X, doDerivative=...) and return (A, dA) like "
                        f"tanhActivation; calling it raised TypeError: {err}") from err
    if not isinstance(out, tuple) or len(out) != 2:
        raise TypeError(f"act must return a tuple (A, dA), got {_describe(out)}")
    A, dA = out
    A = asFloatArray(A, "A = act(X)[0]")
    if A.shape != X.shape:
        raise ValueError(f"act must return A shaped like its input {X.shape}, got A with shape {A.shape}")
    if doDerivative:
        dA = asFloatArray(dA, "dA = act(X)[1]")
        if dA.shape != X.shape:
            raise ValueError(f"act must return dA shaped like its input {X.shape}, "
                             f"got dA with shape {dA.shape}")
    return A, dA


def callRegularizer(reg, x, name="reg"):
    """``Rc, dR, d2R = reg(x)`` (e.g. ``genTikhonov``), checked; dR and d2R(v) come back as vecs.

    ``reg`` must return a finite scalar Rc, a gradient with the entries of x and
    a Hessian mat-vec closure; anything else is a TypeError/ValueError naming ``name``.
    """
    checkCallable(reg, name)
    out = reg(x)
    if not isinstance(out, tuple) or len(out) != 3:
        raise TypeError(f"{name}(x) must return a tuple (Rc, dR, d2R) like genTikhonov, got {_describe(out)}")
    Rc, dR, d2R = out
    Rc = asScalar(Rc, f"Rc = {name}(x)[0]", x.dtype)
    dR = asFloatArray(dR, f"dR = {name}(x)[1]")
    if dR.size != x.size:
        raise ValueError(f"dR = {name}(x)[1] must have the {x.size} entries of x, got shape {dR.shape}")
    checkCallable(d2R, f"d2R = {name}(x)[2]")

    def d2Rvec(v):
        Hv = asFloatArray(d2R(v), f"d2R(v) of {name}")
        if Hv.size != x.size:
            raise ValueError(f"d2R(v) of {name} must have the {x.size} entries of x, got shape {Hv.shape}")
        return vec(Hv).astype(x.dtype, copy=False)

    return Rc, vec(dR).astype(x.dtype, copy=False), d2Rvec


def saveFigure(fig, name):
    """Save ``fig`` as ``figures/<name>.png`` next to the scripts; return the path."""
    import os

    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "figures")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name + ".png")
    fig.savefig(path, dpi=100, bbox_inches="tight")
    return path


def showFigures():
    """``plt.show()`` when there is a screen to show on; do nothing headless (Agg)."""
    import matplotlib
    import matplotlib.pyplot as plt

    if matplotlib.get_backend().lower() not in ("agg", "pdf", "ps", "svg", "cairo", "template"):
        plt.show()
