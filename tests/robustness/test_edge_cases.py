"""Numerical edge cases: extreme scores, saturated layers, degenerate C, tiny and huge problems.

- scores up to 1e300 and down to -1e300 give a finite E, gradient and Hessian mat-vec;
- a saturated tanh (|Y K + b| > 40, where tanh' underflows to 0) keeps every gradient finite;
- C with zeros, one-hot rows, a single class; ties in S;
- n = 1, nf = 1, m = 1, nc = 2 (and nc = 1) work, and so does n = 10^6;
- a class predicted with certainty: E = log1p(...) and the Hessian stay accurate.

Runtime target: < 10 s.
"""

import numpy as np
import pytest

from checkDerivative import adjointTest, checkDerivative
from crossEntropy import crossEntropy
from singleLayer import singleLayer
from singleLayerNNObjFun import singleLayerNNObjFun, splitX
from softMax import softMax
from support.vecmat import vec


def allFinite(*arrays):
    return all(np.isfinite(np.asarray(a, dtype=np.float64)).all() for a in arrays)


@pytest.mark.parametrize("big", [1e300, 1e200, 1e30])
def test_huge_scores_give_finite_E_gradient_and_hessian(big):
    S = np.array([[big, -big, 0.0], [-big, -big, big], [big, big, -big], [0.0, 0.0, 0.0]])
    C = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [1 / 3, 1 / 3, 1 / 3]])
    E, dES, d2ES = crossEntropy(S, C)
    assert allFinite(E, dES, d2ES(np.ones_like(S)), d2ES(np.arange(12.0).reshape(4, 3)))
    # E by hand: row 1 puts 0.3 on -2 big and 0.5 on -big, row 2 all on -2 big, row 3 on -2 big + log 2
    expected = (0.3 * 2 * big + 0.5 * big + 2 * big + 2 * big + np.log(2) + np.log(3)) / 4
    assert E == pytest.approx(expected, rel=1e-15)
    np.testing.assert_allclose(dES.sum(axis=1), 0, atol=1e-16)      # rows of P - C sum to 0


def test_huge_scores_in_float32_stay_float32_and_finite():
    S = np.array([[3e38, -3e38]], dtype=np.float32) / 2
    E, dES, d2ES = crossEntropy(S, np.array([[0.0, 1.0]], dtype=np.float32))
    assert E.dtype == np.float32 and dES.dtype == np.float32 and allFinite(E, dES, d2ES(dES))


def test_softmax_with_huge_weights_is_finite():
    rng = np.random.default_rng(0)
    Z, W = np.tanh(rng.standard_normal((5, 3))), 1e299 * rng.standard_normal((3, 4))
    C = np.eye(4)[rng.integers(4, size=5)]
    E, dEW, d2EW, dEZ, d2EZ = softMax(W, Z, C)
    assert allFinite(E, dEW, dEZ)
    for d2E, shape in [(d2EW, (3, 4)), (d2EZ, (5, 3))]:
        try:
            assert allFinite(d2E(np.ones(shape)))         # finite, or an error saying it overflowed
        except ValueError as err:
            assert "overflowed" in str(err)


@pytest.mark.parametrize("scale", [500.0, 1e4, 1e300])
def test_saturated_tanh_keeps_every_gradient_finite(scale):
    rng = np.random.default_rng(1)
    n, nf, m, nc = 6, 3, 4, 2
    Y = scale * rng.standard_normal((n, nf))
    C = np.eye(nc)[rng.integers(nc, size=n)]
    x = rng.standard_normal(nf * m + 1 + m * nc)
    K, b, W = splitX(x, nf, m, nc)
    assert (np.abs(Y @ K + b) > 40).mean() > 0.9                   # saturated: tanh' = 0 in float64
    Ec, dE, H = singleLayerNNObjFun(x, Y, C, m)
    v = rng.standard_normal(x.size)
    assert allFinite(Ec, dE, H(v))
    Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(K, b, Y)
    assert allFinite(JKt(Z), Jbt(Z), JYt(Z), JK(K), Jb(1.0), JY(Y / scale))
    # where the layer is saturated the objective is linear in W only: the Taylor test still passes
    passed, _ = checkDerivative(lambda x: singleLayerNNObjFun(x, Y, C, m)[:2], x, rng=2, verbose=False)
    assert passed


@pytest.mark.parametrize("kind", ["one-hot", "zeros", "one class", "uniform", "ties in S"])
def test_degenerate_C_and_S_work_and_pass_the_checks(kind):
    rng = np.random.default_rng(2)
    n, nc = 7, 4
    S = rng.standard_normal((n, nc))
    C = {"one-hot": np.eye(nc)[rng.integers(nc, size=n)],
         "zeros": np.eye(nc)[rng.integers(nc, size=n)] * 0.5 + np.eye(nc)[rng.integers(nc, size=n)] * 0.5,
         "one class": np.tile(np.eye(nc)[2], (n, 1)),
         "uniform": np.full((n, nc), 1 / nc),
         "ties in S": np.eye(nc)[rng.integers(nc, size=n)]}[kind]
    if kind == "ties in S":
        S[:, :] = S[:, :1]
    E, dES, d2ES = crossEntropy(S, C)
    assert allFinite(E, dES) and E >= 0
    assert checkDerivative(lambda S: crossEntropy(S, C), S, rng=3, verbose=False)[0]
    assert adjointTest(d2ES, d2ES, (n, nc), (n, nc), rng=4)[0]
    if kind == "ties in S":
        assert E == pytest.approx(np.log(nc), rel=1e-15)


