"""MATLAB's ``pcg`` (no preconditioner), as the course's ``newtoncg.m`` calls it: conjugate gradients.

    [x, flag, relres, iter] = pcg(A, b, tol, maxit)

solves A x = b for a symmetric positive (semi-)definite A, stopping when
||b - A x|| <= tol ||b|| or after maxit iterations. scipy's ``cg`` does the
work; what MATLAB (and Octave) add is the choice of the iterate returned when
CG stops unconverged: the one with the smallest residual, not the last. On the
ill-conditioned Gauss-Newton systems of the lecture that is often an early
iterate, which keeps Newton's steps short (see ``newtonCG``'s ``cgIterate``).
"""

import numpy as np
from scipy.sparse.linalg import LinearOperator, cg


def pcg(A, b, tol=1e-6, maxit=20, lastIterate=False):
    """``[x,flag,relres,iter] = pcg(A,b,tol,maxit)``: CG on A x = b, returned as MATLAB's pcg returns it.

    Parameters
    ----------
    A : LinearOperator, matrix or anything scipy's ``cg`` takes, n x n
        Symmetric positive semi-definite.
    b : ndarray, length n
    tol : float, default 1e-6
        Relative residual at which CG stops.
    maxit : int, default 20
        At most this many CG iterations.
    lastIterate : bool, default False
        Return the last CG iterate instead of MATLAB's choice (truncated
        Newton: CG's iterates decrease the quadratic model even where the
        residual grows).

    Returns
    -------
    x : ndarray, length n
        The iterate of smallest residual (MATLAB's rule; the later one on ties),
        or the last one with ``lastIterate``; zeros if no iterate beats x = 0.
    flag : int
        0 converged to tol, 1 stopped at maxit.
    relres : float
        ``||b - A x|| / ||b||`` of the returned x.
    iter : int
        The CG iteration that x comes from.
    """
    normB = np.linalg.norm(b)
    best = {"x": np.zeros_like(b), "res": normB, "iter": 0}      # x0 = 0, residual ||b||
    last = {"x": None, "iter": 0}

    def keepIfBest(x, res, k):  # MATLAB's rule: the smallest residual, the later one on ties
        if res <= best["res"]:
            best.update(x=x, res=res, iter=k)

    def callback(xk):
        last["x"], last["iter"] = xk.copy(), last["iter"] + 1

    def residualOfLastIterate(r):  # scipy hands every residual r_k to the preconditioner: M = identity
        if last["x"] is not None:
            keepIfBest(last["x"], np.linalg.norm(r), last["iter"])
        return r

    M = LinearOperator((b.size, b.size), matvec=residualOfLastIterate, dtype=b.dtype)
    x, info = cg(A, b, rtol=tol, atol=0.0, maxiter=maxit, M=M, callback=callback)
    if last["iter"] > 0:                   # the last iterate's residual never reached M
        lastRes = np.linalg.norm(b - A @ x)
        if lastIterate:
            return x, int(info != 0), lastRes / normB, last["iter"]
        keepIfBest(x, lastRes, last["iter"])
    return best["x"], int(info != 0), best["res"] / normB, best["iter"]


if __name__ == "__main__":
    A = np.diag([1.0, 2.0, 3.0])
    x, flag, relres, it = pcg(A, np.ones(3), 1e-10, 10)
    print(f"pcg(diag([1, 2, 3]), ones): x = {x} (expected [1, 1/2, 1/3]), flag {flag}, "
          f"relres {relres:.1e}, {it} iterations")
