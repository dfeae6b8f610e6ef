"""support/pcg.py, MATLAB's pcg for newtonCG: the least-residual iterate, the tolerance, the last iterate."""

import numpy as np
import pytest
from scipy.sparse.linalg import cg

from support.pcg import pcg


def cgIterates(A, b, k):
    """Plain CG, written out as a reference: all iterates x_0 = 0, ..., x_k and residual norms."""
    x, r = np.zeros_like(b), b.copy()
    p, xs, res = r.copy(), [np.zeros_like(b)], [np.linalg.norm(b)]
    for _ in range(k):
        alpha = (r @ r) / (p @ A @ p)
        x = x + alpha * p
        rNew = r - alpha * A @ p
        p = rNew + (rNew @ rNew) / (r @ r) * p
        r = rNew
        xs.append(x)
        res.append(np.linalg.norm(b - A @ x))
    return xs, np.array(res)


def test_pcg_returns_the_minimum_residual_iterate_like_matlab_pcg():
    rng = np.random.default_rng(6)
    Q = np.linalg.qr(rng.standard_normal((60, 60)))[0]
    A = Q @ np.diag(np.logspace(0, 5, 60)) @ Q.T          # ill-conditioned: residuals oscillate
    g = rng.standard_normal(60)
    xs, res = cgIterates(A, -g, 8)
    assert np.argmin(res) != 8, "the test needs a case where the last residual is not the smallest"
    s, flag, relres, it = pcg(A, -g, 1e-12, 8)
    assert flag == 1                                      # not converged in 8 steps
    best = len(res) - 1 - np.argmin(res[::-1])            # pcg prefers the later one on ties
    assert it == best
    np.testing.assert_allclose(s, xs[best], rtol=1e-8)
    np.testing.assert_allclose(relres, res[best] / np.linalg.norm(g), rtol=1e-6)


def test_pcg_on_convergence_returns_the_solution():
    A = np.diag([1.0, 2.0, 3.0])
    s, flag, relres, it = pcg(A, -np.ones(3), 1e-10, 10)
    np.testing.assert_allclose(s, -1 / np.diag(A))
    assert it == 3 and relres < 1e-10 and flag == 0


def illConditioned1e3(n=40, seed=0):
    rng = np.random.default_rng(seed)
    Q = np.linalg.qr(rng.standard_normal((n, n)))[0]
    return Q @ np.diag(np.logspace(0, 3, n)) @ Q.T, rng.standard_normal(n)


def test_pcg_stops_at_the_tolerance_it_is_given():
    A, c = illConditioned1e3()
    _, flagLoose, relLoose, itLoose = pcg(A, c, 1e-1, 100)
    _, flagTight, relTight, itTight = pcg(A, c, 1e-10, 100)
    assert flagLoose == 0 and relLoose <= 1e-1 and flagTight == 0 and relTight <= 1e-10
    assert itLoose < itTight


def illConditioned(n=60, seed=0, smallest=1e-6):
    """An SPD matrix with eigenvalues from ``smallest`` to 1 and a right-hand side."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = (Q * np.logspace(np.log10(smallest), 0, n)) @ Q.T
    return (A + A.T) / 2, rng.standard_normal(n)


def test_last_iterate_is_scipy_cg_and_pcg_rule_has_the_smaller_residual():
    A, c = illConditioned()
    s, _, relres, its = pcg(A, c, 1e-10, 7, lastIterate=True)
    sRef, info = cg(A, c, rtol=1e-10, atol=0.0, maxiter=7)
    assert info == 7 and its == 7
    np.testing.assert_allclose(s, sRef, rtol=0, atol=1e-14 * np.linalg.norm(sRef))
    assert relres == pytest.approx(np.linalg.norm(c - A @ s) / np.linalg.norm(c), rel=1e-12)
    sPcg, _, relresPcg, itsPcg = pcg(A, c, 1e-10, 7)
    assert relresPcg <= relres
    assert np.linalg.norm(c - A @ sPcg) / np.linalg.norm(c) == pytest.approx(relresPcg, rel=1e-12)


def test_a_tie_in_the_residual_returns_the_later_iterate():
    """A = diag(1, 0), b = [1, 1]: the first CG iterate [2, 2] has residual [-1, 1], exactly ||b||.

    The docstring promises the later iterate on a tie (MATLAB's pcg); catches ``<`` for ``<=``.
    """
    x, flag, relres, it = pcg(np.diag([1.0, 0.0]), np.ones(2), 1e-6, 1)
    assert np.array_equal(x, [2.0, 2.0]) and it == 1
    assert flag == 1 and relres == 1.0
