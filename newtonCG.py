"""Newton-CG with a backtracking line search, as in the course (slide "Gauss-Newton Method").

Each iteration solves the Newton system approximately with conjugate gradients,

    H s = -grad f(x)      (a few CG steps: relative tolerance tolCG, at most maxIterCG)

then walks along s with a line search that halves the step mu until f decreases
("add line search to be safe!"):

    x <- x + mu s,   mu = 1, 1/2, 1/4, ...   until f(x + mu s) < f(x)

After an iteration whose first trial was accepted, mu grows again:
mu <- min(1.5 mu, 1). With the Gauss-Newton H of ``singleLayerNNObjFun`` this
is the Gauss-Newton-CG method of the lecture.
"""

import numbers
import warnings

import numpy as np
from scipy.sparse.linalg import LinearOperator, aslinearoperator, cg

from nnutils import asFloatArray, callUser, checkCallable

DEFAULTS = dict(maxIter=10, tolCG=1e-2, maxIterCG=10, gradTol=0.0, c1=0.0, maxLS=20,
                verbose=True, callback=None, storeIterates=True, forcing=None, cgIterate="pcg")
# one line per iteration (verbose=1): the header and the format of a line
NEWTON_HEADER = f"{'iter':>5} {'obj':>12} {'norm(grad)':>10} {'mu':>7} {'LS':>3} {'CG':>4} {'CG relres':>9}"
NEWTON_LINE = "{:5d} {:12.6e} {:10.2e} {:7.3g} {:3d} {:4d} {:9.1e}"
STATUS = {0: "maximum number of iterations reached", 1: "gradient tolerance reached",
          2: "line search failed", 3: "stopped by the callback",
          4: "interrupted (KeyboardInterrupt): returning the last accepted iterate"}


def pcgStep(H, g, tolCG, maxIterCG, cgIterate="pcg"):
    """Solve ``H s = -g`` by CG and return ``s, iterations, relative residual`` as MATLAB's pcg.

    scipy's ``cg`` does the work. Where it stops at ``maxIterCG`` without
    converging, MATLAB's and Octave's ``pcg`` return the iterate with the
    smallest residual, not the last one; so do we. CG hands each residual r_k
    to the preconditioner, so an identity preconditioner records ||r_k||.
    ``cgIterate="last"`` returns the last iterate instead (truncated Newton:
    CG's iterates decrease the quadratic model even where the residual grows).
    """
    b = -g
    normB = np.linalg.norm(b)
    best = {"s": np.zeros_like(b), "res": normB, "iter": 0}
    last = {"s": None, "iter": 0}

    def keepIfBest(s, res, k):  # pcg's rule: the smallest residual, the later one on ties
        if res <= best["res"]:
            best.update(s=s, res=res, iter=k)

    def callback(sk):
        last["s"], last["iter"] = sk.copy(), last["iter"] + 1

    def identity(r):  # the residual of the iterate of the last callback
        if last["s"] is not None:
            keepIfBest(last["s"], np.linalg.norm(r), last["iter"])
        return r

    n = b.size
    M = LinearOperator((n, n), matvec=identity, dtype=b.dtype)
    s, _ = cg(H, b, rtol=tolCG, atol=0.0, maxiter=maxIterCG, M=M, callback=callback)
    if last["iter"] > 0:  # the last iterate's residual never reached the preconditioner
        lastRes = np.linalg.norm(b - H @ s)
        if cgIterate == "last":
            return s, last["iter"], lastRes / normB
        keepIfBest(s, lastRes, last["iter"])
    return best["s"], best["iter"], best["res"] / normB


def forcingTerm(normG, normG0):
    """The adaptive CG tolerance eta_k = min(0.5, sqrt(||g_k|| / ||g_0||)) (a forcing term).

    Loose far from a minimum, where a rough Newton step is as good as an exact
    one, and tighter as the gradient shrinks, which keeps Newton's fast local
    convergence (Eisenstat and Walker's choice, Nocedal and Wright, sec. 7.1).
    """
    return min(0.5, float(np.sqrt(normG / normG0)))


