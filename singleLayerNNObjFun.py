"""Loss of the single-layer network of the lecture, its gradient and Gauss-Newton Hessian.

Slide "Putting Things Together": with x = [K(:); b; W(:)],

    E(K, b, W) = E(Z W, C),   Z = sigma(Y K + b)
    (+ alpha R(W, K, b) of slide "Learning the Weights" when a regulariser is given)

    1. grad_Z E = grad_S E(S) W',   S = Z W
    2. grad_K E = J_K' grad_Z E
    3. grad_b E = J_b' grad_Z E
    4. grad_W E = Z' grad_S E(S)      (the slide prints Y'; it is Z', since S = Z W)

Slide "Gauss-Newton Method": drop the second-order term of sigma and keep

    H = J' (Hess_S E) J,    J v = (J_K vK + J_b vb) W + Z vW     (the Jacobian of S)

which is symmetric positive semi-definite. (The inputs are checked once, on
entry: ``singleLayer`` and ``crossEntropy`` trust them when called from here.)
"""

import numpy as np

from crossEntropy import crossEntropy
from singleLayer import singleLayer
from support.checks import checkedBy, checkObjective, checkSplitX, xLength  # noqa: F401 (xLength for users)
from support.fastOps import blasThreadsBySize, examplesInParallel
from support.vecmat import mat, vec

COURSE_SHIFT = 1e-5   # the shift the course's softMax.m adds to its Hessian mat-vecs


@blasThreadsBySize   # small problems: one BLAS thread
@checkedBy(checkObjective)
@examplesInParallel  # large problems: the examples split over the cores (E is a mean over them)
def singleLayerNNObjFun(x, Y, C, m, act="tanh", doDerivative=True, reg=None, hessian="full", bias=False,
                        probabilities=True):
    """``[Ec,dE,H] = singleLayerNNObjFun(x,Y,C,m)``: cross entropy of the network, gradient, Gauss-Newton H.

    Parameters
    ----------
    x : array_like, length nf*m + 1 + m*nc (nf*m + 1 + (m+1)*nc with ``bias=True``)
        Unknowns ``[K(:); b; W(:)]`` (column-major ``vec``, as MATLAB's ``(:)``).
    Y : array_like, n x nf
        Examples in rows.
    C : array_like, n x nc
        Class probabilities of the examples (rows sum to 1).
    m : int
        Width of the layer (number of columns of K).
    act : callable or str, default "tanh"
        Activation (see ``singleLayer``).
    doDerivative : bool, default True
        False returns ``Ec, None, None``: no sigma', no gradient (about half the work).
    reg : callable, optional
        Regulariser ``x -> (Rc, dR, d2R)`` on the whole x, e.g.
        ``lambda x: genTikhonov(x, lam=1e-3)`` for the slide's alpha R(W, K, b).
    hessian : "full" or "course", default "full"
        "full": the Gauss-Newton Hessian ``J' (Hess_S E) J`` over all unknowns.
        "course": the course's ``singleLayerNNObjFun.m`` Hessian, block-diagonal
        (no coupling between (K, b) and W) with the 1e-5 shift of its
        ``softMax.m``: ``blkdiag(J_Kb' (Hess_Z E + 1e-5 I) J_Kb, Hess_W E + 1e-5 I)``.
    bias : bool, default False
        True: W is (m+1) x nc, its last row the classifier bias, S = [Z, 1] W
        (every course example trains with it).
    probabilities : bool, default True
        False accepts any non-negative C (see ``crossEntropy``).

    Returns
    -------
    Ec : float
        The cross entropy (plus Rc when ``reg`` is given).
    dE : ndarray, length len(x)
        Gradient ``[grad_K E(:); grad_b E; grad_W E(:)]``.
    H : callable
        ``v -> H v`` on vectors of length len(x): symmetric positive semi-definite.

    The course's file takes examples in columns (Y nf x n, C nc x n, its own
    K m x nf and W nc x (m+1) in x) and returns the block-diagonal H
    (``hessian="course"`` here); with CG given room the full H converges faster.
    An x in the course's layout has our length and runs without an error (any
    vector of that length is an x): map it first, ``xFromCourse`` in
    crosscheck/courseLayout.py (its K and W blocks transposed).
    """
    (n, nf), nc = Y.shape, C.shape[1]
    K, b, W = splitX(x, nf, m, nc, bias)                 # x = [K(:); b; W(:)]
    Z, JKt, Jbt, _, JK, Jb, _ = singleLayer(K, b, Y, act, doDerivative)   # Z = sigma(Y K + b)
    if bias:
        Z = np.column_stack([Z, np.ones(n, Z.dtype)])         # [Z, 1]: the classifier bias multiplies a 1
    WZ = W[:m]                                                # the rows of W that multiply Z
    S = Z @ W                                                 # S = Z W
    Ec, dES, d2ES = crossEntropy(S, C, doDerivative)     # E(Z W, C)
    if reg is not None:
        Rc, dR, d2R = reg(x)                                  # + alpha R(W, K, b)
        Ec = Ec + Rc
    if not doDerivative:
        return Ec, None, None

    dEZ = dES @ WZ.T                                          # 1. grad_Z E = grad_S E W'
    dEK = JKt(dEZ)                                            # 2. grad_K E = J_K' grad_Z E
    dEb = Jbt(dEZ)                                            # 3. grad_b E = J_b' grad_Z E
    dEW = Z.T @ dES                                           # 4. grad_W E = Z' grad_S E
    dE = np.concatenate([vec(dEK), [dEb], vec(dEW)])
    if reg is not None:
        dE = dE + dR

    def H(v):  # Gauss-Newton: J' (Hess_S E) J v
        vK, vb, vW = splitX(v, nf, m, nc, bias)
        U = d2ES((JK(vK) + Jb(vb)) @ WZ + Z @ vW)   # Hess_S E [J v],  J v = (J_K vK + J_b vb) W + Z vW
        dZ = U @ WZ.T                                         # J' U: through Z to K and b, ...
        Hv = np.concatenate([vec(JKt(dZ)), [Jbt(dZ)], vec(Z.T @ U)])   # ... and to W
        return Hv if reg is None else Hv + d2R(v)

    def Hcourse(v):  # the course's: blkdiag(J_Kb' (Hess_Z E + 1e-5 I) J_Kb, Hess_W E + 1e-5 I)
        vK, vb, vW = splitX(v, nf, m, nc, bias)
        JZv = JK(vK) + Jb(vb)                                 # J_Kb v: the change of Z
        dZ = d2ES(JZv @ WZ) @ WZ.T + COURSE_SHIFT * JZv      # (Hess_Z E + 1e-5 I) J_Kb v
        HW = Z.T @ d2ES(Z @ vW) + COURSE_SHIFT * vW           # (Hess_W E + 1e-5 I) vW
        Hv = np.concatenate([vec(JKt(dZ)), [Jbt(dZ)], vec(HW)])
        return Hv if reg is None else Hv + d2R(v)

    return Ec, dE, H if hessian == "full" else Hcourse


