"""The course's column layout and ours, mapped in one place: every comparison goes through here.

The course's toolbox (NumDL-MATLAB) stores examples in columns; the slides, and
this project, in rows. Each matrix of one layout is the transpose of the other:

    quantity   ours (rows are examples)     the course (columns are examples)
    Y          n x nf                       nf x n
    K          nf x m                       m x nf
    Z          n x m                        m x n
    W          m x nc, (m+1) x nc (bias)    nc x m, nc x (m+1) (bias: its last column)
    C          n x nc                       nc x n

Both stack the unknowns as ``x = [K(:); b; W(:)]``, each with its own K and
W, so the two x are one fixed permutation P of each other,

    x_course = P x_ours,    P = blkdiag(T(nf, m), 1, T(mW, nc)),

where T(r, c) is the permutation with vec(A') = T vec(A) for an r x c matrix A
(the commutation matrix). A function of x in the course's layout, f_c, is
ours through f(x) = f_c(P x); with P' P = I its derivatives map as

    grad f(x) = P' grad f_c(P x)          (like x itself)
    H v       = P' H_c (P v)               (a Hessian mat-vec)

Nothing here knows which function is compared: ``toCourse``/``fromCourse``
handle a matrix (the course's closures often return its vec), the other
functions the stacked vectors.
"""

import numpy as np


def toCourse(A):
    """Our matrix (examples in rows) as the course stores it (examples in columns): its transpose."""
    A = np.asarray(A, dtype=float)
    if A.ndim != 2:
        raise ValueError(f"toCourse maps a matrix, got shape {A.shape}")
    return np.asfortranarray(A.T)


def fromCourse(a, shape):
    """The course's matrix, or its vec ``a(:)``, as ours of ``shape`` (our rows x cols).

    The course's matrix is shape[::-1]; a vector is read column-major (MATLAB's
    ``reshape``). Any other size is an error naming both shapes.
    """
    a = np.asarray(a, dtype=float)
    rows, cols = shape
    if a.shape == (cols, rows):
        return a.T
    if a.size == rows * cols and (a.ndim <= 1 or (a.ndim == 2 and 1 in a.shape)):   # oct2py: 1 x 1 -> scalar
        return a.reshape((cols, rows), order="F").T
    raise ValueError(f"the course's array has shape {a.shape}; expected {(cols, rows)} (ours {shape} "
                     "transposed) or its vec")


def vecPermutation(rows, cols):
    """The indices p with ``vec(A') = vec(A)[p]`` for a rows x cols matrix A (column-major vec)."""
    position = np.arange(rows * cols).reshape((rows, cols), order="F")   # where A[i, j] sits in vec(A)
    return position.T.reshape(-1, order="F")


def xPermutation(nf, m, nc, bias=False):
    """The indices p with ``x_course = x_ours[p]`` for ``x = [K(:); b; W(:)]``.

    W has m rows in ours, or m+1 with the classifier bias (``bias=True``).
    """
    mW = m + 1 if bias else m
    return np.concatenate([vecPermutation(nf, m), [nf * m], nf * m + 1 + vecPermutation(mW, nc)])


def inversePermutation(p):
    """The indices q with ``a[p][q] = a``."""
    q = np.empty_like(p)
    q[p] = np.arange(p.size)
    return q


def _checkedVector(x, p, name):
    x = np.asarray(x, dtype=float).reshape(-1, order="F")
    if x.size != p.size:
        raise ValueError(f"{name} must have {p.size} entries for these sizes, got {x.size}")
    return x


def xToCourse(x, nf, m, nc, bias=False):
    """Our ``[K(:); b; W(:)]`` as the course's (its own K m x nf and W nc x mW)."""
    p = xPermutation(nf, m, nc, bias)
    return _checkedVector(x, p, "x")[p]


def xFromCourse(xc, nf, m, nc, bias=False):
    """The course's ``[K(:); b; W(:)]``, or a gradient in its layout, as ours: ``P' xc``."""
    p = xPermutation(nf, m, nc, bias)
    return _checkedVector(xc, p, "the course's x")[inversePermutation(p)]


def gradientFromCourse(gc, nf, m, nc, bias=False):
    """The gradient of f_c at P x as the gradient of f(x) = f_c(P x): ``P' gc`` (maps like x)."""
    return xFromCourse(gc, nf, m, nc, bias)


def hessianFromCourse(Hc, nf, m, nc, bias=False):
    """The course's Hessian mat-vec ``Hc`` (on its x) as ours: ``v -> P' Hc(P v)``."""
    p = xPermutation(nf, m, nc, bias)
    q = inversePermutation(p)
    return lambda v: np.asarray(Hc(_checkedVector(v, p, "v")[p]), dtype=float).reshape(-1, order="F")[q]


def hessianToCourse(H, nf, m, nc, bias=False):
    """Our Hessian mat-vec ``H`` as one on the course's x: ``vc -> P H(P' vc)``."""
    p = xPermutation(nf, m, nc, bias)
    q = inversePermutation(p)
    return lambda vc: np.asarray(H(_checkedVector(vc, p, "vc")[q]), dtype=float).reshape(-1, order="F")[p]
