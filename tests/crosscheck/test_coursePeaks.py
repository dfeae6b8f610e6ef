"""The course's Peaks experiments against the course's code in Octave.

GNU Octave and the course's toolbox, else skipped with the reason: the course's
own .m files, called by our drivers in ``crosscheck/coursePeaks/``, on the same
data and start as ours. Where the computation is deterministic and not chaotic,
the iterates agree to rounding; where it amplifies rounding (CG run long on an
ill-conditioned system, the course's nearly unregularised VarPro inner problem),
the difference from Octave is shown to be of the size of our own run's response
to a one-ulp change of its input. Our scripts themselves: tests/test_ESingleLayer_Peaks.py.
Target runtime: < 20 s.
"""

import numpy as np
import pytest
from helpers import courseSessionOrSkip
from scipy.sparse.linalg import LinearOperator

from crosscheck.courseLayout import toCourse
from crosscheck.courseParity import AMPLIFICATION, onePastEach, roundedDifferently
from experiments.peaksExperiment import (
    COURSE,
    classError,
    coursePeaksData,
    peaksObjective,
    startWeights,
)
from genTikhonov import genTikhonov
from singleLayerNNObjFun import COURSE_SHIFT
from singleLayerNNVarProObjFun import singleLayerNNVarProObjFun
from steepestDescent import steepestDescent
from support.pcg import pcg

EPS = np.finfo(float).eps


def ulp(x, seed):
    """x with every entry moved by one ulp up or down (at random)."""
    return x * (1 + EPS * np.random.default_rng(seed).choice([-1.0, 1.0], x.size))


@pytest.fixture(scope="module")
def course():
    from crosscheck import coursePeaks

    session = courseSessionOrSkip(coursePeaks.DRIVERS)
    yield coursePeaks, session
    session.exit()


def test_newtonCG_experiment_warm_start_and_first_newton_iterations_agree_with_the_course(course):
    """Steepest descent (10 iterations) and Newton-CG (3, CG of 5 steps): rounding only, same errors."""
    cp, session = course
    rows = cp.compare(session, "NewtonCG", 2, 100, 200, 40, {"maxIterSD": 10, "maxIter": 3, "maxIterCG": 5})
    (_, octave, _), (_, ours, diff) = rows
    assert diff["Kb warm start"] <= 1e-12, diff
    assert diff["Kb end"] <= 1e-10 and diff["W end"] <= 1e-10, diff
    assert (ours["trainErr"], ours["valErr"]) == (octave["trainErr"], octave["valErr"])


def test_long_cg_runs_amplify_rounding_on_both_sides_alike(course):
    """The course's 200 CG steps per Newton iteration: Octave's pcg and ours part by no more than ours parts
    from itself when g moves by one ulp or every H v is rounded differently (CG amplifies rounding on this
    ill-conditioned H, and pcg's choice of the iterate of least residual jumps between iterates: measured
    here 0 after 5 steps, 2e-7 after 20, 0.25 after 50, 2e-3 after 200); with 5 steps they agree to rounding.
    """
    cp, session = course
    Y, C, _, _, x0 = cp.experimentData("NewtonCG", 2, 200, 100, 40)
    fun = peaksObjective(Y, C, 40, COURSE["NewtonCG"], "course")
    x0 = steepestDescent(fun, x0, {"maxIter": 20, "verbose": 0})[0]     # where Newton-CG starts
    f, g, Hv = fun(x0)
    H = LinearOperator((g.size, g.size), matvec=Hv, dtype=float)
    inputs = dict(Y=toCourse(Y), C=toCourse(C), x=cp.toCourseX(x0, 2, 40, 5), m=40.0)
    for maxit in (5, 50, 200):
        out = session.call("[Ec,dE,H] = singleLayerNNObjFun(x,Y,C,m,struct('act',@sinActivation),"
                           f"struct('L',1,'lambda',1e-4,'nc',1)); OUT.s = pcg(H,-dE,1e-6,{maxit});", **inputs)
        fromOctave = cp.fromCourseX(out["s"], 2, 40, 5)
        ours = pcg(H, -g, 1e-6, maxit)[0]
        perturbed = [pcg(H, -onePastEach(g), 1e-6, maxit)[0]]
        for seed in range(6):
            jittered = roundedDifferently(lambda v: (Hv(v), Hv(v)), seed)
            Hj = LinearOperator((g.size, g.size), matvec=lambda v, j=jittered: j(v)[0], dtype=float)
            perturbed.append(pcg(Hj, -g, 1e-6, maxit)[0])
        spread = max(cp.relDiff(p, ours) for p in perturbed)
        if maxit == 5:
            assert cp.relDiff(ours, fromOctave) <= 1e-10
        else:
            assert spread > 1e-8 and cp.relDiff(ours, fromOctave) <= AMPLIFICATION * spread, (maxit, spread)


