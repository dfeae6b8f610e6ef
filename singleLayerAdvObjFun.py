"""The adversarial example of the lecture's last slide: fool a trained single layer.

Slide "Experiment: Adversarial Example": with K, b, W trained, find a small
perturbation d of an example y that makes the network predict a chosen class c_hat,

    min_d  E( sigma((y + d)' K + b) W, c_hat )  +  R(d)

(one example per row of Y; R a regulariser on d, e.g. genTikhonov). With
S = sigma((Y + D) K + b) W and J_Y the Jacobian of singleLayer w.r.t. its input:

    grad_d E = J_Y' ( grad_S E  W' )                      (+ grad R)
    H v      = J_Y' ( Hess_S E [ (J_Y v) W ]  W' )         (+ Hess R v)

H is the Gauss-Newton Hessian (the second derivative of sigma dropped, as on
slide "Gauss-Newton Method"): symmetric positive semi-definite, exact when
sigma is linear. Constraints (slide: "think about constraints"): a box on d,
e.g. |d_i| <= eps or lo <= y + d <= hi, is kept by a projected search, as
steepestDescent's ``param["P"] = lambda d: np.clip(d, -eps, eps)``.
"""

import numpy as np

from crossEntropy import crossEntropy
from nnutils import (
    asFloatArray,
    asScalar,
    asShaped,
    callRegularizer,
    checkCols,
    checkFinite,
    checkRows,
    checkWRows,
    commonDtype,
    mat,
    vec,
)
from singleLayer import singleLayer


def singleLayerAdvObjFun(d, Y, K, b, W, C, act="tanh", reg=None, doDerivative=True, bias=False):
    """Loss of the perturbed examples Y + d against the desired classes C, gradient and GN Hessian in d.

    MATLAB: ``[Ec,dE,H] = singleLayerAdvObjFun(Y,K,b,W,C,paramSL,paramRegKb)``.

    Parameters
    ----------
    d : array_like, shape of Y or its vec (length n*nf)
        The perturbation (the unknown).
    Y : array_like, n x nf, or a vector of length nf (one example, the slide's y)
        The examples to perturb.
    K : array_like, nf x m
    b : float
    W : array_like, m x nc, or (m+1) x nc with ``bias=True`` (last row the classifier bias)
        The trained network.
    C : array_like, n x nc, or a vector of length nc
        Desired class probabilities c_hat (one-hot for "predict class j").
    act : callable or str, default "tanh"
        Activation (see ``singleLayer``).
    reg : callable, optional
        Regulariser on d, ``vec(d) -> (Rc, dR, d2R)``, e.g.
        ``lambda d: genTikhonov(d, lam=1e-2)``.
    doDerivative : bool, default True
        False returns ``Ec, None, None``.
    bias : bool, default False
        True: the last row of W is the classifier bias (see ``softMax``).

    Returns
    -------
    Ec : float
        Cross entropy of ``sigma((Y + d) K + b) W`` against C (plus Rc).
    dE : ndarray, shape of d
        Gradient w.r.t. d.
    H : callable
        ``v -> H v`` for v shaped like d (or its vec), returns the shape of d:
        the Gauss-Newton Hessian, symmetric positive semi-definite.

    Notes
    -----
    The course's ``singleLayerAdvObjFun.m`` takes the perturbed example itself
    as the unknown, uses columns as examples, and returns a Hessian handle that
    fails when called (it refers to undefined variables); ours takes the
    perturbation d and returns a working Gauss-Newton Hessian.
    """
    Y = asFloatArray(Y, "Y", ndim=(1, 2))
    C = asFloatArray(C, "C", ndim=(1, 2))
    Y, C = np.atleast_2d(Y), np.atleast_2d(C)
    K = asFloatArray(K, "K", ndim=2)
    W = asFloatArray(W, "W", ndim=2)
    checkCols(Y, K.shape[0], "Y", "K.shape[0]")
    m = K.shape[1]
    checkWRows(W, m, bias, "K.shape[1]")
    checkRows(C, Y.shape[0], "C", "Y.shape[0]")
    checkCols(C, W.shape[1], "C", "W.shape[1]")
    d = asFloatArray(d, "d")
    if d.size != Y.size or d.ndim > 2 or (d.ndim == 2 and d.shape != Y.shape and d.shape != (Y.size, 1)):
        raise ValueError(f"d must have the shape of Y {Y.shape} or be its vec of length {Y.size}, "
                         f"got shape {d.shape}")
    dtype = commonDtype(d, Y, K, W, C)
    Y, K, W, C = (A.astype(dtype, copy=False) for A in (Y, K, W, C))
    b = asScalar(b, "b", dtype)
    D = mat(vec(d).astype(dtype, copy=False), Y.shape)

    Z, _, _, JYt, _, _, JY = singleLayer(K, b, Y + D, act, doDerivative)   # sigma((y + d)' K + b)
    WZ = W[:m]                                           # W = [WZ; w0'] with the classifier bias w0
    S = checkFinite(Z @ WZ + W[m] if bias else Z @ WZ, "S = Z W", "W")
    Ec, dES, d2ES = crossEntropy(S, C, doDerivative)
    if reg is not None:                                  # + R(d)
        Rc, dR, d2R = callRegularizer(reg, vec(D))
        Ec = Ec + Rc
    if not doDerivative:
        return Ec, None, None

    dE = vec(JYt(dES @ WZ.T))                            # grad_d E = J_Y' (grad_S E W')
    if reg is not None:
        dE = dE + dR

    def H(v):  # Gauss-Newton: J_Y' (Hess_S E [(J_Y v) W]) W')
        V = asShaped(v, Y.shape, "v", dtype)
        Hv = vec(JYt(d2ES(JY(V) @ WZ) @ WZ.T))
        if reg is not None:
            Hv = Hv + d2R(vec(V))
        return np.reshape(Hv, d.shape, order="F")

    return Ec, np.reshape(dE, d.shape, order="F"), H


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    nf, m, nc = 10, 8, 3
    K, b, W = rng.standard_normal((nf, m)), 0.1, rng.standard_normal((m, nc))
    y = rng.standard_normal(nf)
    S = np.tanh(y @ K + b) @ W
    target = int(np.argmin(S))                            # the least likely class
    Ec, dE, H = singleLayerAdvObjFun(np.zeros(nf), y, K, b, W, np.eye(nc)[target])
    v = rng.standard_normal(nf)
    def E(d):
        return singleLayerAdvObjFun(d, y, K, b, W, np.eye(nc)[target], doDerivative=False)[0]
    print(f"E(d = 0) = {Ec:.6f} for target class {target};  dE' v = {dE @ v:+.10f}, "
          f"central difference {(E(1e-6 * v) - E(-1e-6 * v)) / 2e-6:+.10f}")
    print(f"v' H v = {v @ H(v):.4e} >= 0 (Gauss-Newton)")