def _checkParam(param, defaults=DEFAULTS):
    """Fill in the defaults and reject unknown or ill-typed entries.

    Entries whose default is an int must be non-negative integers, those whose
    default is a float finite numbers >= 0 (``steepestDescent`` and ``sgd``
    pass their own ``defaults``).
    """
    if param is None:
        param = {}
    if not isinstance(param, dict):
        raise TypeError(f"param must be a dict, got {type(param).__name__}")
    unknown = set(param) - set(defaults)
    if unknown:
        raise ValueError(f"param has unknown entries {sorted(unknown)}; known: {sorted(defaults)}")
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
    if p.get("verbose", 0) not in (False, True, 0, 1, 2):
        raise ValueError(f"param['verbose'] must be 0 (silent), 1 (a line per iteration) or 2 (the "
                         f"course's table, every line-search trial), got {p['verbose']!r}")
    if p.get("callback") is not None:
        checkCallable(p["callback"], "param['callback']")
    if p.get("forcing") not in (None, "adaptive"):
        raise ValueError(f"param['forcing'] must be None or 'adaptive', got {p['forcing']!r}")
    if p.get("cgIterate", "pcg") not in ("pcg", "last"):
        raise ValueError(f"param['cgIterate'] must be 'pcg' or 'last', got {p['cgIterate']!r}")
    return p


def _checkedMatvec(H, n, name):
    """Wrap the Hessian closure so that a wrong-sized H(v) is an error naming fun."""
    def matvec(v):
        Hv = asFloatArray(callUser(H, f"H(v) of fun({name})", v), f"H(v) of fun({name})", allowNonFinite=True)
        if Hv.size != n:
            raise ValueError(f"H(v) of fun({name}) must have the {n} entries of x, got shape {Hv.shape}")
        return Hv.reshape(v.shape)
    return matvec


def _evaluate(fun, x, name, needH=True):
    """Call ``fun(x)``; check that it returns a scalar f, a gradient like x, and H.

    With ``needH=False`` (first-order methods) ``fun`` may return ``(f, g)``;
    anything after g is ignored and H comes back as None.
    """
    out = callUser(fun, f"fun({name})", x)
    if not needH and isinstance(out, tuple) and len(out) >= 2:
        out = (*out[:2], None)
    if not isinstance(out, tuple) or len(out) != 3:
        raise TypeError(f"fun(x) must return a tuple (f, g, H){'' if needH else ' or (f, g)'}, "
                        f"got {type(out).__name__}")
    f, g, H = out
    f = asFloatArray(f, f"f = fun({name})[0]", allowNonFinite=True)
    if f.size != 1:
        raise ValueError(f"fun({name}) must return a scalar f, got shape {f.shape}")
    g = asFloatArray(g, f"g = fun({name})[1]", allowNonFinite=True)
    if g.shape != x.shape:
        raise ValueError(f"fun({name}) returned a gradient with shape {g.shape}, "
                         f"expected the shape of x {x.shape}")
    if H is None and not needH:
        pass
    elif callable(H):
        H = LinearOperator((x.size, x.size), matvec=_checkedMatvec(H, x.size, name), dtype=x.dtype)
    else:
        try:
            H = aslinearoperator(H)
        except TypeError:
            raise TypeError(f"fun({name}) must return H as a matrix or a closure v -> H v, "
                            f"got {type(H).__name__}") from None
        if H.shape != (x.size, x.size):
            raise ValueError(f"fun({name}) returned H with shape {H.shape}, "
                             f"expected {(x.size, x.size)}")
    return float(np.reshape(f, ())), g, H


def _evaluateStart(fun, x, needH=True):
    """``_evaluate`` at the starting point, where f and g must be finite (no iterate to fall back to)."""
    f, g, H = _evaluate(fun, x, "x0", needH)
    if not np.isfinite(f) or not np.isfinite(g).all():
        bad = g.size - np.count_nonzero(np.isfinite(g))
        raise ValueError(f"fun(x0) must be finite, got f = {f} and {bad} non-finite gradient entries")
    return f, g, H


