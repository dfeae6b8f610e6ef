"""The verdict, table and plot of ``checkDerivative``'s Taylor test, and how it reads what fun returns.

The Taylor test itself is in ``checkDerivative.py``. Here: when does a table of

    E0(h) = ||f(x + h v) - f(x)||,   E1(h) = ||f(x + h v) - f(x) - h J v||

say that J is right? E1 must fall like h^2 (halving h divides it by 4:
"order 2") until it reaches the rounding noise of f. The rules, each tested
in ``tests/test_checkDerivative.py`` on
right and deliberately wrong derivatives:

- the noise floor is PLATEAU x the plateau E1 reaches at the smallest h, kept
  within [NOISE_MIN, NOISE] x eps (|f(x)| + |f(x + h v)|) (above that only
  when the plateau is flat: noise the model underestimates);
- pass when the order of E1 is >= ORDER_MIN for the last LAST_PAIRS pairs of
  consecutive steps above the noise;
- with no order to measure, pass only if E1 stays at the noise for every h
  below some h_k while the noise is under LINEAR x E0(h_k): f is linear at that
  scale and J v matches its difference quotient.
"""

import numpy as np

from support.checks import asFloatArray, callUser

ORDER_MIN = 1.8    # the observed order of E1 that counts as "2"
NOISE = 100        # E1 below NOISE * eps * (|f(x)| + |f(x + h v)|) is rounding noise ...
NOISE_MIN = 3      # ... or below PLATEAU x the rounding plateau E1 reaches at the smallest h,
PLATEAU = 10       #     when that is lower, but never below NOISE_MIN * eps * (|f(x)| + |f(x + h v)|)
PLATEAU_STEPS = 8  # the rounding plateau: the largest E1 of the 8 smallest h
LINEAR = 1e-3      # no order measurable: E1 at the noise for all h <= h_k, noise < LINEAR * E0(h_k)
LAST_PAIRS = 3     # the verdict reads the orders of this many smallest usable steps


# ------------------------------------------------------------------ what fun returns
def shapedLike(A, f0, name, what="f = fun(x0)[0]"):
    """``A`` (finite) with the shape of ``f0``, accepting its vec; else a ValueError naming ``name``."""
    A = asFloatArray(A, name)
    if A.shape == f0.shape:
        return A
    if A.size == f0.size and (A.ndim <= 1 or f0.ndim <= 1):
        return np.reshape(A, f0.shape, order="F")
    raise ValueError(f"{name} must have the shape of {what} {f0.shape} (or be its vec), got shape {A.shape}")


def evaluateAt(fun, x0):
    """``f0, dF, d2F`` from ``fun(x0)`` (a tuple of 2 or more); d2F is None unless given with f scalar."""
    out = callUser(fun, "fun(x0)", x0)
    if not isinstance(out, tuple) or len(out) < 2:
        raise TypeError(f"fun(x) must return a tuple (f, dF) or (f, dF, d2F), got {type(out).__name__}")
    f0 = asFloatArray(out[0], "f = fun(x0)[0]")
    return f0, out[1], out[2] if len(out) > 2 and f0.size == 1 else None


def valueAlong(fun, f0):
    """``x -> fun(x)[0]``, checked to have the shape of f(x0) = ``f0``: the f of the Taylor table."""
    def f(x):
        where = "fun(x0 + h v)"
        return shapedLike(callUser(lambda x: fun(x)[0], where, x), f0, f"{where}[0]")
    return f


def checkedPair(J, Jt, v, u):
    """``J`` and ``Jt`` whose results are checked: J(v) shaped like u, Jt(u) shaped like v (or their vecs)."""
    def Jchecked(v):
        Jv = asFloatArray(callUser(J, "J(v)", v), "J(v)")
        if Jv.size != u.size:
            raise ValueError(f"J(v) has {Jv.size} entries and u {u.size}: they must agree")
        return shapedLike(Jv, u, "J(v)", "u")

    def Jtchecked(u):
        Jtu = asFloatArray(callUser(Jt, "Jt(u)", u), "Jt(u)")
        if Jtu.size != v.size:
            raise ValueError(f"Jt(u) has {Jtu.size} entries and v {v.size}: they must agree")
        return shapedLike(Jtu, v, "Jt(u)", "v")

    return Jchecked, Jtchecked


def applyDerivative(dF, f0, v, name="dF"):
    """J v for a derivative given as a closure, a gradient (f scalar) or a Jacobian matrix."""
    if callable(dF):
        return shapedLike(callUser(dF, f"{name}(v)", v), f0, f"{name}(v)")
    dF = asFloatArray(dF, name)
    if np.size(f0) == 1 and dF.size == v.size:   # gradient of a scalar function
        return np.reshape(np.vdot(dF, v), f0.shape)
    if dF.ndim == 2 and dF.shape == (np.size(f0), v.size):
        return np.reshape(dF @ np.reshape(v, -1, order="F"), np.shape(f0), order="F")
    raise ValueError(f"{name} must be a callable, a gradient with {v.size} entries or a "
                     f"{np.size(f0)} x {v.size} Jacobian, got shape {dF.shape}")


