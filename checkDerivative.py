"""Derivative checks of the lecture: the Taylor test and the adjoint (dot-product) test.

Taylor test (slide "Testing", 1.). For a direction v and h = 2^-1, 2^-2, ...

    E0(h) = || f(x + h v) - f(x) ||                 = O(h)    (any f)
    E1(h) = || f(x + h v) - f(x) - h J v ||         = O(h^2)  (iff J is right)
    E2(h) = | f(x + h v) - f(x) - h J v - h^2/2 v' H v |  = O(h^3)  (iff H is the Hessian)

so halving h divides E1 by 4 ("order 2") when J is the derivative, and only by
2 when it is not. A Gauss-Newton H is not the Hessian: its E2 stays order 2.

Adjoint test (slide "Testing", 2.). For arbitrary u and v,

    u' (J v) = v' (J' u)

up to rounding, which checks that a function claimed to be J' is the transpose of J.
The verdict rules, the printed table and the plot are in ``support/taylorVerdict.py``.
"""

import numpy as np

from support.checks import checkAdjointTest, checkTaylorTest
from support.taylorVerdict import (
    applyDerivative,
    checkedPair,
    evaluateAt,
    hessianTimes,
    plotTable,
    printTable,
    valueAlong,
    verdict,
)

NORM_TOL = 10      # adjointTest: |u'Jv - v'J'u| <= NORM_TOL eps ||u|| ||Jv|| is rounding too


def checkDerivative(fun, x0, v=None, nSteps=20, doPlot=False, verbose=True, rng=None, plotFile=None):
    """Taylor test of the derivative (and optionally the Hessian) that ``fun`` returns.

    Parameters
    ----------
    fun : callable
        ``fun(x)`` returns ``(f, dF)`` or ``(f, dF, d2F)`` (more outputs are
        ignored). ``f`` is a scalar or an array; ``dF`` is a closure
        ``v -> J v``, or the gradient (f scalar), or the Jacobian matrix;
        ``d2F`` (f scalar only) is a Hessian closure or matrix.
    x0 : array_like
        The point: a vector or a matrix.
    v : array_like, optional
        Direction, shaped like x0; default ``rng.standard_normal(x0.shape)``.
    nSteps : int, default 20
        Step sizes ``h = 2^-1, ..., 2^-nSteps``.
    doPlot : bool, default False
        Draw E0, E1 (and E2) against h on a log-log plot.
    verbose : bool, default True
        Print the table and the verdict.
    rng : numpy.random.Generator or int, optional
        Source of the random direction.
    plotFile : str, optional
        Save the plot there.

    Returns
    -------
    passed : bool
        True when E1 shows order >= 1.8 over the last 3 steps above the
        rounding noise (or, when no order can be measured, E1 stays at the
        noise below some h while J v is verified there); see ``taylorVerdict``.
    table : ndarray, nSteps x 3 (or x 4 with a Hessian)
        Columns ``h, E0, E1`` (and ``E2``), as the course prints them.

    The course has no checkDerivative.m: its test scripts print the same table
    and plot inline and leave the verdict to the reader.
    """
    fun, x0, v, nSteps = checkTaylorTest(fun, x0, v, nSteps, rng)
    f0, dF, d2F = evaluateAt(fun, x0)                                    # f(x), J (and H) as fun gives them
    Jv = applyDerivative(dF, f0, v)                                      # J v
    vHv = None if d2F is None else np.vdot(v, hessianTimes(d2F, v))      # v' H v
    f = valueAlong(fun, f0)                                              # x -> f(x), checked

    table, scale = np.zeros((nSteps, 3 if vHv is None else 4)), np.zeros(nSteps)
    for k in range(nSteps):
        h = 2.0 ** -(k + 1)
        fh = f(x0 + h * v)                                               # f(x + h v)
        E0 = np.linalg.norm(fh - f0)                                     # ||f(x + h v) - f(x)||
        E1 = np.linalg.norm(fh - f0 - h * Jv)                            # ||f(x + h v) - f(x) - h J v||
        table[k, :3] = h, E0, E1
        if vHv is not None:
            table[k, 3] = abs(fh - f0 - h * Jv - h**2 / 2 * vHv)         # E2 = |... - h^2/2 v' H v|
        scale[k] = np.linalg.norm(f0) + np.linalg.norm(fh)               # f's rounding: eps times this

    passed, report = verdict(table, scale, np.finfo(np.result_type(f0.dtype, Jv.dtype, np.float32)).eps)
    if verbose:
        printTable(table, report)
    if doPlot or plotFile:
        plotTable(table, plotFile)
    return passed, table


