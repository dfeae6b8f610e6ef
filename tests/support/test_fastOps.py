"""support/fastOps.py: small problems run on one BLAS thread, and the thread count is restored after;
large objectives split their examples over the cores and give the serial numbers up to rounding.

Every decorated lecture function is called on a small problem with a spy inside it (its activation,
its regulariser, or the cross entropy it calls) that records the BLAS thread counts while it runs;
then the closures it returned are called, which must run on one thread too.
"""

import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from scriptRunner import ROOT

import softMax as softMaxModule
from checkDerivative import checkDerivative
from classObjFun import classObjFun, solveClassObjFun
from crossEntropy import crossEntropy
from genTikhonov import genTikhonov
from singleLayer import singleLayer
from singleLayerAdvObjFun import singleLayerAdvObjFun
from singleLayerNNObjFun import singleLayerNNObjFun
from singleLayerNNVarProObjFun import singleLayerNNVarProObjFun
from softMax import softMax
from support import fastOps
from support.fastOps import blasLibraries

n, nf, m, nc = 30, 4, 5, 3


def spyAct(record):
    """tanh as ``act=``, recording the threads whenever the layer is evaluated."""
    def act(X, doDerivative=True):
        record()
        return np.tanh(X), 1 - np.tanh(X) ** 2
    return act


def spyReg(record):
    """genTikhonov(w, 1e-2) as ``reg=``/``regW=``, recording the threads in R and in Hess R v."""
    def reg(w):
        record()
        Rc, dR, d2R = genTikhonov(w, 1e-2)
        return Rc, dR, lambda v: (record(), d2R(v))[1]
    return reg


def spyCrossEntropy(record):
    """crossEntropy for softMax to call, recording the threads in E and in Hess E v."""
    def spy(S, C, doDerivative=True):
        record()
        E, dE, d2E = crossEntropy(S, C, doDerivative)
        return E, dE, (lambda V: (record(), d2E(V))[1]) if doDerivative else None
    return spy


def problem(name, record, monkeypatch):
    """``fun, args, kwargs, probes`` of a small problem: ``probes`` are (position in the output, argument)."""
    rng = np.random.default_rng(3)
    Y, C = rng.standard_normal((n, nf)), np.eye(nc)[rng.integers(nc, size=n)]
    K, W, Z = rng.standard_normal((nf, m)), rng.standard_normal((m + 1, nc)), rng.standard_normal((n, m))
    act, reg = spyAct(record), spyReg(record)
    if name == "singleLayer":
        return singleLayer, (K, 0.1, Y), dict(act=act), [(1, Z), (4, K), (6, Y)]
    if name == "singleLayerNNObjFun":
        x = 0.1 * rng.standard_normal(nf * m + 1 + m * nc)
        return singleLayerNNObjFun, (x, Y, C, m), dict(act=act), [(2, x)]
    if name == "singleLayerNNVarProObjFun":
        x = 0.1 * rng.standard_normal(nf * m + 1)
        return singleLayerNNVarProObjFun, (x, Y, C, m), dict(act=act, regW=reg), [(2, x)]
    if name == "singleLayerAdvObjFun":               # one example y, as the slide
        y, d = Y[0], 0.1 * rng.standard_normal(nf)
        return singleLayerAdvObjFun, (d, y, K, 0.1, W[:m], C[0]), dict(act=act, reg=reg), [(2, d)]
    if name == "classObjFun":
        return classObjFun, (W, Z, C), dict(regW=reg), [(2, W)]
    if name == "softMax":
        monkeypatch.setattr(softMaxModule, "crossEntropy", spyCrossEntropy(record))
        return softMax, (W, Z, C), dict(bias=True), [(2, W), (4, Z)]
    raise KeyError(name)


DECORATED = ["singleLayer", "singleLayerNNObjFun", "singleLayerNNVarProObjFun", "singleLayerAdvObjFun",
             "classObjFun", "softMax"]


def threads():
    return [lib.num_threads for lib in blasLibraries()]


