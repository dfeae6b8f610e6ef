"""newtonCG's options beyond the course: the adaptive forcing term and the last CG iterate."""

import numpy as np
import pytest
from scipy.sparse.linalg import cg

import newtonCG as newtonCGModule
from newtonCG import forcingTerm, newtonCG
from singleLayer import singleLayer
from singleLayerNNObjFun import singleLayerNNObjFun
from support.pcg import pcg


def illConditioned(n=60, seed=0, smallest=1e-6):
    """An SPD matrix with eigenvalues from ``smallest`` to 1 and a right-hand side."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = (Q * np.logspace(np.log10(smallest), 0, n)) @ Q.T
    return (A + A.T) / 2, rng.standard_normal(n)


def test_forcingTerm_is_min_half_sqrt_of_the_relative_gradient():
    assert forcingTerm(1.0, 1.0) == 0.5
    assert forcingTerm(4.0, 1.0) == 0.5
    assert forcingTerm(1e-2, 1.0) == pytest.approx(0.1, rel=1e-15)
    assert forcingTerm(1e-6, 1e-2) == pytest.approx(1e-2, rel=1e-15)


def test_adaptive_forcing_hands_eta_k_to_cg(monkeypatch):
    A, c = illConditioned(smallest=1e-2)
    tols = []

    def recordingPcg(H, b, tolCG, maxIterCG, lastIterate=False):
        tols.append(tolCG)
        return pcg(H, b, tolCG, maxIterCG, lastIterate)

    monkeypatch.setattr(newtonCGModule, "pcg", recordingPcg)
    quadratic = lambda x: (0.5 * x @ A @ x - c @ x, A @ x - c, A)  # noqa: E731
    _, his, _ = newtonCG(quadratic, np.zeros(c.size),
                         {"maxIter": 6, "forcing": "adaptive", "maxIterCG": 5, "verbose": False})
    normGrad = his["normGrad"]
    expected = np.minimum(0.5, np.sqrt(normGrad[:-1] / normGrad[0]))
    np.testing.assert_allclose(tols, expected, rtol=1e-15)
    assert tols[0] == 0.5 and min(tols) < 0.5      # loose first, tighter as the gradient drops


def test_default_keeps_the_course_tolerance(monkeypatch):
    A, c = illConditioned()
    tols = []
    def recordingPcg(H, b, tol, maxit, lastIterate=False):
        tols.append(tol)
        return pcg(H, b, tol, maxit, lastIterate)

    monkeypatch.setattr(newtonCGModule, "pcg", recordingPcg)
    newtonCG(lambda x: (0.5 * x @ A @ x - c @ x, A @ x - c, A), np.zeros(c.size),
             {"maxIter": 3, "verbose": False})
    assert tols == [1e-2] * 3


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


@pytest.mark.parametrize("entry, value", [("forcing", "fast"), ("forcing", 0.1), ("cgIterate", "best")])
def test_unknown_option_values_are_rejected_naming_the_entry(entry, value):
    with pytest.raises(ValueError, match=f"param\\['{entry}'\\]"):
        newtonCG(lambda x: (x @ x, 2 * x, 2 * np.eye(x.size)), np.ones(3), {entry: value, "verbose": False})


def test_adaptive_last_iterate_fits_the_inverse_crime_better_than_the_course_defaults():
    rng = np.random.default_rng(3)
    n, nf, nc, m = 500, 50, 10, 40                     # the slides' test problem
    Wtrue, Ktrue, Y = rng.standard_normal((m, nc)), rng.standard_normal((nf, m)), rng.standard_normal((n, nf))
    Cobs = np.exp(singleLayer(Ktrue, 0.1, Y)[0] @ Wtrue)
    Cobs /= Cobs.sum(axis=1, keepdims=True)
    Emin = -np.sum(Cobs * np.log(Cobs)) / n
    x0 = 0.1 * rng.standard_normal(nf * m + 1 + m * nc)
    fun = lambda x: singleLayerNNObjFun(x, Y, Cobs, m)  # noqa: E731
    common = {"maxIter": 25, "verbose": False, "storeIterates": False}
    _, course, _ = newtonCG(fun, x0, common)
    _, adaptive, _ = newtonCG(fun, x0, {**common, "forcing": "adaptive", "maxIterCG": 20,
                                        "cgIterate": "last"})
    assert adaptive["obj"][-1] - Emin < 0.5 * (course["obj"][-1] - Emin)