def adjointTest(J, Jt, v, u, tol=None, verbose=False, rng=None):
    """Dot-product test that ``Jt`` is the transpose of ``J``.

    Parameters
    ----------
    J, Jt : callable
        ``v -> J v`` and ``u -> J' u``.
    v, u : array_like or tuple
        Vectors (or arrays) in the domain of J and of J'; a tuple is a shape
        to draw a standard normal array of.
    tol : float, optional
        Relative tolerance; default ``1e4 * eps`` of the dtype of ``J v``
        (2.2e-12 in float64, 1.2e-3 in float32). With the default the test
        also passes when ``|u'(J v) - v'(J' u)| <= 10 eps ||u|| ||J v||`` (or
        ``10 eps ||v|| ||J' u||``): the rounding of a dot product is relative
        to the norms of its factors, so when u happens to be nearly orthogonal
        to J v, relErr alone can exceed 1e4 eps for a right transpose.

    Returns
    -------
    passed : bool
    relErr : float
        ``|u'(J v) - v'(J' u)| / max(|u'(J v)|, |v'(J' u)|)``.

    The course's test scripts compute the same relErr inline and fail above 1e-12.
    """
    J, Jt, v, u, tol = checkAdjointTest(J, Jt, v, u, tol, rng)
    J, Jt = checkedPair(J, Jt, v, u)                                     # results shaped like u and v
    Jv, Jtu = J(v), Jt(u)
    a = np.vdot(u.ravel("F"), Jv.ravel("F"))                             # u' (J v)
    t = np.vdot(Jtu.ravel("F"), v.ravel("F"))                            # (J' u)' v
    if not (np.isfinite(a) and np.isfinite(t)):
        raise ValueError(f"u'(J v) = {a} and v'(Jt u) = {t} overflowed: rescale v and u")
    relErr = float(abs(a - t) / max(abs(a), abs(t), np.finfo(np.float64).tiny))

    eps = np.finfo(np.result_type(Jv.dtype, Jtu.dtype, np.float32)).eps
    if tol is None:                        # relative to u'Jv, or to the norms of the factors
        tol = 1e4 * eps
        norms = max(np.linalg.norm(u) * np.linalg.norm(Jv), np.linalg.norm(v) * np.linalg.norm(Jtu))
        passed = relErr <= tol or abs(a - t) <= NORM_TOL * eps * norms
    else:
        passed = relErr <= tol
    if verbose:
        print(f"u'(J v) = {a:+.16e}, v'(J' u) = {t:+.16e}, relative error {relErr:.2e} "
              f"({'PASSED' if passed else 'FAILED'}, tol {tol:.1e})")
    return passed, relErr


if __name__ == "__main__":
    def quadratic(x):  # f(x) = 0.5 x' A x - sum(sin(x)), gradient A x - cos(x)
        A = np.diag(np.arange(1.0, x.size + 1))
        return 0.5 * x @ A @ x - np.sum(np.sin(x)), A @ x - np.cos(x), A + np.diag(np.sin(x))

    x0 = np.ones(4)
    print("Right gradient and Hessian:")
    checkDerivative(quadratic, x0, rng=0, nSteps=10)
    print("\nGradient 1% off:")
    checkDerivative(lambda x: (quadratic(x)[0], 1.01 * quadratic(x)[1]), x0, rng=0, nSteps=10)
    A = np.arange(12.0).reshape(3, 4)
    print("\nAdjoint test of A and A':")
    adjointTest(lambda v: A @ v, lambda u: A.T @ u, (4,), (3,), verbose=True, rng=0)