@pytest.fixture
def libs():
    if not blasLibraries():
        pytest.skip("threadpoolctl not installed")
    return blasLibraries()


def callWithSpy(name, monkeypatch):
    """Call ``name`` on its small problem and its closures: the thread counts its spy recorded."""
    seen = []
    fun, args, kwargs, probes = problem(name, lambda: seen.append(threads()), monkeypatch)
    out = fun(*args, **kwargs)
    for i, v in probes:
        out[i](v)
    assert seen, f"the spy in {name} was never called"
    return seen


@pytest.mark.parametrize("name", DECORATED)
def test_small_problem_runs_on_one_blas_thread_and_restores_the_count(name, libs, monkeypatch):
    before = threads()
    seen = callWithSpy(name, monkeypatch)
    assert all(t == 1 for counts in seen for t in counts), seen
    assert threads() == before


@pytest.mark.parametrize("name", DECORATED)
def test_large_problem_keeps_the_default_thread_count(name, libs, monkeypatch):
    monkeypatch.setattr(fastOps, "SMALL_WORK", 0)     # every problem counts as large
    before = threads()
    assert all(counts == before for counts in callWithSpy(name, monkeypatch))


@pytest.mark.parametrize("name", DECORATED)
def test_small_problem_gives_the_numbers_of_the_undecorated_function(name, monkeypatch):
    fun, args, kwargs, probes = problem(name, lambda: None, monkeypatch)
    out, plain = fun(*args, **kwargs), fun.__wrapped__(*args, **kwargs)   # __wrapped__: no thread choice
    for i, (a, b) in enumerate(zip(out, plain)):
        if not callable(a):
            np.testing.assert_array_equal(a, b, err_msg=f"output {i} of {name}")
    for i, v in probes:
        np.testing.assert_array_equal(out[i](v), plain[i](v), err_msg=f"closure {i} of {name}")


def test_classObjFun_inside_solveClassObjFun_runs_on_one_blas_thread(libs):
    # solveClassObjFun is not decorated: each classObjFun call of its Newton-CG chooses for itself
    seen, before = [], threads()
    Z, C = np.random.default_rng(3).standard_normal((n, m)), np.eye(nc)[np.arange(n) % nc]
    solveClassObjFun(Z, C, {"maxIter": 3}, regW=spyReg(lambda: seen.append(threads())))
    assert seen and all(t == 1 for counts in seen for t in counts), seen
    assert threads() == before


def test_the_outermost_decorated_call_chooses(libs, monkeypatch):
    # VarPro's work n * size(x) is large, its inner classObjFun's n * size(W) small: the default throughout
    x = 0.1 * np.random.default_rng(3).standard_normal(10 * m + 1)
    Y, C = np.random.default_rng(4).standard_normal((n, 10)), np.eye(nc)[np.arange(n) % nc]
    assert n * (m + 1) * nc < n * n <= n * x.size
    monkeypatch.setattr(fastOps, "SMALL_WORK", n * n)
    seen, before = [], threads()
    singleLayerNNVarProObjFun(x, Y, C, m, regW=spyReg(lambda: seen.append(threads())))
    assert seen and all(counts == before for counts in seen), seen


def test_adversarial_work_counts_the_weights_of_K_not_the_perturbation(libs, monkeypatch):
    # the products are (Y + D) K: n * size(K) multiply-adds, however many entries d has (n * nf)
    rng = np.random.default_rng(3)
    Y, K, W = rng.standard_normal((n, nf)), rng.standard_normal((nf, m)), rng.standard_normal((m, nc))
    d, C = 0.1 * rng.standard_normal((n, nf)), np.eye(nc)[np.arange(n) % nc]
    monkeypatch.setattr(fastOps, "SMALL_WORK", n * K.size + 1)
    assert n * d.size >= fastOps.SMALL_WORK
    seen = []
    singleLayerAdvObjFun(d, Y, K, 0.1, W, C, act=spyAct(lambda: seen.append(threads())))
    assert seen and all(t == 1 for counts in seen for t in counts), seen


