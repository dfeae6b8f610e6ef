"""The course's generalised Tikhonov regulariser: the alpha R(W, K, b) of slide "Learning the Weights".

    R(x)      = 0.5 lambda || L x ||^2
    grad R    = lambda L' L x
    Hess R v  = lambda L' L v                 (R is quadratic: this Hessian is exact)

As in the course's ``genTikhonov.m``, L may act on the columns of ``mat(x)``:
if L has q columns and len(x) = q k, then x is read as the q x k matrix
X = mat(x) and ||L x||^2 means ||L X||_F^2 (L applied to every column). With
L the identity (the default) this is weight decay, 0.5 lambda ||x||^2.

Wired into the objective:
``singleLayerNNObjFun(x, Y, C, m, reg=lambda x: genTikhonov(x, lam=1e-3))``.
"""

import numbers

import numpy as np
import scipy.sparse as sp

from nnutils import asFloatArray, asScalar, asShaped, checkFinite, finiteResult, mat, vec


def _asOperator(L, nx):
    """L as a dense or sparse 2-D matrix whose number of columns divides nx; None for the identity."""
    if L is None:
        return None
    if sp.issparse(L):
        if L.ndim != 2 or L.dtype.kind not in "biuf":
            raise TypeError(f"L must be a real 2-D matrix, got a sparse {L.ndim}-D matrix of dtype {L.dtype}")
        if not np.isfinite(L.data).all():
            raise ValueError("L must be finite, got NaN/inf entries in the sparse matrix L")
        L = sp.csr_matrix(L, dtype=np.float64) if L.dtype.kind != "f" else sp.csr_matrix(L)
    elif isinstance(L, numbers.Real) and not isinstance(L, bool):
        L = asScalar(L, "L") * sp.eye(nx, format="csr")   # the course's L = 1
    else:
        L = asFloatArray(L, "L", ndim=2)
    q = L.shape[1]
    if nx % q != 0:
        raise ValueError(f"L must have len(x) = {nx} columns, or a number of columns that divides "
                         f"len(x) (L then acts on each column of mat(x)), got L with shape {L.shape}")
    return L


def genTikhonov(x, lam=1.0, L=None):
    """Generalised Tikhonov regulariser ``0.5 lam ||L x||^2``, its gradient and Hessian mat-vec.

    MATLAB: ``[Rc,dR,d2R] = genTikhonov(x,param)`` with ``param.lambda``, ``param.L``.

    Parameters
    ----------
    x : array_like, 1-D (or any shape, read as its vec)
        The unknowns, e.g. ``[K(:); b; W(:)]``.
    lam : float, default 1.0
        Regularisation parameter lambda >= 0 (the slide's alpha).
    L : None, float, array_like or scipy.sparse matrix, default None
        Regularisation operator. None is the identity; a number s means
        ``s * I`` (the course's ``L = 1``); a q x q' matrix with q' = len(x)
        or q' dividing len(x) (then applied to each column of the
        q' x (len(x)/q') matrix ``mat(x)``).

    Returns
    -------
    Rc : float
        ``0.5 lam ||L x||^2``.
    dR : ndarray, shape of x
        ``lam L' L x``.
    d2R : callable
        ``v -> lam L' L v`` for v shaped like x (or its vec); returns the shape of x.

    Notes
    -----
    The course's ``genTikhonov.m`` requires L and returns ``dR`` as a column
    vector; ours defaults L to the identity and returns arrays shaped like x.
    """
    x = asFloatArray(x, "x")
    lam = asScalar(lam, "lam", x.dtype)
    if lam < 0:
        raise ValueError(f"lam must be >= 0 (the regularisation parameter), got {lam!r}")
    L = _asOperator(L, x.size)
    shape = x.shape
    X = vec(x) if L is None else mat(vec(x), (L.shape[1], x.size // L.shape[1]))

    def LtL(V):  # L' L V (columnwise when L acts on the columns of mat(x))
        return V if L is None else np.asarray(L.T @ (L @ V), dtype=x.dtype)

    LX = X if L is None else np.asarray(L @ X, dtype=x.dtype)
    Rc = 0.5 * lam * np.vdot(LX, LX)               # R = 0.5 lam ||L x||^2
    dR = np.reshape(vec(lam * LtL(X)), shape)      # grad R = lam L' L x

    @finiteResult
    def d2R(v):  # Hess R v = lam L' L v
        V = vec(asShaped(v, shape, "v", x.dtype))
        V = V if L is None else mat(V, X.shape)
        return np.reshape(vec(lam * LtL(V)), shape)

    checkFinite(np.append(dR, Rc), "R(x) = 0.5 lam ||L x||^2 or its gradient", "x, lam or L")
    return Rc, dR, d2R


if __name__ == "__main__":
    x = np.array([3.0, 4.0, 0.0])
    Rc, dR, d2R = genTikhonov(x, lam=0.1)
    print(f"R(x) = 0.5*0.1*||[3, 4, 0]||^2 = {Rc} (expected 1.25), grad R = {dR} (expected 0.1 x)")
    D = np.array([[-1.0, 1.0, 0.0], [0.0, -1.0, 1.0]])   # first differences
    Rc, dR, d2R = genTikhonov(x, lam=1.0, L=D)
    print(f"with L = first differences: R = 0.5*(1^2 + 4^2) = {Rc} (expected 8.5), "
          f"Hess R e1 = {d2R(np.array([1.0, 0, 0]))} (expected D' D e1 = [1, -1, 0])")
