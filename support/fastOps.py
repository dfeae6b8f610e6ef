"""Speed behind singleLayer and the objectives built on it, in one place: BLAS threads by problem size.

``blasThreadsBySize`` chooses the BLAS thread count where the problem size is known. On a small
problem a second OpenBLAS thread gains microseconds and, when the other core is busy (another
job, or SciPy's own OpenBLAS runtime keeping its threads spinning), loses a scheduler time slice
per call (milliseconds: a split product returns only when both halves are done). Small problems
therefore run on one BLAS thread, large ones keep the default; ``bench/results.md`` shows the
gain with and without it (``python bench/fastOpsGain.py``), ``bench/threadTrap.md`` every script
with one and two threads.
"""

import contextlib
import functools
import inspect

import numpy as np

from support.checks import INSIDE

SMALL_WORK = 2**24          # examples x unknowns below which the products gain nothing from a 2nd thread


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
