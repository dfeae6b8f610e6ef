"""Speed behind singleLayer and the objectives built on it, in one place.

``blasThreadsBySize`` chooses the BLAS thread count where the problem size is known. On a small
problem a second OpenBLAS thread gains microseconds and, when the other core is busy (another
job, or SciPy's own OpenBLAS runtime keeping its threads spinning), loses a scheduler time slice
per call (milliseconds: a split product returns only when both halves are done). Small problems
therefore run on one BLAS thread, large ones keep the default; ``threadsBySize`` applies the same
rule to a block of code whose size is known (the SVD of EELM_Peaks).

``examplesInParallel`` splits a large objective's examples over the cores: BLAS threads help
only the matrix products, while numpy's elementwise passes (tanh, sigma', the cross entropy's
rows), most of the time on a tall problem such as 50000 x 50, run on one core. On such a
problem each core's share is computed in blocks that stay in the cache (``blocksPerCore``).

``bench/results.md`` shows the gain with and without each (``python bench/fastOpsGain.py``),
``bench/threadTrap.md`` every script with one and two threads.
"""

import concurrent.futures
import contextlib
import contextvars
import functools
import inspect
import os
import sys
import threading

import numpy as np

SMALL_WORK = 2**24          # examples x unknowns below which the products gain nothing from a 2nd thread
CHOSEN = contextvars.ContextVar("blasThreadsChosen", default=False)   # True inside a call that chose


# ------------------------------------------------------------------ BLAS threads by problem size
def blasLibraries():
    """The BLAS libraries loaded in this process (threadpoolctl); () without threadpoolctl.

    Looked up again only after an import (a BLAS arrives with one: SciPy's own OpenBLAS with
    ``scipy.linalg`` or ``scipy.optimize``), so a library loaded after the first call is limited too.
    """
    return blasLibrariesWith(len(sys.modules))