def test_threadsBySize_runs_a_small_block_on_one_thread_and_a_large_one_on_the_default(libs):
    before = threads()
    with fastOps.threadsBySize(fastOps.SMALL_WORK - 1):
        assert threads() == [1] * len(before)
    with fastOps.threadsBySize(fastOps.SMALL_WORK):
        assert threads() == before
    assert threads() == before


def test_a_misnamed_argument_is_an_error_at_decoration():
    with pytest.raises(TypeError, match="no argument 'Z'"):
        fastOps.blasThreadsBySize(examples="Z")(lambda W, Y: None)


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
    monkeypatch.setattr(fastOps, "coresToUse", lambda: blocks)
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
    monkeypatch.setattr(fastOps, "coresToUse", lambda: 2)
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
    monkeypatch.setattr(fastOps, "coresToUse", lambda: 2)

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
    monkeypatch.setattr(fastOps, "coresToUse", lambda: 2)
    seen = []

    def act(X, doDerivative=True):
        seen.append((len(X), [lib.num_threads for lib in libs]))
        return np.tanh(X), 1 - np.tanh(X) ** 2

    singleLayerNNObjFun(x, Y, C, m, act=act, bias=True)
    assert sorted(rows for rows, _ in seen) == [1500, 1501]
    assert all(t == 1 for _, threads in seen for t in threads)


def test_blocks_per_core_keep_a_tall_problems_blocks_in_the_cache():
    assert fastOps.blocksPerCore(50000, 2, 40) == 4          # n50k: 6250 x 40 arrays, 2 MB each
    assert fastOps.blocksPerCore(10000, 2, 200) == 1         # mnist10k: a share of 5000 is not cut
    assert fastOps.blocksPerCore(60000, 2, 500) == 6         # the full MNIST: blocks of 5000 examples
    assert fastOps.blocksPerCore(50000, 2, None) == 1        # an objective without a width m
    for n, m in [(50000, 40), (20000, 10), (12345, 3), (200000, 1000)]:
        k = fastOps.blocksPerCore(n, 2, m)
        assert k >= 1 and (k == 1 or n // (2 * k) >= fastOps.MIN_CACHE_BLOCK)


@pytest.mark.parametrize("reg", [None, 1e-2])
def test_blocks_per_core_give_the_serial_numbers_each_core_its_share_in_order(monkeypatch, tall, reg):
    """3001 examples cut into 2 cores x 3 blocks: E, dE and H v as computed serially, up to the
    order of the sums; each core computes three consecutive blocks, one after the other (a worker
    thread done early may take the other share too)."""
    x, Y, C, m, rng = tall
    regularizer = None if reg is None else (lambda x: genTikhonov(x, lam=reg))
    v = rng.standard_normal(x.size)
    seen = []

    def act(X, doDerivative=True):
        seen.append((threading.current_thread().name, X.shape[0]))
        return np.tanh(X), 1 - np.tanh(X) ** 2

    def run():
        E, dE, H = singleLayerNNObjFun(x, Y, C, m, act=act, bias=True, reg=regularizer)
        return E, dE, H(v)

    monkeypatch.setattr(fastOps, "MIN_CACHE_BLOCK", 500)
    monkeypatch.setattr(fastOps, "BLOCK_ENTRIES", 3001 * m / 6)
    serial, parallel, calls = serialAndParallel(monkeypatch, run, 2)
    assert calls == [2, 2]                                  # one share per core, each of three blocks
    byThread = {}
    for name, rows in seen[1:]:                             # seen[0]: the serial run
        byThread.setdefault(name, []).append(rows)
    assert sorted(rows for _, rows in seen[1:]) == [500] * 5 + [501]    # six blocks (of value + gradient)
    assert all(len(rows) % 3 == 0 for rows in byThread.values())       # each share whole on one thread
    for s, p in zip(serial, parallel):
        np.testing.assert_allclose(p, s, rtol=1e-13, atol=1e-15 * np.max(np.abs(s)))


def test_a_blas_thread_limit_keeps_the_examples_on_one_core(monkeypatch, tall, libs):
    from threadpoolctl import threadpool_limits

    x, Y, C, m, _ = tall
    monkeypatch.setattr(fastOps, "PARALLEL_WORK", 0)
    monkeypatch.setattr(fastOps, "SMALL_WORK", 0)            # a large problem: the BLAS count is the user's
    monkeypatch.setattr(fastOps, "cores", lambda: 4)
    calls = []
    inParallel = fastOps.inParallel
    monkeypatch.setattr(fastOps, "inParallel", lambda parts: calls.append(len(parts)) or inParallel(parts))
    with threadpool_limits(1, user_api="blas"):
        assert fastOps.coresToUse() == 1
        singleLayerNNObjFun(x, Y, C, m, bias=True)
    assert calls == []                                      # not split
    with threadpool_limits(2, user_api="blas"):
        assert fastOps.coresToUse() == 2                    # 4 cores, but BLAS set to 2
        singleLayerNNObjFun(x, Y, C, m, bias=True)
    assert calls == [2]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")
def test_a_forked_child_splits_the_examples_with_threads_of_its_own(monkeypatch, tall):
    """A child forked after the workers started (multiprocessing's default on Linux) gets new ones."""
    x, Y, C, m, _ = tall
    monkeypatch.setattr(fastOps, "PARALLEL_WORK", 0)
    monkeypatch.setattr(fastOps, "coresToUse", lambda: 2)
    E = singleLayerNNObjFun(x, Y, C, m, bias=True)[0]       # the parent's workers now exist
    pid = os.fork()
    if pid == 0:                                            # the child: the same split, same numbers
        try:
            os._exit(0 if singleLayerNNObjFun(x, Y, C, m, bias=True)[0] == E else 1)
        finally:
            os._exit(2)
    for _ in range(300):                                    # up to 30 s
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.1)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the forked child hung: it waited for worker threads it does not have")
    assert os.waitstatus_to_exitcode(status) == 0


