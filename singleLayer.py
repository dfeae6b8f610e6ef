"""A single layer of the lecture, Z = sigma(Y K + b), and its Jacobian mat-vecs.

Slides "Computing Jacobians" and "Class Problems: Derivatives of Single Layer":

    Z = sigma(Y K + b)                                   (n x m)
    J_vec(K) v  = vec( sigma'(Y K + b) .* (Y mat(v)) )
    J_vec(K)' u = vec( Y' (sigma'(Y K + b) .* mat(u)) )
    J_b v       = vec( sigma'(Y K + b) ) v               (b is a scalar)
    J_b' u      = sum( sigma'(Y K + b) .* mat(u) )
    J_vec(Y) v  = vec( sigma'(Y K + b) .* (mat(v) K) )
    J_vec(Y)' u = vec( (sigma'(Y K + b) .* mat(u)) K' )

None of the Kronecker products diag(sigma') (I kron Y) is ever formed: each
mat-vec is one matrix product and one elementwise product.
"""

import numpy as np

from nnutils import (
    allFinite,
    asFloatArray,
    asScalar,
    asShaped,
    callActivation,
    checkCols,
    checkFinite,
    commonDtype,
    finiteResult,
    getActivation,
    vec,
)


def singleLayer(K, b, Y, act="tanh", doDerivative=True, checkInputs=True):
    """Evaluate one layer and return closures for its Jacobian mat-vecs.

    MATLAB: ``[Z,JKt,Jbt,JYt,JK,Jb,JY] = singleLayer(K,b,Y)``.

    Parameters
    ----------
    K : array_like, nf x m
        Weights.
    b : float
        Bias, added to every entry.
    Y : array_like, n x nf
        Examples in rows.
    act : callable or str, default "tanh"
        Activation ``act(X) -> A, dA`` (see ``tanhActivation``).
    doDerivative : bool, default True
        If False, return ``Z`` and six ``None`` (sigma' is not computed).
    checkInputs : bool, default True
        False is for callers that have checked K, b and Y themselves (finite
        float arrays of one dtype, b a scalar of it; Y may hold NaN/inf, found
        through Y K + b, which they make non-finite), e.g.
        ``singleLayerNNObjFun``: no pass over Y, and the closures skip the
        finiteness pass over their results (the caller checks what it returns
        from them).

    Returns
    -------
    Z : ndarray, n x m
        ``sigma(Y K + b)``.
    JKt, Jbt, JYt : callables
        Transposed mat-vecs ``u -> J' u``. ``u`` is n x m or its vec;
        ``JKt(U)`` is nf x m, ``Jbt(U)`` a scalar, ``JYt(U)`` n x nf.
    JK, Jb, JY : callables
        Mat-vecs ``v -> J v``. ``JK(V)`` takes V nf x m (or its vec),
        ``Jb(v)`` a scalar, ``JY(V)`` V n x nf (or its vec); each returns n x m.
        ``JK(V, vb=vb)`` is ``J_K v + J_b vb`` in one pass,
        ``sigma' .* (Y mat(v) + vb)``.
        ``JKt(U, overwrite=True)`` and ``JYt(U, overwrite=True)`` write
        sigma' .* U over U (a temporary the caller no longer needs): no n x m
        temporary.

    Notes
    -----
    float32 inputs stay float32; integers become float64. Same outputs as the
    course's ``singleLayer.m``, whose closures return vectors where ours return
    arrays shaped like the result (``vec`` of ours is theirs).
    """
    if checkInputs:
        K = asFloatArray(K, "K", ndim=2)
        Y = asFloatArray(Y, "Y", ndim=2)
        checkCols(Y, K.shape[0], "Y", "K.shape[0]")
        dtype = commonDtype(K, Y)
        K, Y = K.astype(dtype, copy=False), Y.astype(dtype, copy=False)
        b = asScalar(b, "b", dtype)
    dtype = Y.dtype
    act = getActivation(act)
    (n, nf), m = Y.shape, K.shape[1]

    YKb = Y @ K
    YKb += b                                   # Y K + b, the bias added in place
    if not allFinite(YKb):                     # a NaN or inf in Y also ends here (checkInputs=False)
        asFloatArray(Y, "Y")                   # raises if Y itself is not finite ...
        checkFinite(YKb, "Y K + b", "K, b or Y")   # ... else Y K + b overflowed
    Z, dA = callActivation(act, YKb, doDerivative, overwrite=True)   # sigma(Y K + b), over Y K + b
    if not doDerivative:
        return Z, None, None, None, None, None, None
    checked = finiteResult(data="K, b or Y") if checkInputs else (lambda f: f)

    def sigmaPrimeTimes(U, overwrite):  # sigma' .* mat(u), written over U if overwrite
        U = asShaped(U, (n, m), "U", dtype)
        return np.multiply(dA, U, out=U if overwrite else None)

    @checked
    def JK(V, vb=None):  # J_K v = sigma' .* (Y mat(v));  J_K v + J_b vb = sigma' .* (Y mat(v) + vb)
        YV = Y @ asShaped(V, (nf, m), "V", dtype)
        if vb is not None:
            YV += asScalar(vb, "vb (the v of J_b v)", dtype)
        return np.multiply(dA, YV, out=YV)     # sigma' .* (...), in place

    @checked
    def JKt(U, overwrite=False):  # J_K' u = Y' (sigma' .* mat(u))
        return Y.T @ sigmaPrimeTimes(U, overwrite)

    @checked
    def Jb(v):  # J_b v = sigma' v
        return dA * asScalar(v, "v", dtype)

    @checked
    def Jbt(U):  # J_b' u = sum(sigma' .* mat(u))
        return np.vdot(dA, asShaped(U, (n, m), "U", dtype))

    @checked
    def JY(V):  # J_Y v = sigma' .* (mat(v) K)
        return dA * (asShaped(V, (n, nf), "V", dtype) @ K)

    @checked
    def JYt(U, overwrite=False):  # J_Y' u = (sigma' .* mat(u)) K'
        return sigmaPrimeTimes(U, overwrite) @ K.T

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
    print(f"vec(JKt(U)) == JKt(vec(U)): {np.array_equal(vec(JKt(U)), vec(JKt(vec(U))))}")
