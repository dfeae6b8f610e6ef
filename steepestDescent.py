"""Steepest descent with the course's capped step and backtracking line search (a baseline).

The step goes down the gradient, capped at length maxStep,

    s = -grad f(x),   s <- maxStep s / ||s||  if ||s|| > maxStep

and the line search halves mu (at most maxLS = 10 times, as the course) until f decreases:

    x <- P(x + mu s),   mu = 1, 1/2, 1/4, ...   until f(P(x + mu s)) < f(x)

mu grows again after an iteration whose first trial was accepted:
mu <- min(1.5 mu, 1). P projects onto a feasible set (identity by default),
e.g. a box, which makes this projected steepest descent.
"""

import numpy as np

from support.checks import asFloatArray, checkCallable
from support.optimRun import (
    acceptable,
    checkObjectiveFunction,
    checkParam,
    evaluate,
    evaluateStart,
    finishRun,
    gradientSmall,
    lineSearchFailed,
    printStart,
    printTrial,
    record,
    startRun,
)

DEFAULTS = dict(maxIter=10, maxStep=1.0, gradTol=0.0, c1=0.0, maxLS=10, P=None, verbose=True,
                printEvery=1, callback=None, storeIterates=True)
COLUMNS = {"obj": "12.6e", "normGrad": "10.2e", "mu": "7.3g", "lsIter": "3d"}


def steepestDescent(fun, x0, param=None):
    """``[x,his,xAll] = steepestDescent(fun,x0,param)``: steepest descent with the course's line search.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> (f, g)`` (or ``(f, g, H)``, H ignored): value and gradient shaped like x.
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
        verbose : 0, 1 or 2, default 1
            0 silent; 1 one line per iteration; 2 the course's table
            (``k.0  obj  norm(grad)``, then ``k.ls  obj`` for every trial).
        printEvery : int, default 1
            With verbose 1, print every printEvery-th iteration and the last (a
            summary of a long run); 1 prints every one.
        callback : callable, optional
            ``callback(x)`` after every iteration; returning True stops.
        storeIterates : bool, default True
            Keep every iterate in xAll.

    Returns
    -------
    x : ndarray
        The last accepted iterate.
    his : dict
        One entry per iterate (entry 0 is x0): ``obj``, ``normGrad``, ``mu``
        (line-search factor taken), ``lsIter`` (trials); ``status`` and
        ``message`` as in ``newtonCG``.
    xAll : ndarray, (number of iterates) x len(x0), or None
        The iterates in rows, x0 first.

    The course's ``steepestDescent.m`` records obj and norm(grad) at the start
    of each iteration (ours: after it, with x0 first), has no stopping test,
    and evaluates fun twice per iteration where we reuse the accepted trial.
    """
    checkObjectiveFunction(fun, "steepestDescent")
    x, p = asFloatArray(x0, "x0", ndim=1).copy(), checkParam(param, DEFAULTS)
    if not p["maxStep"] > 0:
        raise ValueError(f"param['maxStep'] must be positive, got {p['maxStep']!r}")
    P = projection(p["P"], x)
    x = P(x)
    f, g, _ = evaluateStart(fun, x, needH=False)
    run = startRun("steepestDescent", p, COLUMNS, x, (f, np.linalg.norm(g), np.nan, 0))
    mu = 1.0
    try:
        for k in range(1, p["maxIter"] + 1):
            if gradientSmall(run):
                break
            printStart(run, k, f, np.linalg.norm(g))
            s = -g                                          # steepest descent ...
            if np.linalg.norm(s) > p["maxStep"]:            # ... capped at maxStep
                s = p["maxStep"] * s / np.linalg.norm(s)
            for ls in range(1, p["maxLS"] + 1):             # line search: halve mu until f decreases
                xTry = P(x + mu * s)
                fTry, gTry, _ = evaluate(fun, xTry, "x + mu s", needH=False)
                printTrial(run, k, ls, fTry)
                if acceptable(fTry, gTry) and fTry < f + p["c1"] * mu * np.vdot(g, s):
                    break
                mu /= 2
            else:
                lineSearchFailed(run, k)
                break
            x, f, g = xTry, fTry, gTry
            if record(run, k, x, (f, np.linalg.norm(g), mu, ls)):
                break
            if ls == 1:                                     # the first trial was accepted: try longer next
                mu = min(1.5 * mu, 1.0)
        else:
            gradientSmall(run)
    except KeyboardInterrupt:
        run["status"] = 4
    return finishRun(run, x)


def projection(P, x):
    """P as a function that checks its output has the shape of x; the identity for None."""
    if P is None:
        return lambda x: x
    checkCallable(P, "param['P']")

    def project(x):
        Px = asFloatArray(P(x), "P(x) of param['P']")
        if Px.shape != x.shape:
            raise ValueError(f"param['P'] must return an array shaped like x {x.shape}, got shape {Px.shape}")
        return Px
    return project


if __name__ == "__main__":
    from Rosenbrock import Rosenbrock

    x, his, xAll = steepestDescent(Rosenbrock, [4.0, 2.0], {"maxIter": 10000, "verbose": 0})
    print(f"Rosenbrock from [4, 2], 10000 iterations: x = {x} (minimiser [1, 1]), "
          f"f = {his['obj'][-1]:.3e}, status: {his['message']}")