@functools.lru_cache(maxsize=1)
def blasLibrariesWith(modulesImported):
    """The BLAS libraries loaded when ``modulesImported`` modules were (the cache key)."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return ()
    return tuple(lib for lib in ThreadpoolController().lib_controllers if lib.user_api == "blas")


@contextlib.contextmanager
def oneBlasThread():
    """Run the block with every loaded BLAS on one thread; the thread counts are restored after."""
    libs = blasLibraries()
    before = [lib.num_threads for lib in libs]
    for lib, threads in zip(libs, before):
        if threads != 1:
            lib.set_num_threads(1)
    try:
        yield
    finally:
        for lib, threads in zip(libs, before):
            if threads != 1:
                lib.set_num_threads(threads)


@contextlib.contextmanager
def threadsBySize(work):
    """The block on one BLAS thread if ``work`` (examples x unknowns) is below ``SMALL_WORK``, else on
    the default; decorated calls in it pass through."""
    token = CHOSEN.set(True)
    try:
        with oneBlasThread() if work < SMALL_WORK else contextlib.nullcontext():
            yield
    finally:
        CHOSEN.reset(token)


def blasThreadsBySize(fun=None, *, examples="Y", weights=None):
    """Decorate a lecture function: small problems run on one BLAS thread.

    ``@blasThreadsBySize`` on ``fun(first, ..., Y, ...)``; where the examples or the weights
    sit in other arguments, ``@blasThreadsBySize(examples="Z")`` or ``(weights="K")``. The
    work of its matrix products is about (rows of ``examples``: a vector is one example)
    times (entries of ``weights``, default the first argument): examples times unknowns, x
    of an objective, K of a layer, W of the classifier. Below ``SMALL_WORK`` the call, and
    every closure it returns when later called, runs on one BLAS thread. The outermost
    decorated call chooses: the decorated functions it calls pass straight through.
    """
    if fun is None:
        return functools.partial(blasThreadsBySize, examples=examples, weights=weights)
    position = {name: i for i, name in enumerate(inspect.signature(fun).parameters)}
    weights = weights or next(iter(position))
    for name in (examples, weights):
        if name not in position:
            raise TypeError(f"blasThreadsBySize: {fun.__name__} has no argument {name!r}")

    def given(name, args, kwargs):
        return args[position[name]] if len(args) > position[name] else kwargs[name]

    def work(args, kwargs):
        try:
            X, W = given(examples, args, kwargs), given(weights, args, kwargs)
            return (np.shape(X)[0] if np.ndim(X) == 2 else 1) * np.size(W)
        except (KeyError, IndexError, ValueError, TypeError):
            return SMALL_WORK                   # the checks will say what is wrong

    def oneThread(f):
        @functools.wraps(f)
        def onOneThread(*args, **kwargs):
            with threadsBySize(0):
                return f(*args, **kwargs)
        return onOneThread

    @functools.wraps(fun)
    def sized(*args, **kwargs):
        if CHOSEN.get():                        # an enclosing decorated call has chosen
            return fun(*args, **kwargs)
        size = work(args, kwargs)
        with threadsBySize(size):
            out = fun(*args, **kwargs)
        if size < SMALL_WORK and isinstance(out, tuple):
            return tuple(oneThread(f) if callable(f) else f for f in out)
        return out

    return sized


# ------------------------------------------------------------------ the examples split over the cores
PARALLEL_WORK = SMALL_WORK  # examples x unknowns from which an objective's examples are split over the cores
                            # (below it blasThreadsBySize runs one BLAS thread, so coresToUse() is 1 anyway)
MIN_BLOCK = 1000            # no block of fewer examples
BLOCK_ENTRIES = 2**18       # examples x width of a block: its n_b x m arrays (2 MB in float64) stay in the
                            # cache from one elementwise pass to the next (np.inf: one block per core)
MIN_CACHE_BLOCK = 5000      # no core's share cut into blocks of fewer examples: at the MNIST sizes, blocks
                            # of 1000-1250 examples made the products no faster and the call no faster
WORKER_NAME = "examplesInParallel"


def cores():
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def coresToUse():
    """The cores a split may use: ``cores()``, at most the BLAS thread count when it is set lower.

    One knob for the user: limiting BLAS (``OPENBLAS_NUM_THREADS=1``, or threadpoolctl's
    ``threadpool_limits(1)``, say on a machine shared with other jobs) also keeps the
    examples on one core.
    """
    threads = [lib.num_threads for lib in blasLibraries()]
    return min(cores(), max(threads)) if threads else cores()


@functools.lru_cache(maxsize=1)
def workers():
    """The worker threads of ``inParallel``, one per core, started once."""
    return concurrent.futures.ThreadPoolExecutor(max_workers=cores(), thread_name_prefix=WORKER_NAME)


if hasattr(os, "register_at_fork"):      # a forked child (multiprocessing on Linux) has none of the threads:
    os.register_at_fork(after_in_child=workers.cache_clear)   # it starts its own


def splitCores(n, unknowns):
    """The cores ``examplesInParallel`` splits n examples over, for an x of ``unknowns`` entries;
    1 where it runs the objective as written (a small problem, one core to use, too few examples)."""
    if n * unknowns < PARALLEL_WORK:
        return 1
    return max(1, min(coresToUse(), n // MIN_BLOCK))


def blocksPerCore(n, cores, width):
    """How many blocks of examples each core computes, one after the other: as many as make a block's
    n_b x width arrays about ``BLOCK_ENTRIES`` entries, none of fewer than ``MIN_CACHE_BLOCK`` examples.

    Between two elementwise passes (tanh, sigma', the products with it, the cross entropy's rows)
    a block's arrays stay in the cache; one block per core of a tall problem (25000 x 40 at
    n = 50000) goes out to memory and back at every pass. Four blocks per core there: 0.88x the
    time of one (``python bench/fastOpsGain.py --paired blocksPerCore``,
    bench/fastOpsGain-blocksPerCore.md).
    """
    if width is None:
        return 1
    return max(1, min(n // (cores * MIN_CACHE_BLOCK), round(n * width / (cores * BLOCK_ENTRIES))))


def onCores(calls, cores):
    """Run the zero-argument ``calls`` on ``cores`` workers at once, each a consecutive share of them
    one after the other; their results, in order."""
    shares = [calls[len(calls) * i // cores:len(calls) * (i + 1) // cores] for i in range(cores)]
    done = inParallel([functools.partial(runEach, share) for share in shares])
    return [out for share in done for out in share]


def runEach(calls):
    return [call() for call in calls]


def inWorker():
    """True on a worker thread of ``inParallel``, where a split would wait for the workers it occupies."""
    return threading.current_thread().name.startswith(WORKER_NAME)


def inParallel(calls):
    """Run the zero-argument ``calls`` at once on the worker threads; their results, in order.

    Each call runs in a copy of this thread's context (so lecture code called from checked
    code still trusts its arguments); an exception in a call is raised here.
    """
    futures = [workers().submit(contextvars.copy_context().run, call) for call in calls]
    return [future.result() for future in futures]


def examplesInParallel(objFun):
    """Decorate an objective ``objFun(x, Y, C, ..., reg=None, hessian="full")`` -> ``(E, dE, H)``.

    The objective is a mean over the examples (the rows of Y and C): with blocks of n_j rows,

        E = sum_j (n_j / n) E_j,   dE = sum_j (n_j / n) dE_j,   H v = sum_j (n_j / n) H_j v,

    and the regulariser is added once. On a large problem (n x len(x) >= ``PARALLEL_WORK``)
    and more than one core to use (``coresToUse``), each core computes its share of the blocks,
    on one BLAS thread: numpy's elementwise passes (tanh, exp, sigma', the cross entropy's rows)
    run on one core otherwise. A core's share is cut into blocks small enough to stay in the
    cache (``blocksPerCore``, from the objective's width ``m``). The numbers are the serial ones
    up to the order of the sums (a few units in the last place); blocks are fixed by n, m and
    the core count, so a run repeats exactly on the same machine. ``hessian="course"`` (its 1e-5
    shift is not a mean over the examples) and small problems run as written.
    """
    signature = inspect.signature(objFun)

    @functools.wraps(objFun)
    def split(*args, **kwargs):
        a = signature.bind(*args, **kwargs)
        a.apply_defaults()
        a = a.arguments
        x, Y, C, reg = a["x"], a["Y"], a["C"], a["reg"]
        n = Y.shape[0]
        cores = splitCores(n, x.size)
        if inWorker() or cores < 2 or a.get("hessian", "full") != "full":
            return objFun(**a)
        blocks = cores * blocksPerCore(n, cores, a.get("m"))
        edges = [n * j // blocks for j in range(blocks + 1)]
        weights = [(j1 - j0) / n for j0, j1 in zip(edges, edges[1:])]
        parts = [functools.partial(objFun, **dict(a, Y=Y[j0:j1], C=C[j0:j1], reg=None))
                 for j0, j1 in zip(edges, edges[1:])]
        with oneBlasThread():
            outs = onCores(parts, cores)
        E = sum(w * Ej for w, (Ej, _, _) in zip(weights, outs))
        Rc, dR, d2R = reg(x) if reg is not None else (0, 0, None)
        if outs[0][1] is None:                                   # doDerivative=False
            return E + Rc, None, None
        dE = sum(w * dEj for w, (_, dEj, _) in zip(weights, outs))
        Hs = [Hj for _, _, Hj in outs]

        def H(v):
            with oneBlasThread():
                Hvs = onCores([functools.partial(Hj, v) for Hj in Hs], cores)
            Hv = sum(w * Hjv for w, Hjv in zip(weights, Hvs))
            return Hv if d2R is None else Hv + d2R(v)

        return E + Rc, dE + dR, H

    return split
