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
"""

import numbers

import numpy as np

from nnutils import asFloatArray, asRng, asScalar, callUser, checkCallable

ORDER_MIN = 1.8    # the observed order of E1 that counts as "2"
NOISE = 100        # E1 below NOISE * eps * (|f(x)| + |f(x + h v)|) is rounding noise ...
NOISE_MIN = 3      # ... or below PLATEAU x the rounding plateau E1 reaches at the smallest h,
PLATEAU = 10       #     when that is lower, but never below NOISE_MIN * eps * (|f(x)| + |f(x + h v)|)
PLATEAU_STEPS = 8  # the rounding plateau: the largest E1 of the 8 smallest h
LINEAR = 1e-3      # no order measurable: E1 at the noise for all h <= h_k, noise < LINEAR * E0(h_k)
LAST_PAIRS = 3     # the verdict reads the orders of this many smallest usable steps
NORM_TOL = 10      # adjointTest: |u'Jv - v'J'u| <= NORM_TOL eps ||u|| ||Jv|| is rounding too


def _shapedLike(A, f0, name, what="f = fun(x0)[0]"):
    """``A`` (finite) with the shape of ``f0``, accepting its vec; else a ValueError naming ``name``."""
    A = asFloatArray(A, name)
    if A.shape == f0.shape:
        return A
    if A.size == f0.size and (A.ndim <= 1 or f0.ndim <= 1):
        return np.reshape(A, f0.shape, order="F")
    raise ValueError(f"{name} must have the shape of {what} {f0.shape} (or be its vec), "
                     f"got shape {A.shape}")


def _applyDerivative(dF, f0, v, name):
    """J v for a derivative given as a closure, a gradient (f scalar) or a Jacobian matrix."""
    if callable(dF):
        return _shapedLike(callUser(dF, f"{name}(v)", v), f0, f"{name}(v)")
    dF = asFloatArray(dF, name)
    if np.size(f0) == 1 and dF.size == v.size:   # gradient of a scalar function
        return np.reshape(np.vdot(dF, v), f0.shape)
    if dF.ndim == 2 and dF.shape == (np.size(f0), v.size):
        return np.reshape(dF @ np.reshape(v, -1, order="F"), np.shape(f0), order="F")
    raise ValueError(f"{name} must be a callable, a gradient with {v.size} entries or a "
                     f"{np.size(f0)} x {v.size} Jacobian, got shape {dF.shape}")


def _hessianTimes(d2F, v):
    """H v for a Hessian given as a closure or a matrix, checked against the size of v."""
    if callable(d2F):
        Hv = asFloatArray(callUser(d2F, "d2F(v)", v), "d2F(v)")
        if Hv.size != v.size:
            raise ValueError(f"d2F(v) must have the {v.size} entries of v, got shape {Hv.shape}")
        return Hv
    d2F = asFloatArray(d2F, "d2F", ndim=2)
    if d2F.shape != (v.size, v.size):
        raise ValueError(f"d2F must be a {v.size} x {v.size} matrix, got shape {d2F.shape}")
    return d2F @ v.ravel("F")


def _orders(E, usable):
    """log2(E[k-1]/E[k]) for consecutive usable steps, NaN elsewhere."""
    order = np.full(E.shape, np.nan)
    both = usable[1:] & usable[:-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        order[1:][both] = np.log2(E[:-1][both] / E[1:][both])
    return order


def _noiseFloor(E1, model):
    """Where E1 is rounding noise: PLATEAU x the plateau E1 shows at the smallest h, within
    [NOISE_MIN, NOISE] x the rounding model eps (|f(x)| + |f(x + h v)|).

    The model alone (NOISE = 100) hides most of the h^2 range in float32, whose
    rounding is often well below 100 eps |f|; the measured plateau (the largest
    E1 of the PLATEAU_STEPS smallest h) finds the actual floor. The plateau may
    exceed NOISE x the model only when it is flat (the median of its first half
    is less than twice that of its second half, where even a wrong derivative's
    E1 ~ h falls by 2^4): then it is noise that the model underestimates, as for
    an f computed with cancellation.
    """
    tail = E1[-PLATEAU_STEPS:]
    half = len(tail) // 2
    flat = np.median(tail[:half]) < 2 * np.median(tail[half:])
    return np.clip(PLATEAU * tail.max(), NOISE_MIN * model, np.inf if flat else NOISE * model)


def _linearTail(table, usable, noise):
    """Step k from which E1 is at the noise for every smaller h, and whether J v is verified there.

    E1 <= noise for all h <= h_k means J v matches (f(x + h v) - f(x))/h to noise/E0(h_k):
    f is linear at that scale (everywhere for a linear f, below a kink that only the largest
    h crosses). A derivative off by a relative error r has E1 ~ r E0 there, so it passes only
    if r < LINEAR.
    """
    k = 0 if not usable.any() else int(np.flatnonzero(usable)[-1]) + 1
    if k == len(usable):
        return k, False
    verified = (table[k:, 1:3] == 0).all() or noise[k] < LINEAR * table[k, 1]
    return k, bool(verified)


def checkDerivative(fun, x0, v=None, nSteps=20, doPlot=False, verbose=True, rng=None,
                    plotFile=None):
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
        True when E1 shows order >= 1.8 over the last 3 usable steps (E1 above
        the rounding noise). When no order can be measured (no two usable
        steps in a row), True only if E1 stays at the noise for every h below
        some h_k while the noise is under 1e-3 E0(h_k): f is linear there and
        J v matches it (a linear f; a kink crossed by the largest h only).
        The noise floor is PLATEAU x the plateau E1 reaches at the smallest h,
        kept within [3, 100] x eps (|f(x)| + |f(x + h v)|).
    table : ndarray, nSteps x 3 (or x 4 with a Hessian)
        Columns ``h, E0, E1`` (and ``E2``), as the course prints them.

    Notes
    -----
    The course's ``checkDerivative.m`` prints the same table and plot but
    leaves the verdict to the reader.
    """
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
    out = callUser(fun, "fun(x0)", x0)
    if not isinstance(out, tuple) or len(out) < 2:
        raise TypeError("fun(x) must return a tuple (f, dF) or (f, dF, d2F), "
                        f"got {type(out).__name__}")
    f0 = asFloatArray(out[0], "f = fun(x0)[0]")
    Jv = _applyDerivative(out[1], f0, v, "dF")
    d2F = out[2] if len(out) > 2 and np.size(f0) == 1 else None
    if d2F is not None:
        vHv = np.vdot(v, _hessianTimes(d2F, v))
    eps = np.finfo(np.result_type(f0.dtype, Jv.dtype, np.float32)).eps

    table = np.zeros((nSteps, 3 if d2F is None else 4))
    noise = np.zeros(nSteps)
    for k in range(nSteps):
        h = 2.0 ** -(k + 1)
        what = f"fun(x0 + h v)[0] at h = {h:g}"
        ft = _shapedLike(callUser(lambda x: fun(x)[0], what, x0 + h * v), f0, what)
        table[k, :3] = h, np.linalg.norm(ft - f0), np.linalg.norm(ft - f0 - h * Jv)
        if d2F is not None:
            table[k, 3] = abs(ft - f0 - h * Jv - h ** 2 / 2 * vHv)
        noise[k] = eps * (np.linalg.norm(f0) + np.linalg.norm(ft))

    noise = _noiseFloor(table[:, 2], noise)
    usable = table[:, 2] > noise
    order1 = _orders(table[:, 2], usable)
    last = order1[~np.isnan(order1)][-LAST_PAIRS:]
    if last.size:             # the order of E1 over the smallest usable steps
        passed = bool(np.all(last >= ORDER_MIN))
    else:                     # no order measurable: E1 must vanish into the noise with J v verified
        k, passed = _linearTail(table, usable, noise)
    if verbose:
        _printTable(table, usable, order1, noise)
        if not last.size and passed:
            print(f"PASSED: E1 is at the rounding noise for every h <= {table[k, 0]:.3g} "
                  "(f is linear there and J v matches its difference quotient)")
        elif not last.size:
            print("FAILED: no order of E1 can be measured and J v is not verified at the noise "
                  "(E0 too small); try another v or more steps")
        else:
            print(f"{'PASSED' if passed else 'FAILED'}: order of E1 over the last usable steps "
                  f"{np.array2string(last, precision=2)} (need >= {ORDER_MIN})")
    if doPlot or plotFile:
        _plotTable(table, plotFile)
    return passed, table