def test_a_split_started_on_a_worker_runs_as_written_instead_of_waiting_forever():
    """An ``act`` that calls the objective again (on a worker thread): no deadlock, the same value."""
    script = """
import numpy as np
from singleLayerNNObjFun import singleLayerNNObjFun
from support import fastOps
fastOps.PARALLEL_WORK, fastOps.coresToUse = 0, lambda: 2
rng = np.random.default_rng(7)
n, nf, m, nc = 3001, 6, 5, 4
Y, C = rng.standard_normal((n, nf)), rng.dirichlet(np.ones(nc), size=n)
x = rng.standard_normal(nf * m + 1 + (m + 1) * nc)
inner = []
def act(X, doDerivative=True):
    inner.append(singleLayerNNObjFun(x, Y, C, m, bias=True)[0])   # runs on a worker thread
    return np.tanh(X), 1 - np.tanh(X) ** 2
E = singleLayerNNObjFun(x, Y, C, m, act=act, bias=True)[0]
assert len(inner) == 2 and abs(inner[0] - E) <= 1e-13 * abs(E), (inner, E)
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-2000:]


def test_a_blas_loaded_after_the_first_call_is_limited_too():
    """SciPy's own OpenBLAS, loaded by an import after the first limited call, runs on one thread too."""
    script = """
import sys
from support import fastOps
with fastOps.oneBlasThread():                 # the first call: only numpy's BLAS is loaded
    pass
assert "scipy.linalg" not in sys.modules
import scipy.linalg                           # brings SciPy's own OpenBLAS
from threadpoolctl import threadpool_info
blas = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
if len(blas) < 2 or min(lib["num_threads"] for lib in blas) < 2:
    print("skip: one BLAS runtime, or one thread already")
else:
    with fastOps.oneBlasThread():
        inside = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
    after = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
    assert inside == [1] * len(blas), inside
    assert after == [lib["num_threads"] for lib in blas], after
    print("ok")
"""
    pytest.importorskip("threadpoolctl")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    if result.stdout.startswith("skip"):
        pytest.skip(result.stdout.strip())
    assert result.stdout.strip() == "ok"
