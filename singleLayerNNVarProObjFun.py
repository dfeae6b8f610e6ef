"""Variable projection (VarPro) for the single layer: eliminate the classifier W, optimise over (K, b).

The loss of slide "Learning the Weights" is convex in W for fixed (K, b) (a
linear softmax classifier on the features Z), and non-convex only in (K, b).
VarPro solves for W inside the objective and leaves the outer optimiser the
reduced problem in x = [K(:); b] alone:

    W(K, b)  = argmin_W  E(Z W, C) + R_W(W),     Z = sigma(Y K + b)     (inner Newton-CG, from W = 0)
    Phi(K, b) = E(Z W(K, b), C) + R_W(W(K, b)) + R_Kb(K, b)

Gradient. By the chain rule, grad Phi = grad_Kb E + (dW/dKb)' grad_W (E + R_W)
+ grad R_Kb, and grad_W (E + R_W) = 0 at the inner minimiser, so

    grad Phi = J_Kb' grad_Z E(Z W(K, b)) + grad R_Kb,     J_Kb v = J_K vK + J_b vb

the gradient of the full objective in (K, b) with W = W(K, b) held fixed; dW/dKb
is never needed. Hessian (the course's): the Gauss-Newton Hessian in (K, b)
with W held fixed,

    H v = J_Kb' Hess_Z E [J_Kb v] + Hess R_Kb v

symmetric positive semi-definite. It is not the Gauss-Newton Hessian of Phi,
which subtracts the coupling through W (a Schur complement
H_KbKb - H_KbW H_WW^-1 H_WKb): it overestimates the curvature, so the steps
are conservative.

Accuracy. The formula for grad Phi holds at the exact inner minimiser. The
inner Newton-CG stops after maxIter iterations with a gradient g_W left: the
W it returns is a smooth function of x (for fixed line-search decisions), and
the value Phi~ computed with it differs from Phi by O(|g_W|^2), but dE (which
drops (dW/dKb)' g_W) differs from the derivative of Phi~ by O(|g_W|). A Taylor
test of dE therefore measures

    E1(h) = |Phi~(x + h v) - Phi~(x) - h dE' v|  ~  c h^2 + eps h,   eps ~ |g_W|

order 2 only while c h^2 dominates, down to h ~ eps / c, and order 1 below,
however right the formula. A tight inner solve (g_W at rounding) gives order 2
down to the rounding of Phi; a loose one raises the level. On 100 Peaks
points (m = 8), eps/|g_W| measured 3 to 6 for 2, 4 and 6 inner iterations
(``tests/test_singleLayerNNVarProObjFun.py``). The course's default inner solve (20 iterations,
CG to 1e-5) is tight there; on harder problems it need not be.
"""

from functools import partial

import numpy as np

from classObjFun import solveClassObjFun
from newtonCG import CHOICES, DEFAULTS
from singleLayer import singleLayer
from softMax import softMax
from support.checks import checkedBy
from support.checksVarPro import checkVarPro
from support.fastOps import blasThreadsBySize
from support.vecmat import mat, vec


