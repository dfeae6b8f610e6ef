"""crosscheck/courseLayout.py: the map between the course's column layout and ours (no Octave needed)."""

import numpy as np
import pytest

from crosscheck.courseLayout import (
    fromCourse,
    gradientFromCourse,
    hessianFromCourse,
    hessianToCourse,
    toCourse,
    vecPermutation,
    xFromCourse,
    xPermutation,
    xToCourse,
)
from singleLayerNNObjFun import splitX
from support.vecmat import vec

SIZES = [(3, 4, 2, False), (3, 4, 2, True), (1, 1, 1, False), (5, 2, 7, True)]   # nf, m, nc, bias


@pytest.fixture
def rng():
    return np.random.default_rng(3)


def test_a_matrix_goes_to_the_course_as_its_transpose_and_comes_back(rng):
    A = rng.standard_normal((5, 3))
    assert np.array_equal(toCourse(A), A.T)
    assert np.array_equal(fromCourse(toCourse(A), A.shape), A)
    assert np.array_equal(fromCourse(vec(toCourse(A)), A.shape), A)          # the course's A(:)
    assert np.array_equal(fromCourse(vec(toCourse(A))[:, None], A.shape), A)   # as a column


def test_fromCourse_rejects_our_own_layout_and_other_sizes(rng):
    with pytest.raises(ValueError, match=r"expected \(3, 5\) \(ours \(5, 3\) transposed\) or its vec"):
        fromCourse(rng.standard_normal((5, 4)), (5, 3))
    with pytest.raises(ValueError, match="has shape"):
        fromCourse(np.ones(14), (5, 3))


@pytest.mark.parametrize("rows, cols", [(1, 1), (1, 4), (4, 1), (3, 5)])
def test_vecPermutation_is_a_permutation_taking_vec_A_to_vec_A_transposed(rng, rows, cols):
    p = vecPermutation(rows, cols)
    assert np.array_equal(np.sort(p), np.arange(rows * cols))
    A = rng.standard_normal((rows, cols))
    assert np.array_equal(vec(A)[p], vec(A.T))


@pytest.mark.parametrize("nf, m, nc, bias", SIZES)
def test_x_permutation_builds_the_courses_x_from_its_own_K_and_W(rng, nf, m, nc, bias):
    mW = m + 1 if bias else m
    x = rng.standard_normal(nf * m + 1 + mW * nc)
    p = xPermutation(nf, m, nc, bias)
    assert np.array_equal(np.sort(p), np.arange(x.size))
    K, b, W = splitX(x, nf, m, nc, bias=bias)
    xc = np.concatenate([vec(K.T), [b], vec(W.T)])          # the course's [K(:); b; W(:)]
    assert np.array_equal(xToCourse(x, nf, m, nc, bias), xc)
    assert np.array_equal(xFromCourse(xc, nf, m, nc, bias), x)   # round trip


def test_the_bias_column_is_the_courses_last_column_of_W(rng):
    nf, m, nc = 2, 3, 2
    x = rng.standard_normal(nf * m + 1 + (m + 1) * nc)
    xc = xToCourse(x, nf, m, nc, bias=True)
    Wc = xc[nf * m + 1:].reshape((nc, m + 1), order="F")        # the course's W, nc x (m+1)
    assert np.array_equal(Wc[:, m], splitX(x, nf, m, nc, bias=True)[2][m])   # our bias row


def test_x_of_the_wrong_length_is_an_error():
    with pytest.raises(ValueError, match="x must have 13 entries for these sizes, got 14"):
        xToCourse(np.ones(14), 3, 2, 2, bias=True)


@pytest.mark.parametrize("nf, m, nc, bias", SIZES)
def test_gradients_and_hessian_matvecs_of_a_quadratic_map_between_layouts(rng, nf, m, nc, bias):
    # f(x) = 0.5 x'A x + c'x in our layout; in the course's, f_c(xc) = f(P' xc), whose gradient
    # is P (A P' xc + c) and whose Hessian is P A P'. Built with explicit matrices, independently
    # of the index arithmetic being tested.
    n = nf * m + 1 + (m + 1 if bias else m) * nc
    B = rng.standard_normal((n, n))
    A, c = B @ B.T, rng.standard_normal(n)
    P = np.eye(n)[xPermutation(nf, m, nc, bias)]               # x_course = P x_ours
    gradCourse = lambda xc: P @ (A @ (P.T @ xc) + c)           # noqa: E731
    HCourse = lambda vc: (P @ A @ P.T) @ vc                    # noqa: E731
    x, v = rng.standard_normal(n), rng.standard_normal(n)
    xc = xToCourse(x, nf, m, nc, bias)
    np.testing.assert_allclose(gradientFromCourse(gradCourse(xc), nf, m, nc, bias), A @ x + c,
                               rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(hessianFromCourse(HCourse, nf, m, nc, bias)(v), A @ v, rtol=1e-13, atol=1e-13)
    vc = xToCourse(v, nf, m, nc, bias)
    np.testing.assert_allclose(hessianToCourse(lambda w: A @ w, nf, m, nc, bias)(vc), HCourse(vc),
                               rtol=1e-13, atol=1e-13)


def test_a_wrong_permutation_is_caught_by_the_quadratic_test(rng):
    # the test above proves something: with K's block left unpermuted the mapped H v is wrong
    nf, m, nc = 3, 4, 2
    n = nf * m + 1 + m * nc
    B = rng.standard_normal((n, n))
    A = B @ B.T
    P = np.eye(n)[xPermutation(nf, m, nc)]
    wrong = np.arange(n)                                        # no permutation at all
    v = rng.standard_normal(n)
    HCourse = (P @ A @ P.T)
    assert not np.allclose(HCourse[np.ix_(wrong, wrong)] @ v, A @ v, rtol=1e-3)
    np.testing.assert_allclose(hessianFromCourse(lambda w: HCourse @ w, nf, m, nc)(v), A @ v, rtol=1e-13)