def lineSearch(fun, x, f, g, s, mu, p, k, needH=True, P=None):
    """The course's line search: try ``x + mu s``, halve mu until f decreases.

    Accepts the first trial with a finite ``f(x + mu s) < f + c1 mu g's`` (and a
    finite gradient), printing the course's ``iter.ls  obj  norm(grad)`` line for every
    trial when ``p["verbose"] >= 2``; ``P`` projects each trial (steepest descent with a box).
    Returns ``xTry, fTry, gTry, HTry, mu, ls``, or None after ``p["maxLS"]``
    trials.
    """
    for ls in range(1, p["maxLS"] + 1):
        xTry = x + mu * s if P is None else P(x + mu * s)
        fTry, gTry, HTry = _evaluate(fun, xTry, "x + mu s", needH)
        if p["verbose"] >= 2:      # the course's trial line: its objective (and gradient norm)
            print(f"{k:3d}.{ls}\t{fTry:3.2e}" + (f"\t{np.linalg.norm(gTry):3.2e}" if needH else ""))
        if np.isfinite(fTry) and np.isfinite(gTry).all() and fTry < f + p["c1"] * mu * np.vdot(g, s):
            return xTry, fTry, gTry, HTry, mu, ls
        mu /= 2
    return None


def printHeader(name, p, header):
    """The table's header: the course's (verbose=2) or ours, one line per iteration (verbose=1)."""
    if p["verbose"] >= 2:
        print(f"=== {name} (maxIter: {p['maxIter']}) ===")
        print("iter\t obj func\tnorm(grad)")
    elif p["verbose"]:
        print(header)


def printIteration(k, row, p, line):
    """One line per iteration (verbose=1): iteration k and its row of the history."""
    if p["verbose"] == 1:
        print(line.format(k, *row))


def printStart(k, f, normG, p):
    """The course's line at the start of iteration k (verbose=2): ``k.0  obj  norm(grad)``."""
    if p["verbose"] >= 2:
        print(f"{k:3d}.0\t{f:3.2e}\t{normG:3.2e}")


def history(rows, columns, status, name, verbose):
    """The history dict of an optimiser: one array per column, plus status and message."""
    his = dict(zip(columns, (np.array(c) for c in zip(*rows))))
    for key in ("lsIter", "cgIter"):
        if key in his:
            his[key] = his[key].astype(int)
    his["status"], his["message"] = status, STATUS[status]
    if verbose:
        print(f"{name}: {STATUS[status]} after {len(rows) - 1} iterations, "
              f"obj {rows[-1][0]:.6e}, norm(grad) {rows[-1][1]:.2e}")
    return his


