"""What newtonCG, steepestDescent and sgd share besides their mathematics: parameters, history, printing.

- ``checkParam``: the param dict filled with defaults, unknown or ill-typed entries rejected;
- ``evaluate``: ``fun(x)`` called and its outputs checked (scalar f, gradient like x, H);
- ``acceptable`` / ``printTrial``: what the line search (inline in each optimiser, as in the
  course's files) accepts and prints;
- ``startRun`` / ``record`` / ``finishRun``: the history (one row per iterate), the
  iterates, the printed table (one line per iteration, every ``printEvery``-th
  and the last for a summary, or the course's with every trial), the callback
  and the status.
"""

import inspect
import numbers
import warnings

import numpy as np
from scipy.sparse.linalg import LinearOperator, aslinearoperator

from support.checks import asFloatArray, callUser, checkCallable, describe

LABELS = {"obj": "obj", "normGrad": "norm(grad)", "mu": "mu", "lsIter": "LS", "cgIter": "CG",
          "cgRelRes": "CG relres", "normStep": "norm(step)", "lr": "lr"}     # the printed table's header
STATUS = {0: "maximum number of iterations reached", 1: "gradient tolerance reached",
          2: "line search failed", 3: "stopped by the callback",
          4: "interrupted (KeyboardInterrupt): returning the last accepted iterate"}


# ------------------------------------------------------------------ parameters
def checkParam(param, defaults, choices=None):
    """``param`` filled in with ``defaults``; unknown entries and wrong types are errors.

    Entries whose default is an int must be non-negative integers, those whose
    default is a float finite numbers >= 0; ``choices`` maps entries to their
    allowed values.
    """
    if param is None:
        param = {}
    if not isinstance(param, dict):
        raise TypeError(f"param must be a dict, got {type(param).__name__}")
    unknown = set(param) - set(defaults)
    if unknown:
        close = {k: d for k in unknown for d in defaults if k.lower() == d.lower()}
        hint = "".join(f"; did you mean '{d}' for '{k}'?" for k, d in close.items())
        raise ValueError(f"param has unknown entries {sorted(unknown)}; known: {sorted(defaults)}{hint}")
    p = {**defaults, **param}
    for key in (k for k, d in defaults.items() if type(d) is int):
        if isinstance(p[key], bool) or not isinstance(p[key], numbers.Integral) or p[key] < 0:
            raise TypeError(f"param['{key}'] must be a non-negative integer, got {p[key]!r}")
    for key in (k for k, d in defaults.items() if type(d) is float):
        if isinstance(p[key], bool) or not isinstance(p[key], numbers.Real) \
                or not np.isfinite(p[key]) or p[key] < 0:
            raise TypeError(f"param['{key}'] must be a finite number >= 0, got {p[key]!r}")
    if p.get("c1", 0) >= 1:
        raise ValueError(f"param['c1'] must be in [0, 1), got {p['c1']!r}")
    if "verbose" in p:
        if p["verbose"] not in (0, 1, 2):           # False/True count as 0/1
            raise ValueError(f"param['verbose'] must be 0 (silent), 1 (a line per iteration) or 2 (the "
                             f"course's table, every line-search trial), got {p['verbose']!r}")
        p["verbose"] = int(p["verbose"])
    if p.get("printEvery", 1) < 1:
        raise ValueError(f"param['printEvery'] must be >= 1 (1 prints every row), got {p['printEvery']!r}")
    if p.get("callback") is not None:
        checkCallable(p["callback"], "param['callback']")
    for key, allowed in (choices or {}).items():
        if p[key] not in allowed:
            raise ValueError(f"param['{key}'] must be one of {list(allowed)}, got {p[key]!r}")
    return p


