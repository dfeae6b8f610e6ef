"""Steepest descent with the course's capped step and backtracking line search (a baseline).

The step goes down the gradient, capped at length maxStep,

    s = -grad f(x),   s <- maxStep s / ||s||  if ||s|| > maxStep

and the line search halves mu (at most maxLS = 10 times, as the course) until f decreases:

    x <- P(x + mu s),   mu = 1, 1/2, 1/4, ...   until f(P(x + mu s)) < f(x)

mu grows again after an iteration whose first trial was accepted:
mu <- min(1.5 mu, 1). P projects onto a feasible set (identity by default),
e.g. a box, which makes this projected steepest descent.
"""

import warnings

import numpy as np

from newtonCG import _checkParam, _evaluateStart, history, lineSearch, printHeader, printIteration, printStart
from nnutils import asFloatArray, checkCallable

HEADER = f"{'iter':>5} {'obj':>12} {'norm(grad)':>10} {'mu':>7} {'LS':>3}"
LINE = "{:5d} {:12.6e} {:10.2e} {:7.3g} {:3d}"
DEFAULTS = dict(maxIter=10, maxStep=1.0, gradTol=0.0, c1=0.0, maxLS=10, P=None,
                verbose=True, callback=None, storeIterates=True)


def _projection(P, x):
    """P as a function that checks its output has the shape of x; identity for None."""
    if P is None:
        return lambda x: x
    checkCallable(P, "param['P']")

    def project(x):
        Px = asFloatArray(P(x), "P(x) of param['P']")
        if Px.shape != x.shape:
            raise ValueError(f"param['P'] must return an array shaped like x {x.shape}, got shape {Px.shape}")
        return Px
    return project


def steepestDescent(fun, x0, param=None):
    """Minimise ``fun`` by (projected) steepest descent with the course's line search.

    MATLAB: ``[x,his,xAll] = steepestDescent(fun,x0,param)``.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> (f, g)`` (or ``(f, g, H)``, H ignored): value and gradient
        shaped like x.
    x0 : array_like, 1-D
        Starting guess.
    param : dict, optional
        maxIter : int, default 10
            Number of iterations.
        maxStep : float, default 1.0
            Longest step: a longer gradient is scaled down to this length.
        gradTol : float, default 0
            Stop when ``||grad f|| <= gradTol`` (0: run maxIter iterations, as the course).
        c1 : float, default 0
            Sufficient decrease ``f(x + mu s) < f(x) + c1 mu g's`` (0: any decrease, as the course).
        maxLS : int, default 10
            Give up after this many trials (the course's 10).
        P : callable, optional
            Projection onto the feasible set, ``x -> P(x)``; applied to x0 and every trial.
        verbose : 0, 1 or 2, default 1 (True)
            0: silent; 1: one line per iteration; 2: the course's table
            (``iter.0  obj  norm(grad)``, then ``iter.ls  obj`` for every trial).
        callback : callable, optional
            ``callback(x)`` after every iteration; returning True stops.
        storeIterates : bool, default True
            Keep every iterate in xAll.

    Returns
    -------
    x : ndarray
        The last accepted iterate.
    his : dict
        Arrays with one entry per iterate (entry 0 is x0): ``obj``, ``normGrad``,
        ``mu`` (line-search factor taken), ``lsIter`` (trials); ``status`` and
        ``message`` as in ``newtonCG`` (0 maxIter, 1 gradTol, 2 line search
        failed, 3 callback, 4 KeyboardInterrupt).
    xAll : ndarray, (number of iterates) x len(x0), or None
        The iterates in rows, x0 first.

    Notes
    -----
    A trial with a NaN or inf objective or gradient counts as a failed trial.
    The course's ``steepestDescent.m`` records obj and norm(grad) at the start
    of each iteration (ours: after it, with x0 first), has no stopping test,
    and evaluates fun twice per iteration where we reuse the accepted trial.
    """
    checkCallable(fun, "fun")
    x = asFloatArray(x0, "x0", ndim=1).copy()
    p = _checkParam(param, DEFAULTS)
    if not p["maxStep"] > 0:
        raise ValueError(f"param['maxStep'] must be positive, got {p['maxStep']!r}")
    P = _projection(p["P"], x)
    x = P(x)
    f, g, _ = _evaluateStart(fun, x, needH=False)
    rows = [(f, np.linalg.norm(g), np.nan, 0)]
    xAll = [x.copy()] if p["storeIterates"] else None
    mu, status = 1.0, 0
    printHeader("steepestDescent", p, HEADER)
    printIteration(0, rows[0], p, LINE)
    try:
        for k in range(1, p["maxIter"] + 1):
            if rows[-1][1] <= p["gradTol"]:
                status = 1
                break
            printStart(k, f, rows[-1][1], p)
            s = -g                                       # steepest descent ...
            if np.linalg.norm(s) > p["maxStep"]:         # ... capped at maxStep
                s = p["maxStep"] * s / np.linalg.norm(s)
            trial = lineSearch(fun, x, f, g, s, mu, p, k, needH=False, P=P)   # halve mu until f decreases
            if trial is None:
                warnings.warn(f"steepestDescent: line search failed after {p['maxLS']} trials "
                              f"in iteration {k}; returning the last iterate", stacklevel=2)
                status = 2
                break
            xTry, fTry, gTry, _, mu, ls = trial
            rows.append((fTry, np.linalg.norm(gTry), mu, ls))
            printIteration(k, rows[-1], p, LINE)
            if ls == 1:
                mu = min(1.5 * mu, 1.0)
            x, f, g = xTry, fTry, gTry
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
    his = history(rows, ("obj", "normGrad", "mu", "lsIter"), status, "steepestDescent", p["verbose"])
    return x, his, None if xAll is None else np.array(xAll)


if __name__ == "__main__":
    from rosenbrock import rosenbrock

    x, his, xAll = steepestDescent(rosenbrock, [4.0, 2.0], {"maxIter": 10000, "verbose": False})
    print(f"Rosenbrock from [4, 2], 10000 iterations: x = {x} (minimiser [1, 1]), "
          f"f = {his['obj'][-1]:.3e}, status: {his['message']}")