def newtonCG(fun, x0, param=None):
    """Minimise ``fun`` by Newton-CG with the course's line search.

    MATLAB: ``[x,his,xAll] = newtonCG(fun,x0,param)``.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> (f, g, H)``: value, gradient (shaped like x) and Hessian,
        as a closure ``v -> H v`` or a matrix. The Hessian (or an
        approximation such as Gauss-Newton) must be positive semi-definite.
    x0 : array_like, 1-D
        Starting guess.
    param : dict, optional
        maxIter : int, default 10
            Number of Newton iterations.
        tolCG : float, default 1e-2
            Relative residual at which CG stops.
        maxIterCG : int, default 10
            At most this many CG iterations per Newton step.
        gradTol : float, default 0
            Stop when ``||grad f|| <= gradTol`` (0: run maxIter iterations,
            as the course does).
        c1 : float, default 0
            Sufficient decrease: accept when ``f(x + mu s) < f(x) + c1 mu g's``
            (0: any decrease, as the course).
        maxLS : int, default 20
            Give up after this many halvings of mu.
        verbose : 0, 1 or 2, default 1 (True)
            0: silent; 1: one line per iteration (obj, norm(grad), step mu,
            line-search trials, CG iterations and relative residual); 2: the
            course's table, ``iter.0  obj  norm(grad)`` at the start of each
            iteration and ``iter.ls  obj  norm(grad)`` for every line-search
            trial, printed as ``newtoncg.m`` prints it.
        callback : callable, optional
            ``callback(x)`` after every iteration; returning True stops.
        storeIterates : bool, default True
            Keep every iterate in xAll.
        forcing : None or "adaptive", default None
            None: CG stops at the fixed relative tolerance tolCG (the course).
            "adaptive": iteration k uses the forcing term
            ``eta_k = min(0.5, sqrt(||g_k|| / ||g_0||))`` instead of tolCG
            (see ``forcingTerm``); give it room with a larger maxIterCG,
            e.g. 50. Not in the course's ``newtonCG.m``.
        cgIterate : "pcg" or "last", default "pcg"
            The step when CG stops at maxIterCG unconverged: "pcg" the iterate
            with the smallest residual (MATLAB's pcg, the course), "last" the
            last CG iterate (truncated Newton, Nocedal and Wright Alg. 7.1),
            which on ill-conditioned Gauss-Newton systems is a much better
            step: there the residual of CG stalls while the model still drops.

    Returns
    -------
    x : ndarray
        The last accepted iterate.
    his : dict
        Arrays with one entry per iterate (entry 0 is x0): ``obj`` (f),
        ``normGrad``, ``mu`` (step taken), ``lsIter`` (line-search trials),
        ``cgIter`` (CG iterations of the step, pcg's count), ``cgRelRes``
        (its relative residual); ``status`` (an int) and ``message``.
    xAll : ndarray, (number of iterates) x len(x0), or None
        The iterates in rows, x0 first.

    Notes
    -----
    Status: 0 maxIter reached, 1 gradient tolerance reached, 2 line search
    failed (x is the last accepted iterate), 3 stopped by the callback,
    4 interrupted by KeyboardInterrupt. A trial with a NaN or inf objective
    counts as a failed trial. The course's ``newtonCG.m`` records only obj and
    norm(grad) and has no stopping test.
    """
    checkCallable(fun, "fun")
    x = asFloatArray(x0, "x0", ndim=1).copy()
    p = _checkParam(param)
    f, g, H = _evaluateStart(fun, x)
    rows = [(f, np.linalg.norm(g), np.nan, 0, 0, np.nan)]
    xAll = [x.copy()] if p["storeIterates"] else None
    mu, status = 1.0, 0
    printHeader("newtonCG", p, NEWTON_HEADER)
    printIteration(0, rows[0], p, NEWTON_LINE)
    try:
        for k in range(1, p["maxIter"] + 1):
            if rows[-1][1] <= p["gradTol"]:
                status = 1
                break
            printStart(k, f, rows[-1][1], p)
            tolCG = p["tolCG"] if p["forcing"] is None else forcingTerm(rows[-1][1], rows[0][1])
            s, cgIter, cgRelRes = pcgStep(H, g, tolCG, p["maxIterCG"], p["cgIterate"])
            if np.linalg.norm(s) == 0:      # no CG progress: normalised steepest descent
                s = -g / np.linalg.norm(g)
            elif not np.vdot(g, s) < 0:     # not a descent direction (or NaN): steepest descent
                s = -g
            trial = lineSearch(fun, x, f, g, s, mu, p, k)   # halve mu until f decreases
            if trial is None:
                warnings.warn(f"newtonCG: line search failed after {p['maxLS']} halvings "
                              f"in iteration {k}; returning the last iterate", stacklevel=2)
                status = 2
                break
            xTry, fTry, gTry, HTry, mu, ls = trial
            rows.append((fTry, np.linalg.norm(gTry), mu, ls, cgIter, cgRelRes))
            printIteration(k, rows[-1], p, NEWTON_LINE)
            if ls == 1:
                mu = min(1.5 * mu, 1.0)
            x, f, g, H = xTry, fTry, gTry, HTry
            if xAll is not None:
                xAll.append(x.copy())
            if p["callback"] is not None and p["callback"](x):
                status = 3
                break
        else:
            if rows[-1][1] <= p["gradTol"]:
                status = 1
    except KeyboardInterrupt:
        status = 4
    his = history(rows, ("obj", "normGrad", "mu", "lsIter", "cgIter", "cgRelRes"), status,
                  "newtonCG", p["verbose"])
    return x, his, None if xAll is None else np.array(xAll)


if __name__ == "__main__":
    from rosenbrock import rosenbrock

    x, his, xAll = newtonCG(rosenbrock, [4.0, 2.0], {"maxIter": 50, "gradTol": 1e-10})
    print(f"Rosenbrock from [4, 2]: x = {x} (minimiser [1, 1]) after {len(his['obj']) - 1} iterations")