def hessianTimes(d2F, v):
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


# ------------------------------------------------------------------ the verdict
def orders(E, usable):
    """log2(E[k-1]/E[k]) for consecutive usable steps, NaN elsewhere."""
    order = np.full(E.shape, np.nan)
    both = usable[1:] & usable[:-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        order[1:][both] = np.log2(E[:-1][both] / E[1:][both])
    return order


def noiseFloor(E1, model):
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


def linearTail(table, usable, noise):
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


def verdict(table, scale, eps):
    """``passed, report`` from the Taylor table; ``report`` holds what ``printTable`` shows."""
    noise = noiseFloor(table[:, 2], eps * scale)
    usable = table[:, 2] > noise
    order1 = orders(table[:, 2], usable)
    last = order1[~np.isnan(order1)][-LAST_PAIRS:]
    if last.size:             # the order of E1 over the smallest usable steps
        passed, k = bool(np.all(last >= ORDER_MIN)), None
    else:                     # no order measurable: E1 must vanish into the noise with J v verified
        k, passed = linearTail(table, usable, noise)
    return passed, dict(noise=noise, usable=usable, order1=order1, last=last, k=k, passed=passed)


# ------------------------------------------------------------------ table and plot
def printTable(table, report):
    """Print the Taylor table as the course does, with the observed orders and the verdict."""
    noise, usable, order1, last = report["noise"], report["usable"], report["order1"], report["last"]
    hasE2 = table.shape[1] > 3
    columns = [orders(table[:, 1], table[:, 1] > noise), order1]
    if hasE2:
        columns.append(orders(table[:, 3], table[:, 3] > noise))
    names = ["E0", "E1", "E2"][:table.shape[1] - 1]
    print(f"{'h':>10} " + " ".join(f"{e:>10}" for e in names) + " "
          + " ".join(f"{'order ' + e:>9}" for e in names))
    for k, row in enumerate(table):
        errors = " ".join(f"{e:10.3e}" for e in row[1:])
        order = " ".join(f"{o[k]:9.2f}" for o in columns)
        print(f"{row[0]:10.3e} {errors} {order}" + ("" if usable[k] else "  (E1 at noise)"))
    if hasE2:
        o2 = columns[2][~np.isnan(columns[2])][-LAST_PAIRS:]
        if o2.size:
            print(f"order of E2 {np.array2string(o2, precision=2)}: 3 if the Hessian is exact, "
                  "2 for an approximation such as Gauss-Newton")
    if not last.size and report["passed"]:
        print(f"PASSED: E1 is at the rounding noise for every h <= {table[report['k'], 0]:.3g} "
              "(f is linear there and J v matches its difference quotient)")
    elif not last.size:
        print("FAILED: no order of E1 can be measured and J v is not verified at the noise "
              "(E0 too small); try another v or more steps")
    else:
        print(f"{'PASSED' if report['passed'] else 'FAILED'}: order of E1 over the last usable steps "
              f"{np.array2string(last, precision=2)} (need >= {ORDER_MIN})")


def plotTable(table, plotFile=None):
    """Log-log plot of E0, E1 (and E2) against h, with the slopes 1, 2 (and 3) they should follow."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 4.2))
    h = table[:, 0]
    labels = ["E0 (falls like h)", "E1 (like h^2 if J is right)",
              "E2 (like h^3 with the exact Hessian, h^2 with Gauss-Newton)"]
    for j, (label, order) in enumerate(zip(labels[:table.shape[1] - 1], (1, 2, 3))):
        line, = ax.loglog(h, table[:, j + 1], "o-", label=label)
        ref = table[0, j + 1] * (h / h[0]) ** order
        ax.loglog(h, ref, ":", color=line.get_color(), lw=1)
    ax.set_xlabel("step h")
    ax.set_ylabel("Taylor remainder (norm)")
    ax.set_title("Taylor test: E0 = O(h), E1 = O(h^2) if J is right\n(dotted: the slopes to expect)")
    ax.legend(loc="lower right", fontsize=8)
    if plotFile:
        fig.savefig(plotFile, dpi=100, bbox_inches="tight")
    return fig


if __name__ == "__main__":
    h = 2.0 ** -np.arange(1, 21)
    for name, E1 in (("right J (E1 = h^2)", h**2), ("wrong J (E1 = 0.01 h)", 0.01 * h)):
        table = np.column_stack([h, h, np.maximum(E1, 1e-16)])
        passed, report = verdict(table, np.full(h.size, 2.0), np.finfo(np.float64).eps)
        print(f"{name}: passed = {passed}, last orders {np.array2string(report['last'], precision=2)}")