# ------------------------------------------------------------------ calling fun
def checkObjectiveFunction(fun, caller, arguments=("x",)):
    """``fun`` callable with ``arguments`` alone; an objective that needs its data too is an error
    that shows the lambda binding it, e.g. ``lambda x: singleLayerNNObjFun(x, Y, C, m)``."""
    checkCallable(fun, "fun")
    try:
        parameters = list(inspect.signature(fun).parameters.values())
    except (TypeError, ValueError):                  # no signature to read (a builtin): called as it is
        return fun
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    required = [q.name for q in parameters if q.kind in kinds and q.default is inspect.Parameter.empty]
    if len(required) <= len(arguments) or any(q.kind == inspect.Parameter.VAR_POSITIONAL for q in parameters):
        return fun
    name, given = getattr(fun, "__name__", "fun"), ", ".join(arguments)
    data = [d for d in required[1:] if d not in arguments]
    if "idx" in arguments:                           # sgd: the examples of the batch idx
        data = [f"{d}[idx]" if d in ("Y", "C") else d for d in data]
    call = f"lambda {given}: {name}({', '.join([arguments[0], *data])})"
    raise TypeError(f"fun must take {' and '.join(arguments)} alone ({caller} calls fun({given})); {name} "
                    f"needs its data too ({', '.join(d for d in required[1:] if d not in arguments)}): "
                    f"pass `{call}`")


def evaluate(fun, x, name, needH=True):
    """``f, g, H = fun(x)``, checked: a scalar f, a gradient shaped like x, H a matrix or closure.

    ``needH=False`` (first-order methods): ``fun`` may return ``(f, g)``; H comes
    back as None. f and g may be NaN/inf (the line search rejects such trials).
    """
    out = callUser(fun, f"fun({name})", x)
    if not needH and isinstance(out, tuple) and len(out) >= 2:
        out = (*out[:2], None)
    if not isinstance(out, tuple) or len(out) != 3:
        got = f"a tuple of {len(out)} items" if isinstance(out, tuple) else describe(out)
        hint = ""
        if needH and isinstance(out, tuple) and len(out) == 2:
            hint = (", (f, g) without H: Newton-CG needs the Hessian too; return (f, g, H) with H a matrix "
                    "or a closure v -> H v, or use steepestDescent, which needs only (f, g)")
        raise TypeError(f"fun(x) must return a tuple (f, g, H){'' if needH else ' or (f, g)'}, "
                        f"got {got}{hint}")
    f, g, H = out
    f = asFloatArray(f, f"f = fun({name})[0]", allowNonFinite=True)
    if f.size != 1:
        raise ValueError(f"fun({name}) must return a scalar f, got shape {f.shape}")
    g = asFloatArray(g, f"g = fun({name})[1]", allowNonFinite=True)
    if g.shape != x.shape:
        raise ValueError(f"fun({name}) returned a gradient with shape {g.shape}, "
                         f"expected the shape of x {x.shape}")
    if needH:
        H = asOperator(H, x, name)
    return float(np.reshape(f, ())), g, H


def asOperator(H, x, name):
    """H (a closure v -> H v or a matrix) as a LinearOperator whose products are checked."""
    n = x.size
    if callable(H):
        def matvec(v):
            Hv = asFloatArray(callUser(H, f"H(v) of fun({name})", v), f"H(v) of fun({name})",
                              allowNonFinite=True)
            if Hv.size != n:
                raise ValueError(f"H(v) of fun({name}) must have the {n} entries of x, got shape {Hv.shape}")
            return Hv.reshape(v.shape)
        return LinearOperator((n, n), matvec=matvec, dtype=x.dtype)
    try:
        H = aslinearoperator(H)
    except TypeError:
        raise TypeError(f"fun({name}) must return H as a matrix or a closure v -> H v, "
                        f"got {type(H).__name__}") from None
    if H.shape != (n, n):
        raise ValueError(f"fun({name}) returned H with shape {H.shape}, expected {(n, n)}")
    return H


def evaluateStart(fun, x, needH=True):
    """``evaluate`` at the starting point, where f and g must be finite (no iterate to fall back to)."""
    f, g, H = evaluate(fun, x, "x0", needH)
    if not np.isfinite(f) or not np.isfinite(g).all():
        bad = g.size - np.count_nonzero(np.isfinite(g))
        raise ValueError(f"fun(x0) must be finite, got f = {f} and {bad} non-finite gradient entries")
    return f, g, H


# ------------------------------------------------------------------ the line search's bookkeeping
def acceptable(fTry, gTry):
    """A trial the line search may accept: finite value and gradient (NaN/inf: halve the step)."""
    return bool(np.isfinite(fTry) and np.isfinite(gTry).all())


def printTrial(run, k, ls, fTry, gTry=None):
    """The course's line for trial ``ls`` of iteration k (verbose=2): ``k.ls  obj (norm(grad))``."""
    if run["p"]["verbose"] == 2:
        print(f"{k:3d}.{ls}\t{fTry:3.2e}" + ("" if gTry is None else f"\t{np.linalg.norm(gTry):3.2e}"))


