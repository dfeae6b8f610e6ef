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

which is symmetric positive semi-definite.
"""

import numbers

import numpy as np

from crossEntropy import checkProbabilities, crossEntropy
from nnutils import (
    asFloatArray,
    callRegularizer,
    checkFinite,
    checkRows,
    commonDtype,
    finiteResult,
    getActivation,
    mat,
    vec,
)
from singleLayer import singleLayer


def xLength(nf, m, nc, bias=False):
    """len(x) for x = [K(:); b; W(:)]: nf*m + 1 + m*nc, or nf*m + 1 + (m+1)*nc with the classifier bias."""
    return nf * m + 1 + (m + 1 if bias else m) * nc


def checkXLength(x, nf, m, nc, bias, where=""):
    """Raise unless the vector x has the length of [K(:); b; W(:)] for these sizes."""
    nx = xLength(nf, m, nc, bias)
    if x.size != nx or x.ndim > 2 or (x.ndim == 2 and x.shape[1] != 1):
        formula = f"nf*m + 1 + {'(m+1)' if bias else 'm'}*nc = {nf}*{m} + 1 + {m + bias}*{nc} = {nx}"
        hint = ""
        if x.size == xLength(nf, m, nc, not bias):
            hint = (f": its length is the one {'without' if bias else 'with'} the classifier bias; "
                    f"pass bias={not bias}")
        raise ValueError(f"x must be a vector of length {formula}{where}, got shape {x.shape}{hint}")


def splitX(x, nf, m, nc, bias=False):
    """Split ``x = [K(:); b; W(:)]`` into K (nf x m), b and W (views of an array x).

    W is m x nc, or (m+1) x nc with ``bias=True`` (its last row the classifier bias).
    """
    for name, size in (("nf", nf), ("m", m), ("nc", nc)):
        if isinstance(size, (bool, np.bool_)) or not isinstance(size, numbers.Integral) or size < 1:
            raise TypeError(f"{name} must be a positive integer, got {size!r}")
    if not isinstance(bias, (bool, np.bool_)):
        raise TypeError(f"bias must be True or False, got {bias!r}")
    x = x if isinstance(x, np.ndarray) else asFloatArray(x, "x")     # arrays pass as they are: hot path
    if x.ndim != 1:
        raise ValueError(f"x must be a vector (1-D), got shape {x.shape}")
    checkXLength(x, nf, m, nc, bias)
    K = mat(x[:nf * m], (nf, m))
    b = x[nf * m]
    W = mat(x[nf * m + 1:], (m + 1 if bias else m, nc))
    return K, b, W


def singleLayerNNObjFun(x, Y, C, m, act="tanh", doDerivative=True, reg=None, hessian="full",
                        bias=False):
    """Cross entropy of the single-layer network, its gradient and Gauss-Newton Hessian.

    MATLAB: ``[Ec,dE,H] = singleLayerNNObjFun(x,Y,C,m)``.

    Parameters
    ----------
    x : array_like, length nf*m + 1 + m*nc, or nf*m + 1 + (m+1)*nc with ``bias=True``
        Unknowns ``[K(:); b; W(:)]`` (column-major ``vec``, as MATLAB's ``(:)``).
        W is m x nc, or (m+1) x nc with the classifier bias.
    Y : array_like, n x nf
        Examples in rows.
    C : array_like, n x nc
        Class probabilities of the examples.
    m : int
        Width of the layer (number of columns of K).
    act : callable or str, default "tanh"
        Activation (see ``singleLayer``).
    doDerivative : bool, default True
        False evaluates the loss only and returns ``Ec, None, None``: no
        sigma', no gradient products. Use it where only the value is needed,
        e.g. ``singleLayerNNObjFun(x, Y, C, m, doDerivative=False)[0]`` in
        landscape plots; it costs about half a full call.
    reg : callable, optional
        Regulariser ``x -> (Rc, dR, d2R)`` on the whole x, e.g.
        ``lambda x: genTikhonov(x, lam=1e-3)`` for the slide's alpha R(W, K, b):
        Rc is added to Ec, dR to dE and d2R(v) to H(v).
    bias : bool, default False
        True: W has m+1 rows, the last one the classifier bias, added to
        every row of S (every course example trains with it).
    hessian : "full" or "course", default "full"
        "full": the Gauss-Newton Hessian ``J' (Hess_S E) J`` over all unknowns.
        "course": the course's ``singleLayerNNObjFun.m`` H, block-diagonal
        (no coupling between (K, b) and W) with the shift 1e-5 of its
        ``softMax.m`` Hessians: ``blkdiag(J_Kb' (Hess_Z E + 1e-5 I) J_Kb,
        Hess_W E + 1e-5 I)``. For comparisons with the course; "full"
        converges faster (see the tests).

    Returns
    -------
    Ec : float
        The cross entropy (plus Rc when ``reg`` is given).
    dE : ndarray, length len(x)
        Gradient ``[grad_K E(:); grad_b E; grad_W E(:)]``.
    H : callable
        ``v -> J' (Hess_S E) J v``, the Gauss-Newton Hessian mat-vec on vectors
        of length len(x): symmetric positive semi-definite.

    Notes
    -----
    The course's ``singleLayerNNObjFun.m`` returns a block-diagonal
    approximation of this Hessian (it drops the coupling between (K, b) and W)
    plus a shift ``1e-5*v``; ours is the full Gauss-Newton Hessian over all
    unknowns with no shift. On the slides' inverse crime it reaches a lower loss
    in the same number of Newton-CG iterations.
    """
    Y = asFloatArray(Y, "Y", ndim=2, allowNonFinite=True)   # NaN/inf in Y: found in Y K + b by singleLayer
    C = asFloatArray(C, "C", ndim=2)
    checkRows(C, Y.shape[0], "C", "Y.shape[0]")
    checkProbabilities(C)
    if isinstance(m, (bool, np.bool_)) or not isinstance(m, numbers.Integral) or m < 1:
        raise TypeError(f"m must be a positive integer (the width of the layer), got {m!r}")
    nf, nc, m = Y.shape[1], C.shape[1], int(m)
    x = asFloatArray(x, "x", ndim=(1, 2))
    if not isinstance(bias, (bool, np.bool_)):
        raise TypeError(f"bias must be True or False, got {bias!r}")
    checkXLength(x, nf, m, nc, bias, f" (nf = Y.shape[1], nc = C.shape[1], m = {m})")
    if hessian not in ("full", "course"):
        raise ValueError(f"hessian must be 'full' or 'course', got {hessian!r}")
    nx = x.size
    dtype = commonDtype(x, Y, C)
    x, Y, C = vec(x).astype(dtype, copy=False), Y.astype(dtype, copy=False), C.astype(dtype, copy=False)
    K, b, W = splitX(x, nf, m, nc, bias)

    # K, b, Y, C checked above: singleLayer and crossEntropy skip their checks, we check dE and H(v)
    Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(K, b, Y, getActivation(act), doDerivative, checkInputs=False)
    WZ, w0 = W[:m], (W[m] if bias else None)   # W = [WZ; w0'] with the classifier bias w0
    S = Z @ WZ if w0 is None else Z @ WZ + w0            # S = Z W, or [Z, 1] W with the bias
    checkFinite(S, "S = Z W", "x (its W part)")
    Ec, dES, d2ES = crossEntropy(S, C, doDerivative, checkInputs=False)
    if reg is not None:                # + alpha R(W, K, b)
        Rc, dR, d2R = callRegularizer(reg, x)
        Ec = Ec + Rc
    if not doDerivative:
        return Ec, None, None

    def throughW(U):                   # [Z, 1]' U: grad_W of S = [Z, 1] W
        return Z.T @ U if w0 is None else np.vstack([Z.T @ U, U.sum(axis=0)])

    dEZ = dES @ WZ.T                   # 1. grad_Z E = grad_S E W'
    dEb = Jbt(dEZ)                     # 3. grad_b E = J_b' grad_Z E
    dEK = JKt(dEZ, overwrite=True)     # 2. grad_K E = J_K' grad_Z E  (writes sigma' .* grad_Z E over dEZ)
    dEW = throughW(dES)                # 4. grad_W E = Z' grad_S E
    dE = np.concatenate([vec(dEK), [dEb], vec(dEW)])
    checkFinite(dE, "grad E (through grad_Z E = grad_S E W')", "x (its W part) or Y")  # inf/NaN reach dE
    if reg is not None:
        dE = dE + dR

    def splitV(v):
        v = asFloatArray(v, "v", ndim=(1, 2))
        if v.size != nx or (v.ndim == 2 and v.shape[1] != 1):
            raise ValueError(f"v must be a vector of length len(x) = {nx}, got shape {v.shape}")
        return v, splitX(vec(v).astype(dtype, copy=False), nf, m, nc, bias)

    def timesW(V):                     # [Z, 1] V: the change of S for a change V of W
        return Z @ V[:m] if w0 is None else Z @ V[:m] + V[m]

    @finiteResult
    def H(v):  # Gauss-Newton: J' (Hess_S E) J v
        v, (vK, vb, vW) = splitV(v)
        JZv = JK(vK, vb=vb)                        # J_K vK + J_b vb = sigma' .* (Y vK + vb), one pass
        dS = JZv @ WZ + timesW(vW)                 # J v = (J_K vK + J_b vb) W + Z vW: the change of S
        U = d2ES(dS)                               # Hess_S E [J v]
        dZ = U @ WZ.T                              # J' U, through Z ...
        Hb = Jbt(dZ)                               # (J_b' dZ before JKt writes sigma' .* dZ over dZ)
        Hv = np.concatenate([vec(JKt(dZ, overwrite=True)), [Hb], vec(throughW(U))])  # ... and through W
        return Hv if reg is None else Hv + d2R(v)

    @finiteResult
    def Hcourse(v):  # the course's: blkdiag(J_Kb' (Hess_Z E + 1e-5 I) J_Kb, Hess_W E + 1e-5 I)
        v, (vK, vb, vW) = splitV(v)
        JZv = JK(vK, vb=vb)                        # J_Kb v = J_K vK + J_b vb
        dZ = d2ES(JZv @ WZ) @ WZ.T + 1e-5 * JZv    # (Hess_Z E + 1e-5 I) J_Kb v
        Hb = Jbt(dZ)
        HW = throughW(d2ES(timesW(vW))) + 1e-5 * vW  # (Hess_W E + 1e-5 I) vW
        Hv = np.concatenate([vec(JKt(dZ, overwrite=True)), [Hb], vec(HW)])
        return Hv if reg is None else Hv + d2R(v)

    return Ec, dE, (H if hessian == "full" else Hcourse)


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    n, nf, nc, m = 200, 5, 3, 4
    Y = rng.standard_normal((n, nf))
    C = np.eye(nc)[rng.integers(nc, size=n)]
    x = 0.1 * rng.standard_normal(nf * m + 1 + m * nc)
    Ec, dE, H = singleLayerNNObjFun(x, Y, C, m)
    v = rng.standard_normal(x.size)
    print(f"E = {Ec:.15f}, |grad E| = {np.linalg.norm(dE):.6e}")
    def E(x):
        return singleLayerNNObjFun(x, Y, C, m, doDerivative=False)[0]
    print(f"directional derivative dE' v = {dE @ v:+.10f};  "
          f"central difference = {(E(x + 1e-6 * v) - E(x - 1e-6 * v)) / 2e-6:+.10f}")
    print(f"v' H v = {v @ H(v):.6e} >= 0 (Gauss-Newton is positive semi-definite)")