def _printTable(table, usable, order1, noise):
    """Print the Taylor table as the course does, with the observed orders."""
    hasE2 = table.shape[1] > 3
    orders = [_orders(table[:, 1], table[:, 1] > noise), order1]
    if hasE2:
        orders.append(_orders(table[:, 3], table[:, 3] > noise))
    names = ["E0", "E1", "E2"][:table.shape[1] - 1]
    print(f"{'h':>10} " + " ".join(f"{e:>10}" for e in names)
          + " " + " ".join(f"{'order ' + e:>9}" for e in names))
    for k, row in enumerate(table):
        errors = " ".join(f"{e:10.3e}" for e in row[1:])
        order = " ".join(f"{o[k]:9.2f}" for o in orders)
        print(f"{row[0]:10.3e} {errors} {order}" + ("" if usable[k] else "  (E1 at noise)"))
    if hasE2:
        o2 = orders[2][~np.isnan(orders[2])][-LAST_PAIRS:]
        if o2.size:
            print(f"order of E2 {np.array2string(o2, precision=2)}: 3 if the Hessian is exact, "
                  "2 for an approximation such as Gauss-Newton")


def _plotTable(table, plotFile=None):
    """Log-log plot of E0, E1 (and E2) against h."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 4))
    for j, name in enumerate(["E0", "E1", "E2"][:table.shape[1] - 1]):
        ax.loglog(table[:, 0], table[:, j + 1], "o-", label=name)
    ax.set_xlabel("h")
    ax.set_ylabel("error")
    ax.set_title("Taylor test")
    ax.legend()
    if plotFile:
        fig.savefig(plotFile, dpi=100)
    return fig


def _vectorOrDraw(v, name, rng):
    """``v`` as a float array, or a standard normal array when ``v`` is a shape (a tuple)."""
    if not isinstance(v, tuple):
        return asFloatArray(v, name)
    if not all(isinstance(d, numbers.Integral) and not isinstance(d, bool) and d > 0 for d in v):
        raise TypeError(f"{name} given as a shape must be a tuple of positive integers, got {v!r}")
    return rng.standard_normal(v)


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

    Notes
    -----
    Holds exactly in exact arithmetic; the course's test fails above 1e-12 in
    float64 (relErr only).
    """
    checkCallable(J, "J")
    checkCallable(Jt, "Jt")
    rng = asRng(rng)
    v, u = _vectorOrDraw(v, "v", rng), _vectorOrDraw(u, "u", rng)
    Jv = asFloatArray(callUser(J, "J(v)", v), "J(v)")
    Jtu = asFloatArray(callUser(Jt, "Jt(u)", u), "Jt(u)")
    if Jv.size != u.size or Jtu.size != v.size:
        raise ValueError(f"J(v) has {Jv.size} entries and u {u.size}; Jt(u) has {Jtu.size} "
                         f"entries and v {v.size}: they must agree")
    Jv, Jtu = _shapedLike(Jv, u, "J(v)", "u"), _shapedLike(Jtu, v, "Jt(u)", "v")
    a = np.vdot(u.ravel("F"), Jv.ravel("F"))
    t = np.vdot(Jtu.ravel("F"), v.ravel("F"))
    if not (np.isfinite(a) and np.isfinite(t)):
        raise ValueError(f"u'(J v) = {a} and v'(Jt u) = {t} overflowed: rescale v and u")
    relErr = float(abs(a - t) / max(abs(a), abs(t), np.finfo(np.float64).tiny))
    eps = np.finfo(np.result_type(Jv.dtype, Jtu.dtype, np.float32)).eps
    if tol is None:
        tol = 1e4 * eps
        norms = max(np.linalg.norm(u) * np.linalg.norm(Jv), np.linalg.norm(v) * np.linalg.norm(Jtu))
        passed = relErr <= tol or abs(a - t) <= NORM_TOL * eps * norms
    elif asScalar(tol, "tol") <= 0:
        raise ValueError(f"tol must be positive, got {tol!r}")
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
