"""Speed behind the formulas of crossEntropy, tanhActivation and the objectives built on singleLayer.

The lecture files keep the slides' formulas. Where numpy's plain call is slow for the lecture's
shapes, a formula line calls a helper from here, named after what it computes; each gives the
numbers of the plain call (up to the order of the terms of a sum). ``bench/results.md`` shows what
each one gains, measured with and without it (``python bench/fastOpsGain.py``).

- ``byColumns(S)``: an n x nc array of scores stored column by column. numpy reduces a row of
  nc = 10 entries one row at a time, slowly; stored by columns, a reduction along the rows
  becomes nc passes along n.
- ``firstRowMax(S)``, ``rowSum(X, where)``: the most likely class of each row, and row sums
  (of the entries ``where`` is True), for S already shifted by its row maxima.
- ``tanh(X)``: ``np.tanh`` on large arrays split over the cores (numpy's ufuncs release the GIL;
  ``np.tanh`` is the largest elementwise kernel of the layer and runs on one core).
- ``blasThreadsBySize``: the BLAS thread count chosen where the problem size is known. On a
  small problem a second OpenBLAS thread gains microseconds and, when the other core is busy
  or a second OpenBLAS runtime (SciPy's) keeps it spinning, loses a scheduler time slice per
  call (milliseconds): small problems run on one BLAS thread, large ones keep the default.
"""

import contextlib
import functools
import inspect
import os
import threading

import numpy as np

from support.checks import INSIDE

SMALL_WORK = 2**24          # examples x unknowns below which the products gain nothing from a 2nd thread
PARALLEL_SIZE = 2**18       # entries from which tanh is split over the cores


# ------------------------------------------------------------------ the cross entropy's row reductions
def byColumns(S):
    """``S`` stored column by column (Fortran order): row maxima and row sums then run along n."""
    return np.asfortranarray(S)


def firstRowMax(S):
    """The mask of each row's most likely class (the first one on a tie), for S shifted by its row max.

    After ``S - max(S, [], 2)`` the largest entry of each row is exactly 0 (x - x = 0 in
    floating point, and x - y = 0 only when x = y); rows with a tie fall back to argmax.
    """
    isMax = S == 0
    if np.count_nonzero(isMax) != S.shape[0]:                   # a tie: more than one 0 in a row
        isMax = S.argmax(axis=1)[:, None] == np.arange(S.shape[1])
    return isMax


def rowSum(X, where=None, keepdims=False):
    """``np.sum(X, axis=1, where=where, keepdims=keepdims)``, as one matrix-vector product.

    numpy sums rows of a few entries one row at a time; ``X @ ones`` is a single pass.
    """
    if where is not None:
        X = np.where(where, X, 0)
    total = X @ np.ones(X.shape[1], X.dtype)
    return total[:, None] if keepdims else total


# ------------------------------------------------------------------ elementwise kernels on all cores
def cores():
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def tanh(X):
    """``np.tanh(X)``: the same numbers; a large array is cut into row blocks, one per core."""
    X = np.asarray(X)
    parts = min(cores(), 4)
    if X.size < PARALLEL_SIZE or parts < 2 or X.ndim == 0 or X.shape[0] < parts:
        return np.tanh(X)
    A = np.empty_like(X)
    edges = np.linspace(0, X.shape[0], parts + 1).astype(int)
    workers = [threading.Thread(target=np.tanh, args=(X[i:j],), kwargs={"out": A[i:j]})
               for i, j in zip(edges[1:-1], edges[2:])]
    for w in workers:
        w.start()
    np.tanh(X[:edges[1]], out=A[:edges[1]])
    for w in workers:
        w.join()
    return A


# ------------------------------------------------------------------ BLAS threads by problem size
@functools.lru_cache(maxsize=1)
def blasLibraries():
    """The BLAS libraries loaded in this process (threadpoolctl), found once; [] without threadpoolctl."""
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


def blasThreadsBySize(fun):
    """Decorate a lecture function ``fun(first, ..., Y, ...)``: small problems run on one BLAS thread.

    The work of its matrix products is about ``Y.shape[0] * size(first)`` (examples times
    unknowns: x of an objective, K of a layer); below ``SMALL_WORK`` the call, and every
    closure it returns when later called, runs on one BLAS thread. Calls from inside the
    lecture's code (one lecture function calling another) pass straight through.
    """
    names = list(inspect.signature(fun).parameters)

    def small(args, kwargs):
        try:
            first = args[0] if args else kwargs[names[0]]
            Y = args[names.index("Y")] if len(args) > names.index("Y") else kwargs["Y"]
            return np.shape(Y)[0] * np.size(first) < SMALL_WORK
        except (KeyError, IndexError, ValueError, TypeError):
            return False                        # the checks will say what is wrong

    def oneThread(f):
        @functools.wraps(f)
        def onOneThread(*args, **kwargs):
            with oneBlasThread():
                return f(*args, **kwargs)
        return onOneThread

    @functools.wraps(fun)
    def sized(*args, **kwargs):
        if INSIDE.get() or not small(args, kwargs):
            return fun(*args, **kwargs)
        with oneBlasThread():
            out = fun(*args, **kwargs)
        if isinstance(out, tuple):
            return tuple(oneThread(f) if callable(f) else f for f in out)
        return out

    return sized