@checkedBy(checkSplitX)
def splitX(x, nf, m, nc, bias=False):
    """``K, b, W = splitX(x, nf, m, nc)``: the parts of ``x = [K(:); b; W(:)]`` (views of x).

    K is nf x m, b a scalar, W m x nc, or (m+1) x nc with ``bias=True`` (its
    last row the classifier bias). The course's files split x inline.
    """
    K = mat(x[:nf * m], (nf, m))
    b = x[nf * m]
    W = mat(x[nf * m + 1:], (m + 1 if bias else m, nc))
    return K, b, W


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    n, nf, nc, m = 200, 5, 3, 4
    Y = rng.standard_normal((n, nf))
    C = np.eye(nc)[rng.integers(nc, size=n)]
    x = 0.1 * rng.standard_normal(xLength(nf, m, nc))
    Ec, dE, H = singleLayerNNObjFun(x, Y, C, m)
    v = rng.standard_normal(x.size)
    print(f"E = {Ec:.15f}, |grad E| = {np.linalg.norm(dE):.6e}")

    def E(x):
        return singleLayerNNObjFun(x, Y, C, m, doDerivative=False)[0]

    print(f"directional derivative dE' v = {dE @ v:+.10f};  "
          f"central difference = {(E(x + 1e-6 * v) - E(x - 1e-6 * v)) / 2e-6:+.10f}")
    print(f"v' H v = {v @ H(v):.6e} >= 0 (Gauss-Newton is positive semi-definite)")