# ------------------------------------------------------------------ history, table, status
def startRun(name, p, columns, x, row, courseHeader=None):
    """The record of a run: its history rows (row 0 is x0), its iterates and its printed table.

    ``columns`` maps the entries of a row (the history's keys) to their printed
    formats in the one-line-per-iteration table, e.g. ``{"obj": "12.6e"}``;
    ``courseHeader`` the two header lines the course prints (verbose=2).
    """
    run = dict(name=name, p=p, columns=list(columns), rows=[], xAll=[] if p["storeIterates"] else None,
               line=" ".join(["{:5d}", *(f"{{:{f}}}" for f in columns.values())]), status=0,
               x0IsZero=not np.any(x))
    if p["verbose"] == 2:
        print(courseHeader or f"=== {name} (maxIter: {p['maxIter']}) ===\niter\t obj func\tnorm(grad)")
    elif p["verbose"]:
        print(f"{'iter':>5} " + " ".join(f"{LABELS[c]:>{int(f.split('.')[0].rstrip('dg'))}}"
                                        for c, f in columns.items())
              + (f"   (one row in {p['printEvery']}, and the last)" if p.get("printEvery", 1) > 1 else ""))
    record(run, 0, x, row)
    return run


def printStart(run, k, f, normG):
    """The course's line at the start of iteration k (verbose=2): ``k.0  obj  norm(grad)``."""
    if run["p"]["verbose"] == 2:
        print(f"{k:3d}.0\t{f:3.2e}\t{normG:3.2e}")


def record(run, k, x, row):
    """Append iterate k (x and its history row); True when the callback asks to stop."""
    run["rows"].append(row)
    if run["xAll"] is not None:
        run["xAll"].append(x.copy())
    if run["p"]["verbose"] == 1 and k % run["p"].get("printEvery", 1) == 0:   # a summary: every printEvery-th
        print(run["line"].format(k, *row))
    if k > 0 and run["p"]["callback"] is not None and run["p"]["callback"](x):
        run["status"] = 3
        return True
    return False


def gradientSmall(run):
    """True when the last gradient norm is at most gradTol (status 1)."""
    if run["rows"][-1][1] <= run["p"]["gradTol"]:
        run["status"] = 1
        return True
    return False


def lineSearchFailed(run, k):
    warnings.warn(f"{run['name']}: line search failed after {run['p']['maxLS']} trials in iteration {k}; "
                  "returning the last iterate", stacklevel=3)
    run["status"] = 2


def finishRun(run, x, statuses=STATUS, steps="iterations"):
    """``x, his, xAll`` of the run: his has one array per column, and status and message."""
    rows, status = run["rows"], run["status"]
    his = dict(zip(run["columns"], (np.array(c) for c in zip(*rows))))
    for key in ("lsIter", "cgIter"):
        if key in his:
            his[key] = his[key].astype(int)
    his["status"], his["message"] = status, statuses[status]
    iterations = len(rows) - 1
    note = ""
    if status == 1 and iterations == 0:
        note = (f" at the start: norm(grad f(x0)) = {rows[0][1]:.2e} <= gradTol = {run['p']['gradTol']:g}, "
                "so x0 is returned (a stationary point of f"
                + (")" if rows[0][1] == 0 else ", or gradTol too loose)"))
        if run["x0IsZero"] and rows[0][1] == 0:
            note += ("; x0 = 0 is one for the lecture's network with tanh or sine (Z = sigma(0) = 0 and "
                     "W = 0: no gradient reaches K, b or W): start from small random weights, e.g. "
                     "x0 = 0.1 * np.random.default_rng(0).standard_normal(len(x0)) (the slides: \"careful "
                     "initialization\")")
    if run["p"]["verbose"] == 1 and iterations % run["p"].get("printEvery", 1):   # the last row, unshown
        print(run["line"].format(iterations, *rows[-1]))
    if run["p"]["verbose"]:
        print(f"{run['name']}: {statuses[status]}{note} after {iterations} {steps}, obj {rows[-1][0]:.6e}"
              + (f", norm(grad) {rows[-1][1]:.2e}" if run["columns"][1] == "normGrad" else ""))
    his["message"] += note
    return x, his, None if run["xAll"] is None else np.array(run["xAll"])

