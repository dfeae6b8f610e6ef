"""Newton-CG with a backtracking line search, as in the course (slide "Gauss-Newton Method").

Each iteration solves the Newton system approximately with conjugate gradients,

    H s = -grad f(x)      (MATLAB's pcg: relative tolerance tolCG, at most maxIterCG steps)

then walks along s with a line search that halves the step mu until f decreases
("add line search to be safe!"):

    x <- x + mu s,   mu = 1, 1/2, 1/4, ...   until f(x + mu s) < f(x)

After an iteration whose first trial was accepted, mu grows again:
mu <- min(1.5 mu, 1). With the Gauss-Newton H of ``singleLayerNNObjFun`` this
is the Gauss-Newton-CG method of the lecture.
"""

import numpy as np

from support.checks import asFloatArray
from support.optimRun import (
    STATUS,
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
from support.pcg import pcg

DEFAULTS = dict(maxIter=10, tolCG=1e-2, maxIterCG=10, gradTol=0.0, c1=0.0, maxLS=20, verbose=True,
                printEvery=1, callback=None, storeIterates=True, forcing=None, cgIterate="pcg")
CHOICES = {"forcing": (None, "adaptive"), "cgIterate": ("pcg", "last")}
COLUMNS = {"obj": "12.6e", "normGrad": "10.2e", "mu": "7.3g", "lsIter": "3d", "cgIter": "4d",
           "cgRelRes": "9.1e"}


def newtonCG(fun, x0, param=None):
    """``[x,his,xAll] = newtoncg(fun,x0,param)``: minimise fun by Newton-CG with the course's line search.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> (f, g, H)``: value, gradient (shaped like x) and Hessian,
        a closure ``v -> H v`` or a matrix, positive semi-definite (e.g. Gauss-Newton).
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
            Stop when ``||grad f|| <= gradTol`` (0: run maxIter iterations, as the course).
        c1 : float, default 0
            Sufficient decrease: accept when ``f(x + mu s) < f(x) + c1 mu g's`` (0: any decrease).
        maxLS : int, default 20
            Give up after this many line-search trials.
        verbose : 0, 1 or 2, default 1
            0 silent; 1 one line per iteration (obj, norm(grad), step mu,
            line-search trials, CG iterations and relative residual); 2 the
            course's table, ``k.0  obj  norm(grad)`` and a ``k.ls`` line per trial.
        printEvery : int, default 1
            With verbose 1, print every printEvery-th iteration and the last (a
            summary of a long run); 1 prints every one.
        callback : callable, optional
            ``callback(x)`` after every iteration; returning True stops.
        storeIterates : bool, default True
            Keep every iterate in xAll.
        forcing : None or "adaptive", default None
            None: CG stops at the fixed tolCG (the course). "adaptive": iteration
            k uses ``eta_k = min(0.5, sqrt(||g_k|| / ||g_0||))`` instead
            (``forcingTerm``); give it room with a larger maxIterCG.
        cgIterate : "pcg" or "last", default "pcg"
            The step when CG stops unconverged: "pcg" the iterate of smallest
            residual (MATLAB's pcg, the course), "last" the last CG iterate
            (truncated Newton), a much better step on ill-conditioned systems.

    Returns
    -------
    x : ndarray
        The last accepted iterate.
    his : dict
        One entry per iterate (entry 0 is x0): ``obj``, ``normGrad``, ``mu``,
        ``lsIter``, ``cgIter``, ``cgRelRes``; ``status`` (0 maxIter, 1 gradTol,
        2 line search failed, 3 callback, 4 KeyboardInterrupt) and ``message``.
    xAll : ndarray, (number of iterates) x len(x0), or None
        The iterates in rows, x0 first.

    Our best option on the lecture's inverse crime is
    ``{"forcing": "adaptive", "maxIterCG": 20, "cgIterate": "last"}`` (the
    least work to each target of the options we tried; bench/README.md
    compares it with SciPy's L-BFGS-B); the defaults stay the course's.

    The course's ``newtoncg.m`` records only obj and norm(grad), has no
    stopping test and stops silently (a warning) when the line search fails.
    """
    checkObjectiveFunction(fun, "newtonCG")
    x, p = asFloatArray(x0, "x0", ndim=1).copy(), checkParam(param, DEFAULTS, CHOICES)
    f, g, H = evaluateStart(fun, x)
    run = startRun("newtonCG", p, COLUMNS, x, (f, np.linalg.norm(g), np.nan, 0, 0, np.nan))
    normG0, mu = np.linalg.norm(g), 1.0
    try:
        for k in range(1, p["maxIter"] + 1):
            if gradientSmall(run):
                break
            printStart(run, k, f, np.linalg.norm(g))
            tolCG = p["tolCG"] if p["forcing"] is None else forcingTerm(np.linalg.norm(g), normG0)
            s, _, relres, iterCG = pcg(H, -g, tolCG, p["maxIterCG"], p["cgIterate"] == "last")   # H s = -g
            if np.linalg.norm(s) == 0:                # no CG progress: normalised steepest descent
                s = -g / np.linalg.norm(g)
            elif not np.vdot(g, s) < 0:               # not a descent direction (or NaN): steepest descent
                s = -g
            for ls in range(1, p["maxLS"] + 1):       # line search: halve mu until f decreases
                xTry = x + mu * s
                fTry, gTry, HTry = evaluate(fun, xTry, "x + mu s")
                printTrial(run, k, ls, fTry, gTry)
                if acceptable(fTry, gTry) and fTry < f + p["c1"] * mu * np.vdot(g, s):
                    break
                mu /= 2
            else:
                lineSearchFailed(run, k)
                break
            x, f, g, H = xTry, fTry, gTry, HTry
            if record(run, k, x, (f, np.linalg.norm(g), mu, ls, iterCG, relres)):
                break
            if ls == 1:                               # the first trial was accepted: try longer next
                mu = min(1.5 * mu, 1.0)
        else:
            gradientSmall(run)
    except KeyboardInterrupt:
        run["status"] = 4
    return finishRun(run, x)


def forcingTerm(normG, normG0):
    """The adaptive CG tolerance eta_k = min(0.5, sqrt(||g_k|| / ||g_0||)) (a forcing term).

    Loose far from a minimum, where a rough Newton step is as good as an exact
    one, and tighter as the gradient shrinks, which keeps Newton's fast local
    convergence (Eisenstat and Walker's choice, Nocedal and Wright, sec. 7.1).
    """
    return min(0.5, float(np.sqrt(normG / normG0)))


__all__ = ["newtonCG", "forcingTerm", "DEFAULTS", "STATUS"]


if __name__ == "__main__":
    from Rosenbrock import Rosenbrock

    x, his, xAll = newtonCG(Rosenbrock, [4.0, 2.0], {"maxIter": 50, "gradTol": 1e-10, "verbose": 0})
    print(f"Rosenbrock from [4, 2]: x = {x} (minimiser [1, 1]) after {len(his['obj']) - 1} iterations, "
          f"status: {his['message']}")
