"""Speed behind singleLayer and the objectives built on it, in one place: BLAS threads by problem size.

``blasThreadsBySize`` chooses the BLAS thread count where the problem size is known. On a small
problem a second OpenBLAS thread gains microseconds and, when the other core is busy (another
job, or SciPy's own OpenBLAS runtime keeping its threads spinning), loses a scheduler time slice
per call (milliseconds: a split product returns only when both halves are done). Small problems
therefore run on one BLAS thread, large ones keep the default; ``threadsBySize`` applies the same
rule to a block of code whose size is known (the SVD of EELM_Peaks). ``bench/results.md`` shows
the gain with and without it (``python bench/fastOpsGain.py``), ``bench/threadTrap.md`` every
script with one and two threads.
"""

import contextlib
import contextvars
import functools
import inspect

import numpy as np

SMALL_WORK = 2**24          # examples x unknowns below which the products gain nothing from a 2nd thread
CHOSEN = contextvars.ContextVar("blasThreadsChosen", default=False)   # True inside a call that chose


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