def test_a_single_class_gives_zero_loss_and_zero_gradient():
    S = np.random.default_rng(5).standard_normal((4, 1))
    E, dES, d2ES = crossEntropy(S, np.ones((4, 1)))
    assert E == 0 and (dES == 0).all() and (d2ES(S) == 0).all()


@pytest.mark.parametrize("n, nf, m, nc", [(1, 1, 1, 2), (1, 5, 1, 2), (7, 1, 1, 2), (1, 1, 1, 1),
                                          (2, 3, 1, 5)])
def test_the_smallest_problems_work(n, nf, m, nc):
    rng = np.random.default_rng(6)
    Y = rng.standard_normal((n, nf))
    C = np.eye(nc)[rng.integers(nc, size=n)]
    x = rng.standard_normal(nf * m + 1 + m * nc)
    Ec, dE, H = singleLayerNNObjFun(x, Y, C, m)
    assert np.ndim(Ec) == 0 and dE.shape == x.shape and H(x).shape == x.shape
    assert checkDerivative(lambda x: singleLayerNNObjFun(x, Y, C, m)[:2], x, rng=7, verbose=False)[0]
    assert adjointTest(H, H, (x.size,), (x.size,), rng=8)[0]
    K, b, W = splitX(x, nf, m, nc)
    Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(K, b, Y)
    assert Z.shape == (n, m) and JKt(Z).shape == (nf, m) and JYt(Z).shape == (n, nf)


def test_a_million_examples():
    rng = np.random.default_rng(9)
    n, nf, m, nc = 10 ** 6, 2, 2, 2
    Y = rng.standard_normal((n, nf))
    C = np.eye(nc)[rng.integers(nc, size=n)]
    x = rng.standard_normal(nf * m + 1 + m * nc)
    Ec, dE, H = singleLayerNNObjFun(x, Y, C, m)
    parts = [singleLayerNNObjFun(x, Y[i:i + n // 4], C[i:i + n // 4], m) for i in range(0, n, n // 4)]
    assert Ec == pytest.approx(np.mean([p[0] for p in parts]), rel=1e-12)   # E is a mean over examples
    np.testing.assert_allclose(dE, np.mean([p[1] for p in parts], axis=0), rtol=1e-10, atol=1e-15)
    v = rng.standard_normal(x.size)
    np.testing.assert_allclose(H(v), np.mean([p[2](v) for p in parts], axis=0), rtol=1e-10, atol=1e-15)


def test_a_certain_prediction_keeps_E_and_the_hessian_accurate():
    """S = [0, -40]: p2 = e^-40 / (1 + e^-40); the loss of class 1 is log1p(e^-40), about 4e-18."""
    S, C = np.array([[0.0, -40.0]]), np.array([[1.0, 0.0]])
    E, dES, d2ES = crossEntropy(S, C)
    assert E == pytest.approx(np.log1p(np.exp(-40.0)), rel=1e-15)
    p2 = np.exp(-40.0) / (1 + np.exp(-40.0))
    V = np.array([[1.0, -2.0]])
    exact = (1 - p2) * p2 * (V[0, 0] - V[0, 1]) * np.array([[1.0, -1.0]])   # (diag(p) - p p') v
    np.testing.assert_allclose(d2ES(V), exact, rtol=1e-14)
    assert adjointTest(d2ES, d2ES, (1, 2), (1, 2), rng=0)[0]


def test_x_as_a_column_and_a_float32_Y_give_the_same_objective():
    rng = np.random.default_rng(10)
    n, nf, m, nc = 9, 3, 2, 3
    Y, C = rng.standard_normal((n, nf)), np.eye(nc)[rng.integers(nc, size=n)]
    x = rng.standard_normal(nf * m + 1 + m * nc)
    Ec, dE, _ = singleLayerNNObjFun(x, Y, C, m)
    Ec2, dE2, _ = singleLayerNNObjFun(x[:, None], Y, C, m)
    assert Ec2 == Ec and np.array_equal(dE2, dE)
    assert vec(dE2).shape == (x.size,)


def test_near_certainty_the_log1p_refinement_is_what_lets_a_student_check_the_gradient():
    """Why crossEntropy keeps log1p: at S = [0, -40] (a class predicted with certainty, as after
    training on separable data) E = log1p(e^-40), about 4e-18. The plain stable form,
    log(sum(exp(S - max))), rounds 1 + 4e-18 to 1 and returns E = 0 at and around S, so the
    Taylor test of a right gradient fails: E1 = h |J v| is order 1. The refined form passes."""
    S, C = np.array([[0.0, -40.0]]), np.array([[1.0, 0.0]])
    v = np.array([[0.3, -1.0]])

    def plain(S):  # the textbook stable form, with the same (right) gradient
        Sm = S - S.max(axis=1, keepdims=True)
        logP = Sm - np.log(np.exp(Sm).sum(axis=1, keepdims=True))
        return -np.sum(C * logP), np.exp(logP) - C

    assert plain(S)[0] == 0.0 and crossEntropy(S, C)[0] > 0
    assert not checkDerivative(plain, S, v=v, verbose=False)[0]
    assert checkDerivative(lambda S: crossEntropy(S, C)[:2], S, v=v, verbose=False)[0]
