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


def splitX(x, nf, m, nc):
    """Split ``x = [K(:); b; W(:)]`` into K (nf x m), b and W (m x nc) (views of an array x)."""
    for name, size in (("nf", nf), ("m", m), ("nc", nc)):
        if isinstance(size, (bool, np.bool_)) or not isinstance(size, numbers.Integral) or size < 1:
            raise TypeError(f"{name} must be a positive integer, got {size!r}")
    x = x if isinstance(x, np.ndarray) else asFloatArray(x, "x")     # arrays pass as they are: hot path
    if x.ndim != 1 or x.size != nf * m + 1 + m * nc:
        raise ValueError(f"x must be a vector of length nf*m + 1 + m*nc = {nf}*{m} + 1 + {m}*{nc} "
                         f"= {nf * m + 1 + m * nc}, got shape {x.shape}")
    K = mat(x[:nf * m], (nf, m))
    b = x[nf * m]
    W = mat(x[nf * m + 1:], (m, nc))
    return K, b, W


def singleLayerNNObjFun(x, Y, C, m, act="tanh", doDerivative=True, reg=None):
    """Cross entropy of the single-layer network, its gradient and Gauss-Newton Hessian.

    MATLAB: ``[Ec,dE,H] = singleLayerNNObjFun(x,Y,C,m)``.

    Parameters
    ----------
    x : array_like, length nf*m + 1 + m*nc
        Unknowns ``[K(:); b; W(:)]`` (column-major ``vec``, as MATLAB's ``(:)``).
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
    nx = nf * m + 1 + m * nc
    if x.size != nx or (x.ndim == 2 and x.shape[1] != 1):
        raise ValueError(f"x must be a vector of length nf*m + 1 + m*nc = {nf}*{m} + 1 + {m}*{nc} "
                         f"= {nx} (nf = Y.shape[1], nc = C.shape[1], m = {m}), got shape {x.shape}")
    dtype = commonDtype(x, Y, C)
    x, Y, C = vec(x).astype(dtype, copy=False), Y.astype(dtype, copy=False), C.astype(dtype, copy=False)
    K, b, W = splitX(x, nf, m, nc)

    # K, b, Y, C checked above: singleLayer and crossEntropy skip their checks, we check dE and H(v)
    Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(K, b, Y, getActivation(act), doDerivative, checkInputs=False)
    S = checkFinite(Z @ W, "S = Z W", "x (its W part)")
    Ec, dES, d2ES = crossEntropy(S, C, doDerivative, checkInputs=False)
    if reg is not None:                # + alpha R(W, K, b)
        Rc, dR, d2R = callRegularizer(reg, x)
        Ec = Ec + Rc
    if not doDerivative:
        return Ec, None, None

    dEZ = dES @ W.T                    # 1. grad_Z E = grad_S E W'
    dEb = Jbt(dEZ)                     # 3. grad_b E = J_b' grad_Z E
    dEK = JKt(dEZ, overwrite=True)     # 2. grad_K E = J_K' grad_Z E  (writes sigma' .* grad_Z E over dEZ)
    dEW = Z.T @ dES                    # 4. grad_W E = Z' grad_S E
    dE = np.concatenate([vec(dEK), [dEb], vec(dEW)])
    checkFinite(dE, "grad E (through grad_Z E = grad_S E W')", "x (its W part) or Y")  # inf/NaN reach dE
    if reg is not None:
        dE = dE + dR

    @finiteResult
    def H(v):  # Gauss-Newton: J' (Hess_S E) J v
        v = asFloatArray(v, "v", ndim=(1, 2))
        if v.size != nx or (v.ndim == 2 and v.shape[1] != 1):
            raise ValueError(f"v must be a vector of length len(x) = {nx}, got shape {v.shape}")
        vK, vb, vW = splitX(vec(v).astype(dtype, copy=False), nf, m, nc)
        JZv = JK(vK, vb=vb)                        # J_K vK + J_b vb = sigma' .* (Y vK + vb), one pass
        dS = JZv @ W + Z @ vW                      # J v = (J_K vK + J_b vb) W + Z vW: the change of S
        U = d2ES(dS)                               # Hess_S E [J v]
        dZ = U @ W.T                               # J' U, through Z ...
        Hb = Jbt(dZ)                               # (J_b' dZ before JKt writes sigma' .* dZ over dZ)
        Hv = np.concatenate([vec(JKt(dZ, overwrite=True)), [Hb], vec(Z.T @ U)])  # ... and through W
        return Hv if reg is None else Hv + d2R(v)

    return Ec, dE, H


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
