"""support/fastOps.py: small problems run on one BLAS thread (the count restored after); large ones split
their examples over the cores and give the serial numbers up to rounding."""

import numpy as np
import pytest

from checkDerivative import checkDerivative
from genTikhonov import genTikhonov
from singleLayerNNObjFun import singleLayerNNObjFun
from support import fastOps
from support.fastOps import blasLibraries


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


# ------------------------------------------------------------------ examplesInParallel
@pytest.fixture
def tall():
    """3001 examples: two or three blocks of unequal size (each at least MIN_BLOCK = 1000 rows)."""
    rng = np.random.default_rng(7)
    n, nf, m, nc = 3001, 6, 5, 4
    Y = rng.standard_normal((n, nf))
    C = rng.dirichlet(np.ones(nc), size=n)
    x = rng.standard_normal(nf * m + 1 + (m + 1) * nc)
    return x, Y, C, m, rng


def serialAndParallel(monkeypatch, run, blocks=2):
    """``run()`` as written (one block) and split into ``blocks`` blocks on worker threads."""
    calls = []
    monkeypatch.setattr(fastOps, "PARALLEL_WORK", np.inf)
    serial = run()
    monkeypatch.setattr(fastOps, "PARALLEL_WORK", 0)
    monkeypatch.setattr(fastOps, "cores", lambda: blocks)
    inParallel = fastOps.inParallel
    monkeypatch.setattr(fastOps, "inParallel", lambda parts: calls.append(len(parts)) or inParallel(parts))
    parallel = run()
    return serial, parallel, calls


@pytest.mark.parametrize("blocks", [2, 3])
@pytest.mark.parametrize("reg", [None, 1e-2])
def test_examples_in_parallel_give_the_serial_numbers(monkeypatch, tall, blocks, reg):
    x, Y, C, m, rng = tall
    regularizer = None if reg is None else (lambda x: genTikhonov(x, lam=reg))
    v = rng.standard_normal(x.size)

    def run():
        E, dE, H = singleLayerNNObjFun(x, Y, C, m, bias=True, reg=regularizer)
        return E, dE, H(v)

    serial, parallel, calls = serialAndParallel(monkeypatch, run, blocks)
    assert calls == [blocks, blocks]                        # value + gradient, then H(v), each split
    for s, p in zip(serial, parallel):                      # the same numbers, up to the order of the sums
        np.testing.assert_allclose(p, s, rtol=1e-13, atol=1e-15 * np.max(np.abs(s)))


def test_examples_in_parallel_value_only_and_course_hessian(monkeypatch, tall):
    x, Y, C, m, _ = tall
    serial, parallel, calls = serialAndParallel(
        monkeypatch, lambda: singleLayerNNObjFun(x, Y, C, m, bias=True, doDerivative=False))
    assert calls == [2] and parallel[1:] == (None, None)
    np.testing.assert_allclose(parallel[0], serial[0], rtol=1e-14)
    v = np.ones(x.size)
    serial, parallel, calls = serialAndParallel(        # the course's shift is not a mean: not split
        monkeypatch, lambda: singleLayerNNObjFun(x, Y, C, m, bias=True, hessian="course")[2](v))
    assert calls == []
    np.testing.assert_array_equal(parallel, serial)


def test_examples_in_parallel_pass_the_taylor_test_and_repeat_exactly(monkeypatch, tall):
    x, Y, C, m, rng = tall
    monkeypatch.setattr(fastOps, "PARALLEL_WORK", 0)
    monkeypatch.setattr(fastOps, "cores", lambda: 2)
    fun = lambda x: singleLayerNNObjFun(x, Y, C, m, bias=True)   # noqa: E731
    passed, _ = checkDerivative(lambda x: fun(x)[:2], x, rng=rng, verbose=False)
    assert passed
    u, w = rng.standard_normal((2, x.size))
    H = fun(x)[2]
    np.testing.assert_allclose(u @ H(w), w @ H(u), rtol=1e-12)   # H symmetric
    first, again = fun(x), fun(x)
    assert first[0] == again[0] and np.array_equal(first[1], again[1])
    assert np.array_equal(first[2](u), again[2](u))


def test_examples_in_parallel_raise_what_a_block_raises_and_stay_usable(monkeypatch, tall):
    x, Y, C, m, _ = tall
    monkeypatch.setattr(fastOps, "PARALLEL_WORK", 0)
    monkeypatch.setattr(fastOps, "cores", lambda: 2)

    def act(X, doDerivative=True):
        raise RuntimeError("this activation fails")

    with pytest.raises(RuntimeError, match="this activation fails"):
        singleLayerNNObjFun(x, Y, C, m, act=act, bias=True)
    assert np.isfinite(singleLayerNNObjFun(x, Y, C, m, bias=True)[0])


def test_examples_in_parallel_blocks_run_on_one_blas_thread(monkeypatch, tall):
    libs = blasLibraries()
    if not libs:
        pytest.skip("threadpoolctl not installed")
    x, Y, C, m, _ = tall
    monkeypatch.setattr(fastOps, "PARALLEL_WORK", 0)
    monkeypatch.setattr(fastOps, "SMALL_WORK", 0)            # not the small-problem rule: the split's own
    monkeypatch.setattr(fastOps, "cores", lambda: 2)
    seen = []

    def act(X, doDerivative=True):
        seen.append((len(X), [lib.num_threads for lib in libs]))
        return np.tanh(X), 1 - np.tanh(X) ** 2

    singleLayerNNObjFun(x, Y, C, m, act=act, bias=True)
    assert sorted(rows for rows, _ in seen) == [1500, 1501]
    assert all(t == 1 for _, threads in seen for t in threads)
