"""The adversarial example of the lecture's last slide: fool a trained single layer.

Slide "Experiment: Adversarial Example": with K, b, W trained, find a small
perturbation d of an example y that makes the network predict a chosen class c_hat,

    min_d  E( sigma((y + d)' K + b) W, c_hat )  +  R(d)

(one example per row of Y; R a regulariser on d, e.g. genTikhonov). With
S = sigma((Y + D) K + b) W and J_Y the Jacobian of singleLayer w.r.t. its input:

    grad_d E = J_Y' grad_Z E,          grad_Z E = grad_S E W'          (+ grad R)
    H v      = J_Y' Hess_Z E [J_Y v],   Hess_Z E [V] = Hess_S E [V W] W'  (+ Hess R v)

H is the Gauss-Newton Hessian (the second derivative of sigma dropped, as on
slide "Gauss-Newton Method"): symmetric positive semi-definite, exact when
sigma is linear. Constraints (slide: "think about constraints"): a box on d,
e.g. |d_i| <= eps or lo <= y + d <= hi, is kept by a projected search, as
steepestDescent's ``param["P"] = lambda d: np.clip(d, -eps, eps)``.
"""

import numpy as np

from singleLayer import singleLayer
from softMax import softMax
from support.checks import checkAdversarial, checkedBy
from support.fastOps import blasThreadsBySize
from support.vecmat import mat, vec


@blasThreadsBySize(weights="K")   # small problems: one BLAS thread
@checkedBy(checkAdversarial)
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
    D = mat(d, Y.shape)                                          # the perturbation, shaped like Y
    Z, _, _, JYt, _, _, JY = singleLayer(K, b, Y + D, act, doDerivative)   # Z = sigma((y + d)' K + b)
    Ec, _, _, dEZ, d2EZ = softMax(W, Z, C, bias, doDerivative=doDerivative)   # E(Z W, c_hat)
    if reg is not None:
        Rc, dR, d2R = reg(vec(D))                                # + R(d)
        Ec = Ec + Rc
    if not doDerivative:
        return Ec, None, None

    dE = vec(JYt(dEZ))                                           # grad_d E = J_Y' grad_Z E
    if reg is not None:
        dE = dE + dR

    def H(v):  # Gauss-Newton: J_Y' Hess_Z E [J_Y v]
        Hv = vec(JYt(d2EZ(JY(mat(v, Y.shape)))))
        return Hv if reg is None else Hv + d2R(vec(v))

    return Ec, dE, H


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