@blasThreadsBySize   # small problems: one BLAS thread
@checkedBy(partial(checkVarPro, newton=(DEFAULTS, CHOICES)))   # paramCl: newtonCG's
def singleLayerNNVarProObjFun(x, Y, C, m, paramCl=None, act="tanh", regKb=None, regW=None, hessianShift=0.0,
                              courseValue=False, bias=True):
    """``[Ec,dE,H] = singleLayerNNVarProObjFun(x,Y,C,m,paramCl,paramSL,paramRegKb,paramRegW)``: Phi(K, b).

    Parameters
    ----------
    x : array_like, length nf*m + 1
        ``[K(:); b]`` (column-major vec); W is not part of x, it is solved for.
    Y : array_like, n x nf
        Examples in rows.
    C : array_like, n x nc
        Class probabilities (rows sum to 1).
    m : int
        Width of the layer.
    paramCl : dict, optional
        ``newtonCG``'s param for the inner solve over W, on top of the course's
        VarPro script's ``maxIter=20, tolCG=1e-5, maxIterCG=30`` (silent).
        Its accuracy is the accuracy of dE (module docstring).
    act : callable or str, default "tanh"
        Activation (see ``singleLayer``).
    regKb : callable, optional
        Regulariser on x = [K(:); b], ``x -> (Rc, dR, d2R)`` (the course's ``paramRegKb``).
    regW : callable, optional
        Regulariser on vec(W) in the inner problem (the course's ``paramRegW``),
        e.g. ``lambda w: genTikhonov(w, 1e-10)``.
    hessianShift : float, default 0
        Added times V to the cross entropy's Hessian mat-vecs, in the inner
        solve and in H (the course's ``softMax.m``: 1e-5).
    courseValue : bool, default False
        True returns the course's value, which leaves R_W(W(K, b)) out of Ec
        while dE is the gradient with it (so with a regW its Taylor test
        fails by the change of R_W; negligible for the course's lambda = 1e-10).
    bias : bool, default True
        The classifier bias (the course's VarPro always uses it: W is (m+1) x nc).

    Returns
    -------
    Ec : float
        ``Phi(K, b)``.
    dE : ndarray, length nf*m + 1
        ``grad Phi`` as the module docstring derives it (exact only at the exact W(K, b)).
    H : callable
        ``v -> H v``, the Gauss-Newton Hessian in (K, b) with W fixed: symmetric PSD.

    The course's file (Y nf x n, C nc x n, its K m x nf in x) takes paramSL for
    the activation, structs for genTikhonov as its regularisers, and always
    adds 1e-5 v to the Hessians (``hessianShift=1e-5`` here).
    """
    nf = Y.shape[1]
    K, b = mat(x[:nf * m], (nf, m)), x[nf * m]                          # x = [K(:); b]
    Z, JKt, Jbt, _, JK, Jb, _ = singleLayer(K, b, Y, act, True)    # Z = sigma(Y K + b)
    W, _ = solveClassObjFun(Z, C, paramCl, regW, bias, hessianShift)   # W(K, b) = argmin E + R_W
    Ec, _, _, dEZ, d2EZ = softMax(W, Z, C, bias, hessianShift)     # E(Z W(K, b), C)
    if regW is not None and not courseValue:
        Ec = Ec + regW(vec(W))[0]                                       # + R_W(W(K, b))
    dE = np.concatenate([vec(JKt(dEZ)), [Jbt(dEZ)]])                    # grad Phi = J_Kb' grad_Z E
    d2R = None
    if regKb is not None:
        Rc, dR, d2R = regKb(x)                                          # + R_Kb(K, b)
        Ec, dE = Ec + Rc, dE + dR

    def H(v):  # Gauss-Newton in (K, b), W fixed: J_Kb' Hess_Z E [J_Kb v]
        U = d2EZ(JK(mat(v[:nf * m], (nf, m))) + Jb(v[nf * m]))        # Hess_Z E [J_K vK + J_b vb]
        Hv = np.concatenate([vec(JKt(U)), [Jbt(U)]])                    # J_Kb' U
        return Hv if d2R is None else Hv + d2R(v)

    return Ec, dE, H


if __name__ == "__main__":
    from checkDerivative import adjointTest, checkDerivative

    rng = np.random.default_rng(0)
    n, nf, nc, m = 100, 5, 3, 6
    Y = rng.standard_normal((n, nf))
    C = np.eye(nc)[rng.integers(nc, size=n)]
    x = rng.standard_normal(nf * m + 1)
    tight = {"maxIter": 50, "tolCG": 1e-12, "maxIterCG": 100, "gradTol": 1e-13}

    def genTikhonovW(w):
        from genTikhonov import genTikhonov
        return genTikhonov(w, 1e-2)

    def fun(x):
        return singleLayerNNVarProObjFun(x, Y, C, m, tight, regW=genTikhonovW)

    Ec, dE, H = fun(x)
    print(f"Phi(K, b) = {Ec:.12f}, |grad Phi| = {np.linalg.norm(dE):.6e} (inner solve to 1e-13)")
    print("Taylor test of grad Phi (E2 stays order 2: H is Gauss-Newton with W fixed):")
    checkDerivative(fun, x, rng=rng, nSteps=14)
    ok, err = adjointTest(H, H, (x.size,), (x.size,), rng=rng)
    print(f"H symmetric: u'(H v) = v'(H u) to {err:.1e} ({'PASSED' if ok else 'FAILED'})")
