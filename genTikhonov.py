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

import numpy as np

from support.checks import checkedBy, checkGenTikhonov
from support.vecmat import mat


@checkedBy(checkGenTikhonov)
def genTikhonov(x, lam=1.0, L=None):
    """``[Rc,dR,d2R] = genTikhonov(x,param)``: 0.5 lam ||L x||^2, its gradient and Hessian mat-vec.

    Parameters
    ----------
    x : array_like, 1-D (or any shape, read as its vec)
        The unknowns, e.g. ``[K(:); b; W(:)]``.
    lam : float, default 1.0
        Regularisation parameter lambda >= 0 (the slide's alpha).
    L : None, float, array_like or scipy.sparse matrix, default None
        Regularisation operator. None is the identity; a number s means
        ``s * I`` (the course's ``L = 1``); a q x q' matrix with q' = len(x),
        or q' dividing len(x) (then applied to each column of the q' x (len(x)/q')
        matrix ``mat(x)``).

    Returns
    -------
    Rc : float
        ``0.5 lam ||L x||^2``.
    dR : ndarray, shape of x
        ``lam L' L x``.
    d2R : callable
        ``v -> lam L' L v`` for v shaped like x (or its vec); returns the shape of x.

    The course's ``genTikhonov.m`` takes ``param.L`` and ``param.lambda``,
    requires L and returns ``dR`` as a column vector.
    """
    X = mat(x, (L.shape[1], -1))                   # x as the matrix L acts on, column by column
    LX = L @ X
    Rc = 0.5 * lam * np.sum(LX * LX)               # R = 0.5 lam ||L x||^2
    dR = lam * (L.T @ LX)                          # grad R = lam L' L x
    d2R = lambda V: lam * (L.T @ (L @ mat(V, X.shape)))   # Hess R v = lam L' L v
    return Rc, dR, d2R


if __name__ == "__main__":
    x = np.array([3.0, 4.0, 0.0])
    Rc, dR, d2R = genTikhonov(x, lam=0.1)
    print(f"R(x) = 0.5*0.1*||[3, 4, 0]||^2 = {Rc:g} (expected 1.25), grad R = {dR} (expected 0.1 x)")
    D = np.array([[-1.0, 1.0, 0.0], [0.0, -1.0, 1.0]])   # first differences
    Rc, dR, d2R = genTikhonov(x, lam=1.0, L=D)
    print(f"with L = first differences: R = 0.5*(1^2 + 4^2) = {Rc:g} (expected 8.5), "
          f"Hess R e1 = {d2R(np.array([1.0, 0, 0]))} (expected D' D e1 = [1, -1, 0])")
