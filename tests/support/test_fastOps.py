"""support/fastOps.py: each helper gives the numbers of numpy's plain call; the thread count is restored."""

import numpy as np
import pytest

from singleLayerNNObjFun import singleLayerNNObjFun
from support import fastOps
from support.fastOps import blasLibraries, byColumns, firstRowMax, rowSum, tanh


def shiftedScores(rng, n=200, nc=7):
    S = byColumns(rng.standard_normal((n, nc)))
    S[::5, 3] = S[::5, 1]                              # ties in every fifth row
    return S - S.max(axis=1, keepdims=True)


def test_firstRowMax_is_argmax_first_of_ties():
    rng = np.random.default_rng(0)
    for S in (shiftedScores(rng), np.zeros((4, 3)), np.array([[0.0, -1.0], [-2.0, 0.0]])):
        expected = S.argmax(axis=1)[:, None] == np.arange(S.shape[1])
        np.testing.assert_array_equal(firstRowMax(S), expected)


def test_rowSum_is_np_sum_along_rows():
    rng = np.random.default_rng(1)
    X, where = rng.standard_normal((50, 6)), rng.random((50, 6)) < 0.5
    for A in (X, byColumns(X), X.astype(np.float32)):
        bound = 4 * np.finfo(A.dtype).eps * np.abs(A).sum(axis=1)     # another order of the terms only
        np.testing.assert_allclose(rowSum(A), A.sum(axis=1), rtol=0, atol=bound.max())
        np.testing.assert_allclose(rowSum(A, where=where, keepdims=True),
                                   np.sum(A, axis=1, where=where, keepdims=True), rtol=0, atol=bound.max())


def test_tanh_split_over_cores_is_np_tanh_bitwise():
    rng = np.random.default_rng(2)
    X = 3 * rng.standard_normal((fastOps.PARALLEL_SIZE // 40 + 7, 40))
    assert np.array_equal(tanh(X), np.tanh(X))
    assert np.array_equal(tanh(X[:3]), np.tanh(X[:3]))            # small: np.tanh itself
    assert tanh(X.astype(np.float32)).dtype == np.float32


def test_small_objective_runs_on_one_blas_thread_and_restores_the_count():
    libs = blasLibraries()
    if not libs:
        pytest.skip("threadpoolctl not installed")
    seen = []
    rng = np.random.default_rng(3)
    n, nf, m, nc = 30, 4, 5, 3
    Y, C = rng.standard_normal((n, nf)), np.eye(nc)[rng.integers(nc, size=n)]
    x = 0.1 * rng.standard_normal(nf * m + 1 + m * nc)

    def act(X, doDerivative=True):             # records the BLAS threads while the objective runs
        seen.append([lib.num_threads for lib in libs])
        return np.tanh(X), 1 - np.tanh(X) ** 2

    before = [lib.num_threads for lib in libs]
    _, _, H = singleLayerNNObjFun(x, Y, C, m, act=act)
    H(x)
    assert seen and all(t == 1 for threads in seen for t in threads)
    assert [lib.num_threads for lib in libs] == before