def test_sgd_experiment_agrees_with_the_course_on_its_full_gradient_steps(course):
    """The course's SGD on 20 points, one epoch: 10 full-gradient steps (randperm has no effect).

    Gradient descent with step 1 amplifies rounding by about 2.5 per step here
    (measured: 6e-13 after 10 steps, 1e-8 after 20, 2e-4 after 100), so only
    the first steps can be compared to rounding; the full run compares errors.
    """
    cp, session = course
    rows = cp.compare(session, "SGD", 2, 20, 50, 40, {"epochs": 1})
    (_, octave, _), (_, ours, diff), _ = rows
    assert diff["Kb end"] <= 1e-10 and diff["W end"] <= 1e-10, diff
    assert (ours["trainErr"], ours["valErr"]) == (octave["trainErr"], octave["valErr"])


TIGHT = {"maxIter": 30, "tolCG": 1e-12, "maxIterCG": 100}


def test_varPro_objective_agrees_with_the_course_s_file_with_a_tight_well_posed_inner_solve(course):
    cp, session = course
    Y, C, _, _, x0 = cp.experimentData("VarPro", 2, 100, 100, 40)
    v = np.random.default_rng(3).standard_normal(x0.size)
    octave = courseVarPro(cp, session, Y, C, x0, v, TIGHT, 1e-2)
    ours = oursVarPro(Y, C, x0, v, TIGHT, 1e-2)
    for a, b in zip(ours, octave):
        assert cp.relDiff(a, b) <= 1e-9                           # measured 6e-11 (the inner CG's rounding)


def test_varPro_objective_at_the_course_s_settings_is_as_sensitive_to_rounding_as_it_differs(course):
    """lambda_W = 1e-10 and 20 inner iterations: Phi, grad Phi and H v move by about 1% when x moves by
    one ulp (the largest of four such moves: one alone moved Phi by 5e-5 to 7e-3), and Octave's values differ
    from ours by as much: no iterates to compare, only errors."""
    cp, session = course
    Y, C, _, _, x0 = cp.experimentData("VarPro", 2, 100, 100, 40)
    v = np.random.default_rng(3).standard_normal(x0.size)
    paramCl, lam = COURSE["VarPro"]["paramCl"], COURSE["VarPro"]["lamW"]
    octave = courseVarPro(cp, session, Y, C, x0, v, paramCl, lam)
    ours = oursVarPro(Y, C, x0, v, paramCl, lam)
    moved = [oursVarPro(Y, C, ulp(x0, seed), v, paramCl, lam) for seed in range(4)]
    for k, (a, b) in enumerate(zip(ours, octave)):
        difference, spread = cp.relDiff(a, b), max(cp.relDiff(run[k], a) for run in moved)
        assert difference > 1e-4 and spread > 1e-4 and 0.03 < difference / spread < 30, (difference, spread)


def test_varPro_experiment_warm_start_agrees_with_the_course_with_a_tight_well_posed_inner_solve(course):
    cp, session = course
    rows = cp.compare(session, "VarPro", 2, 50, 50, 40,
                      {"maxIterSD": 2, "maxIter": 1, "paramCl": TIGHT, "lamW": 1e-2})
    diff = rows[1][2]
    assert diff["Kb warm start"] <= 1e-10, diff                   # measured 2e-12
    assert diff["Kb end"] <= 1e-6, diff                           # a Newton step of 10 CG: measured 9e-8


def courseVarPro(cp, session, Y, C, x, v, paramCl, lam):
    """Ec, dE, H v of the course's singleLayerNNVarProObjFun.m (tanh, no regulariser on K, b)."""
    out = session.call("evalc('[Ec,dE,H] = singleLayerNNVarProObjFun(x,Y,C,m,paramCl,"
                       "struct(''act'',@tanhActivation),[],struct(''L'',1,''lambda'',lam));');"
                       "OUT.Ec = Ec; OUT.dE = dE; OUT.Hv = H(v);",
                       Y=toCourse(Y), C=toCourse(C), x=cp.toCourseX(x, 2, 40), v=cp.toCourseX(v, 2, 40),
                       m=40.0, lam=float(lam), paramCl={**paramCl, "out": -1.0})
    return out["Ec"], cp.fromCourseX(out["dE"], 2, 40), cp.fromCourseX(out["Hv"], 2, 40)


def oursVarPro(Y, C, x, v, paramCl, lam):
    """Ec, dE, H v of ours, set up as the course's (its value, its Hessian shift)."""
    Ec, dE, H = singleLayerNNVarProObjFun(x, Y, C, 40, paramCl, "tanh", regW=lambda w: genTikhonov(w, lam),
                                          hessianShift=COURSE_SHIFT, courseValue=True)
    return Ec, dE, H(v)


def test_classError_is_the_course_s_percentage_of_misclassified_points():
    rng = np.random.default_rng(5)
    Y, C, _, _ = coursePeaksData(rng, 50, 50, ns=64)
    x = startWeights(rng, 2, 6, 5)
    K, b, W = x[:12].reshape(2, 6, order="F"), x[12], x[13:].reshape(7, 5, order="F")
    S = np.column_stack([np.sin(Y @ K + b), np.ones(50)]) @ W
    P = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)          # the course: exp(S)./sum(exp(S))
    Cpred = np.eye(5)[P.argmax(axis=1)]
    courseError = 100 * np.count_nonzero(np.abs(C - Cpred)) / 2 / np.count_nonzero(C)
    assert classError(x, Y, C, 6, "sine") == courseError
