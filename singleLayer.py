"""A single layer of the lecture, Z = sigma(Y K + b), and its Jacobian mat-vecs.

Slides "Computing Jacobians" and "Class Problems: Derivatives of Single Layer":

    Z = sigma(Y K + b)                                   (n x m)
    J_vec(K)' u = vec( Y' (sigma'(Y K + b) .* mat(u)) )
    J_b' u      = sum( sigma'(Y K + b) .* mat(u) )       (b is a scalar)
    J_vec(Y)' u = vec( (sigma'(Y K + b) .* mat(u)) K' )
    J_vec(K) v  = vec( sigma'(Y K + b) .* (Y mat(v)) )
    J_b v       = vec( sigma'(Y K + b) ) v
    J_vec(Y) v  = vec( sigma'(Y K + b) .* (mat(v) K) )

None of the Kronecker products diag(sigma') (I kron Y) is ever formed: each
mat-vec is one matrix product and one elementwise product.
"""

import numpy as np

from sinActivation import sinActivation
from smoothRelU import smoothRelU
from support.checks import checkedBy, checkSingleLayer
from support.fastOps import blasThreadsBySize
from support.vecmat import mat
from tanhActivation import tanhActivation

COURSE_ACTIVATIONS = (tanhActivation, sinActivation, smoothRelU)   # act may also name one: "sine"


@blasThreadsBySize   # small layers: one BLAS thread
@checkedBy(checkSingleLayer)
def singleLayer(K, b, Y, act=tanhActivation, doDerivative=True):
    """``[Z,JKt,Jbt,JYt,JK,Jb,JY] = singleLayer(K,b,Y)``: Z = sigma(Y K + b) and its Jacobian mat-vecs.

    Parameters
    ----------
    K : array_like, nf x m
        Weights.
    b : float
        Bias, added to every entry.
    Y : array_like, n x nf
        Examples in rows.
    act : callable or str, default tanhActivation
        Activation ``act(X, doDerivative) -> A, dA``: ``tanhActivation``,
        ``sinActivation``, ``smoothRelU`` (or their names "tanh", "sine",
        "smoothRelu"), or a function of your own (its outputs are checked).
    doDerivative : bool, default True
        False returns ``Z`` and six ``None`` (sigma' is not computed).

    Returns
    -------
    Z : ndarray, n x m
        ``sigma(Y K + b)``.
    JKt, Jbt, JYt : callables
        ``u -> J' u`` for u n x m (or its vec); ``JKt(U)`` is nf x m,
        ``Jbt(U)`` a scalar, ``JYt(U)`` n x nf.
    JK, Jb, JY : callables
        ``v -> J v`` for v nf x m, a scalar, n x nf (or their vecs); each returns n x m.

    The course's ``singleLayer.m`` has examples in columns: called as
    ``singleLayer(K', b, Y')`` it returns Z' and closures that take the
    transpose of our argument (or its vec) and return the transpose of our result:

        course JKt(U') = (our JKt(U))'     m x nf
        course Jbt(U') =  our Jbt(U)       a scalar
        course JYt(U') = (our JYt(U))'     nf x n
        course JK(V')  = (our JK(V))'      m x n    (V nf x m)
        course Jb(v)   = (our Jb(v))'      m x n    (v a scalar)
        course JY(V')  = (our JY(V))'      m x n    (V n x nf)

    ``vec`` of ours is not theirs: the course's ``JKt(U(:))`` reads U(:) as
    an m x n matrix, which is not U'. crosscheck/README.md ("Cross-check one
    closure by hand") has the lines to paste into Octave and Python.
    """
    (n, nf), m = Y.shape, K.shape[1]
    Z, dA = act(Y @ K + b, doDerivative)                       # Z = sigma(Y K + b), dA = sigma'(Y K + b)
    if not doDerivative:
        return Z, None, None, None, None, None, None

    JKt = lambda U: Y.T @ (dA * mat(U, (n, m)))        # J_K' u = Y' (sigma' .* mat(u))
    Jbt = lambda U: np.vdot(dA, mat(U, (n, m)))        # J_b' u = sum(sigma' .* mat(u))
    JYt = lambda U: (dA * mat(U, (n, m))) @ K.T        # J_Y' u = (sigma' .* mat(u)) K'
    JK = lambda V: dA * (Y @ mat(V, (nf, m)))          # J_K v = sigma' .* (Y mat(v))
    Jb = lambda v: dA * v                              # J_b v = sigma' v
    JY = lambda V: dA * (mat(V, (n, nf)) @ K)          # J_Y v = sigma' .* (mat(v) K)
    return Z, JKt, Jbt, JYt, JK, Jb, JY


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    n, nf, m = 5, 3, 4
    K, b, Y = rng.standard_normal((nf, m)), 0.1, rng.standard_normal((n, nf))
    Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(K, b, Y)
    print(f"Z = tanh(Y K + b) has shape {Z.shape}, Z[0] = {np.array2string(Z[0], precision=4)}")
    V, U = rng.standard_normal((nf, m)), rng.standard_normal((n, m))
    print(f"adjoint test  <U, JK(V)> = {np.vdot(U, JK(V)):+.15f}")
    print(f"              <JKt(U), V> = {np.vdot(JKt(U), V):+.15f}")
