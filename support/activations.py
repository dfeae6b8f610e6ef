"""What ``singleLayer`` (and every objective built on it) accepts as its activation ``act``.

An activation is ``act(X, doDerivative) -> (A, dA)``: sigma and sigma' elementwise,
like ``tanhActivation``. The course's activation files declare the names they
answer to with ``@activation("tanh")``; ``resolveActivation`` turns what a user
passes (one of those functions, a name, or a function of their own) into the
function the lecture's formula line calls, checking a user's function's outputs.
"""

from support.checks import asFloatArray, checkActivation, checkedBy, describe, outside

KNOWN = {}   # name -> activation, filled by the activation files' @activation(...)


def activation(*names):
    """Decorate an activation file's function: inputs checked, known to ``act=`` by ``names`` too."""
    def register(f):
        public = checkedBy(checkActivation)(f)
        for name in (f.__name__, *names):
            KNOWN[name] = public
        public.isCourseActivation = True
        return public
    return register


def resolveActivation(act):
    """The activation to call for ``act``: a known name or function, or a user's function, checked."""
    if isinstance(act, str):
        if act not in KNOWN:
            raise ValueError(f"act must be a callable or one of {sorted(KNOWN)}, got {describe(act)}"[:300])
        return KNOWN[act]
    if getattr(act, "isCourseActivation", False):
        return act
    if callable(act):
        return checkedActivation(act)
    raise TypeError(f"act must be a callable or the name of an activation, got {describe(act)}")


def checkedActivation(act):
    """A user's activation, its outputs checked: finite arrays A (and dA) shaped like the input."""
    def sigma(X, doDerivative=True):
        try:
            with outside():
                out = act(X, doDerivative=doDerivative)
        except TypeError as err:
            raise TypeError(f"act must be called as act(X, doDerivative=...) and return (A, dA) like "
                            f"tanhActivation; calling it raised TypeError: {err}") from err
        if not isinstance(out, tuple) or len(out) != 2:
            raise TypeError(f"act must return a tuple (A, dA), got {type(out).__name__}")
        A, dA = out
        A = asFloatArray(A, "A = act(X)[0]")
        if A.shape != X.shape:
            raise ValueError(f"act must return A shaped like its input {X.shape}, got A with shape {A.shape}")
        if doDerivative:
            dA = asFloatArray(dA, "dA = act(X)[1]")
            if dA.shape != X.shape:
                raise ValueError(f"act must return dA shaped like its input {X.shape}, "
                                 f"got dA with shape {dA.shape}")
        return A, dA

    return sigma
