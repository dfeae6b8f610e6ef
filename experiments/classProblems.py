"""The lecture's class problems, checked: is a student's Jacobian mat-vec of the single layer right?

Slide "Class Problems: Derivatives of Single Layer" asks for J_vec(K)' u, J_b v, J_b' u, J_vec(Y) v
and J_vec(Y)' u of Z = sigma(Y K + b), and names the two tests that decide:

    J v  (derivative check):  E1(h) = || Z(x + h v) - Z(x) - h J v || = O(h^2)      (checkDerivative)
    J' u (derivative check):  J' u is the gradient of u' Z(x), so the same test on u' Z
         (adjoint test):      u' (J v) = v' (J' u),  J v from singleLayer           (adjointTest)

``checkClassProblem`` runs the right test on an answer and says in words what it found. The notebook
``OurFirstNeuralNetwork.ipynb`` calls it below each exercise; the solutions are in ``singleLayer.py``.
``python -m experiments.classProblems`` checks a right and a wrong answer.
"""

import numpy as np

from checkDerivative import adjointTest, checkDerivative
from singleLayer import singleLayer
from tanhActivation import tanhActivation

# name: (the slide's symbol, the variable it differentiates, J v or J' u)
PROBLEMS = {"JK": ("J_vec(K) v", "K", "J v"), "JKt": ("J_vec(K)' u", "K", "J' u"),
            "Jb": ("J_b v", "b", "J v"), "Jbt": ("J_b' u", "b", "J' u"),
            "JY": ("J_vec(Y) v", "Y", "J v"), "JYt": ("J_vec(Y)' u", "Y", "J' u")}
ORDER_STEPS = slice(5, 12)  # the orders of E1 quoted: h = 2^-6 ... 2^-12, far above the rounding noise


def checkClassProblem(name, answer, K, b, Y, rng=0):
    """Check ``answer``, a student's version of the mat-vec ``name``; print and return the verdict.

    Parameters
    ----------
    name : "JKt", "Jb", "Jbt", "JY", "JYt" (or "JK", the slide's worked example)
        Which mat-vec (``singleLayer``'s name for it).
    answer : callable
        ``answer(W, Y, K, dA)``: the mat-vec applied to W, with ``dA = sigma'(Y K + b)`` (n x m).
        W is V (nf x m) for J_K v, v (a scalar) for J_b v, V (n x nf) for J_Y v, and U (n x m) for
        every J' u. J v returns n x m; J_K' u nf x m, J_b' u a scalar, J_Y' u n x nf.
    K, b, Y : the point (nf x m, scalar, n x nf), tanh activation.
    rng : int or numpy.random.Generator, default 0
        Source of the directions v and u.

    Returns
    -------
    passed : bool or None
        None while ``answer`` raises NotImplementedError (the stub is untouched).
    message : str
        The verdict in words, as printed.

    Notes
    -----
    J v is checked by the Taylor test on Z = singleLayer(...) as a function of the variable: E1 falls
    like h^2 ("order 2") only for the derivative. J' u is the gradient of the scalar u' Z: the same
    Taylor test on u' Z, then the adjoint test against singleLayer's J v (which the tests of
    singleLayer.py verify). An error other than NotImplementedError is reported, not raised.
    """
    what, var, kind = PROBLEMS[name]
    rng = np.random.default_rng(rng)
    Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(K, b, Y)
    dA = tanhActivation(Y @ K + b)[1]                              # sigma'(Y K + b), given to the answer
    mine = lambda W: answer(W, Y, K, dA)
    x0 = {"K": np.asarray(K, float), "b": np.array(b, float), "Y": np.asarray(Y, float)}[var]
    layer = {"K": lambda x: singleLayer(x, b, Y)[0], "b": lambda x: singleLayer(K, x, Y)[0],
             "Y": lambda x: singleLayer(K, b, x)[0]}[var]         # Z as a function of the variable
    try:
        wrongShape = _shapeProblem(what, mine(np.zeros(x0.shape if kind == "J v" else Z.shape)),
                                   Z.shape if kind == "J v" else x0.shape)
        if wrongShape:
            passed, message = False, wrongShape
        elif kind == "J v":      # Taylor test of Z(x + h v) against Z(x) + h J v
            passed, table = checkDerivative(lambda x: (layer(x), mine), x0, rng=rng, verbose=False)
            passed, message = bool(passed), _taylorWords(what, passed, table)
        else:                    # J' u is the gradient of u' Z(x): Taylor test, then the adjoint test
            U = rng.standard_normal(Z.shape)
            JtU = mine(U)
            taylor, table = checkDerivative(lambda x: (np.vdot(U, layer(x)), JtU), x0, rng=rng, verbose=False)
            J = {"K": JK, "b": Jb, "Y": JY}[var]                   # singleLayer's J v, the reference
            adjoint, relErr = adjointTest(J, mine, rng.standard_normal(x0.shape), U)
            passed = bool(taylor and adjoint)
            message = (_taylorWords(f"{what} (the gradient of u' Z)", taylor, table) + "\n  "
                       + _adjointWords(adjoint, relErr))
    except NotImplementedError:
        passed, message = None, f"{what}: no answer yet (write yours in place of `raise NotImplementedError`)"
    except Exception as err:                                       # a typo, a wrong shape: say it, go on
        passed, message = False, f"{what}: your answer could not be checked: {type(err).__name__}: {err}"
    if passed is False:
        message += f"\n  (after trying: the solution is {name} in singleLayer.py)"
    print(message)
    return passed, message


def _shapeProblem(what, out, shape):
    """What is wrong with the shape of an answer's result (None when it has the mat-vec's shape)."""
    out = np.asarray(out)
    if out.shape == shape or (shape == () and out.size == 1):
        return None
    return (f"{what}: your answer returns an array of shape {out.shape}; {what} is "
            f"{'a scalar' if shape == () else 'an array of shape ' + str(shape)}")


def _taylorWords(what, passed, table):
    """The Taylor test's verdict in words, with the orders of E1 it read."""
    E1 = table[ORDER_STEPS, 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        order = np.median(np.log2(E1[:-1] / E1[1:]))
    if passed:
        return (f"{what}: order 2 reached: this is the derivative (E1 falls like h^{order:.2f}: "
                "halving h divides it by 4)")
    if abs(order - 1) < 0.2:
        return f"{what}: not the derivative: E1 falls only like h (order {order:.2f}, 2 is needed)"
    return f"{what}: not the derivative: E1 does not fall like h^2 (order {order:.2f}, 2 is needed)"


def _adjointWords(passed, relErr):
    """The adjoint test's verdict in words, with its relative error."""
    if passed:
        return (f"adjoint test against singleLayer's J v: u'(J v) = v'(J' u) to a relative error of "
                f"{relErr:.1e}: this is the transpose")
    return (f"adjoint test against singleLayer's J v: relative error {relErr:.1e}: not the transpose "
            "(rounding leaves about 1e-15)")


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    K, b, Y = rng.standard_normal((3, 4)), 0.1, rng.standard_normal((5, 3))
    checkClassProblem("JKt", lambda U, Y, K, dA: Y.T @ (dA * U), K, b, Y)    # right
    checkClassProblem("JKt", lambda U, Y, K, dA: Y.T @ U, K, b, Y)           # sigma' forgotten
    checkClassProblem("Jb", lambda v, Y, K, dA: dA * v, K, b, Y)             # right
    checkClassProblem("Jb", lambda v, Y, K, dA: v * np.ones_like(dA), K, b, Y)   # sigma' forgotten
