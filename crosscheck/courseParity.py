"""Cross-check our functions against the course's own files (NumDL-MATLAB), run unmodified in GNU Octave.

    python crosscheck/courseParity.py            # print the table (needs NUMDL_MATLAB and Octave)
    python crosscheck/courseParity.py --readme   # ... and write it into crosscheck/README.md

Each comparison pushes the same numpy inputs to Octave (bitwise exact), calls
the course's file there and our function here, maps the course's outputs into
our layout with ``courseLayout`` (examples in columns -> rows, its x -> ours)
and measures

    worst relative difference = max |ours - course| / max |course|.

Single evaluations must agree to 1e-12: Octave's tanh/exp round differently
from numpy's by a few ulp and its BLAS sums in another order (about 1e-15
relative at these sizes), so 1e-12 leaves a margin without hiding a wrong
formula (a wrong term shows up at 1e-3 or more). Optimisers amplify rounding
through their iterations (an early-stopped CG step is a sensitive function of
its inputs), so their iterates are compared with a tolerance that is measured,
never chosen: the spread of our own run when its inputs move by one ulp or
every evaluation rounds differently, times ``AMPLIFICATION``; the discrete
decisions (line-search trials, CG iterations) must agree exactly, and the
iteration tables both print must agree line by line.

A documented difference between the course and us is never a failure: the
comparison selects the matching option on our side (the bias, the course's
block-diagonal H, the 1e-5 Hessian shift) and the table says which, or the
row is marked "known" and its note says what differs. A course file missing
from the folder marks its rows ("missing") and the rest still runs.
"""

import argparse
import contextlib
import io
import math
import os
import pathlib
import re
import sys
import time
from collections import namedtuple

import numpy as np
from scipy.sparse.linalg import LinearOperator

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:          # run as a script: the lecture's files and crosscheck/ from the root
    sys.path.insert(0, str(ROOT))

from crosscheck.courseLayout import (  # noqa: E402
    fromCourse,
    gradientFromCourse,
    toCourse,
    xFromCourse,
    xToCourse,
)
from crosscheck.courseSession import ENV, octaveString  # noqa: E402
from genTikhonov import genTikhonov  # noqa: E402
from newtonCG import newtonCG  # noqa: E402
from Rosenbrock import Rosenbrock  # noqa: E402
from setupPeaks import peaks, peaksClasses, setupPeaks  # noqa: E402
from sgd import sgd  # noqa: E402
from sinActivation import sinActivation  # noqa: E402
from singleLayer import singleLayer  # noqa: E402
from singleLayerAdvObjFun import singleLayerAdvObjFun  # noqa: E402
from singleLayerNNObjFun import singleLayerNNObjFun  # noqa: E402
from smoothRelU import smoothRelU  # noqa: E402
from softMax import softMax  # noqa: E402
from steepestDescent import steepestDescent  # noqa: E402
from support.pcg import pcg  # noqa: E402
from support.vecmat import mat, vec  # noqa: E402
from tanhActivation import tanhActivation  # noqa: E402

TOL = 1e-12            # single evaluations
AMPLIFICATION = 10     # iterates: tolerance = 10 x the spread of our own perturbed runs (historyRows)
JITTERED_RUNS = 8      # runs with every evaluation rounded differently (seeds 0..7), and one-ulp moves
SLOW_ENV = "NUMDL_COURSE_SLOW"   # =1 also runs the course's testSingleLayerNNObjFun (about 12 s in Octave)
MARKERS = ("<!-- course-parity:start -->", "<!-- course-parity:end -->")

# One row of the table. status: "ok"; "FAIL"; "known" (a documented difference, the note says
# which); "missing" (the course file is not in the folder); "opt-in" (not run unless SLOW_ENV=1);
# "no counterpart" (ours only: the note says how it is verified instead).
Row = namedtuple("Row", "ours course compared option diff tol status note")
PASSING = ("ok", "known", "no counterpart")


def relDiff(ours, course):
    """max |ours - course| / max |course| (0 when both are 0; inf for different shapes)."""
    ours, course = np.asarray(ours, dtype=float), np.asarray(course, dtype=float)
    if ours.shape != course.shape:
        return math.inf
    if ours.size == 0:
        return 0.0
    scale, diff = np.max(np.abs(course)), np.max(np.abs(ours - course))
    return float(diff / scale) if scale > 0 else float(diff)


def worst(pairs):
    """The worst relDiff over (ours, course) pairs, and the label of the worst pair."""
    diffs = [(relDiff(o, c), label) for label, o, c in pairs]
    return max(diffs, key=lambda d: d[0])


def row(ours, course, compared, option, pairs, tol=TOL, note=""):
    """A row comparing several (label, ours, course) pairs: their worst difference against tol."""
    diff, label = worst(pairs)
    ok = diff <= tol
    if not ok:
        note = (note + "; " if note else "") + f"worst: {label}"
    return Row(ours, course, compared, option, diff, tol, "ok" if ok else "FAIL", note)


def exactRow(ours, course, compared, option, oursValues, courseValues, note=""):
    """Discrete decisions (counts, flags) must be equal entry by entry; diff counts those that differ."""
    a, b = np.asarray(oursValues).ravel(), np.asarray(courseValues).ravel()
    bad = a.size != b.size or bool(np.any(a != b))
    diff = float(max(a.size, b.size)) if a.size != b.size else float(np.count_nonzero(a != b))
    if bad:
        note = (note + "; " if note else "") + f"ours {a.tolist()[:12]}, course {b.tolist()[:12]}"
    return Row(ours, course, compared, option, diff, 0.0, "FAIL" if bad else "ok", note)


def probabilities(rng, n, nc):
    """n x nc class probabilities (rows sum to 1), not one-hot, so every entry of C matters."""
    C = rng.random((n, nc)) + 0.05
    return C / C.sum(axis=1, keepdims=True)


# ================================================================== activations and the layer
ACTIVATIONS = [  # ours, the course's file, how the course's singleLayer.m is told (its param)
    (tanhActivation, "activation/tanhActivation.m", ""),                       # its default
    (sinActivation, "activation/sinActivation.m", "struct('act', @sinActivation)"),   # param.act
    (smoothRelU, "activation/smoothRelU.m", "@smoothRelU"),           # param itself a handle
]


def courseName(path):
    return pathlib.Path(path).stem


def parityActivations(session, rng):
    """A and dA of each activation on random arrays and on the smooth ReLU's joints -0.1, 0, 0.1."""
    Ys = [rng.standard_normal((7, 5)), 0.3 * rng.standard_normal((1, 9)),
          np.array([[-0.1, -0.1 + 1e-17, 0.0, 0.05, 0.1, 0.1 - 1e-17, -0.2, 0.3]])]
    rows = []
    for act, course, _ in ACTIVATIONS:
        pairs = {"A": [], "dA": []}
        for Y in Ys:
            out = session.call(f"[A, dA] = {courseName(course)}(Y); OUT.A = A; OUT.dA = dA;", Y=Y)
            A, dA = act(Y)
            pairs["A"].append((f"A on {Y.shape}", A, out["A"]))      # elementwise: no layout to map
            pairs["dA"].append((f"dA on {Y.shape}", dA, out["dA"]))
        for q in ("A", "dA"):
            rows.append(row(act.__name__, course, f"{q} on 3 arrays (one holds -0.1, 0, 0.1 and neighbours)",
                            "", pairs[q]))
    return rows


LAYER_SHAPES = [(10, 7, 4), (1, 3, 1), (23, 5, 8)]   # n, nf, m


def paritySingleLayer(session, rng):
    """Z and the six Jacobian closures of singleLayer.m, for each activation and shape."""
    rows = []
    for act, actFile, param in ACTIVATIONS:
        Zpairs, Jpairs = [], []
        for n, nf, m in LAYER_SHAPES:
            K, b, Y = rng.standard_normal((nf, m)), float(rng.standard_normal()), rng.standard_normal((n, nf))
            U, V, vb, VY = (rng.standard_normal((n, m)), rng.standard_normal((nf, m)),
                            float(rng.standard_normal()), rng.standard_normal((n, nf)))
            call = f"singleLayer(K, b, Y, {param})" if param else "singleLayer(K, b, Y)"
            out = session.call(f"[Z, JKt, Jbt, JYt, JK, Jb, JY] = {call}; OUT.Z = Z;"
                               "OUT.JKt = JKt(U); OUT.Jbt = Jbt(U); OUT.JYt = JYt(U);"
                               "OUT.JK = JK(V); OUT.Jb = Jb(vb); OUT.JY = JY(VY);",
                               K=toCourse(K), b=b, Y=toCourse(Y), U=toCourse(U), V=toCourse(V), vb=vb,
                               VY=toCourse(VY))
            Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(K, b, Y, act)
            shape = f"(n, nf, m) = {(n, nf, m)}"
            Zpairs.append((f"Z, {shape}", Z, fromCourse(out["Z"], (n, m))))
            Jpairs += [(f"JKt(U), {shape}", JKt(U), fromCourse(out["JKt"], (nf, m))),
                       (f"Jbt(U), {shape}", Jbt(U), out["Jbt"]),
                       (f"JYt(U), {shape}", JYt(U), fromCourse(out["JYt"], (n, nf))),
                       (f"JK(V), {shape}", JK(V), fromCourse(out["JK"], (n, m))),
                       (f"Jb(v), {shape}", Jb(vb), fromCourse(out["Jb"], (n, m))),
                       (f"JY(V), {shape}", JY(VY), fromCourse(out["JY"], (n, m)))]
        course = f"singleLayer/singleLayer.m + {actFile}"
        option = f"act={act.__name__}"
        how = f"; the course's param = {param}" if param else "; the course's default"
        rows += [row("singleLayer", course, "Z (3 shapes)", option + how, Zpairs),
                 row("singleLayer", course, "JKt, Jbt, JYt, JK, Jb, JY (3 shapes)", option + how, Jpairs)]
    return rows


# ================================================================== softMax
SOFTMAX_SHAPES = [(40, 6, 4), (1, 3, 2), (17, 1, 3)]   # n, m, nc


def paritySoftMax(session, rng):
    """E, dEW, d2EW(v), dEY, d2EY(v) of softMax.m, with and without the classifier bias.

    The scores S = Z W are kept moderate (W = 0.3 randn: no class nearly
    certain); where one is, the course's Hessian mat-vec loses digits to
    cancellation, which ``nearCertaintyRow`` measures on its own.
    """
    rows = []
    for bias in (False, True):
        pairs = {"E": [], "grad": [], "hess": []}
        for n, m, nc in SOFTMAX_SHAPES:
            mW = m + 1 if bias else m
            W, Z = 0.3 * rng.standard_normal((mW, nc)), rng.standard_normal((n, m))
            C = probabilities(rng, n, nc)
            VW, VZ = rng.standard_normal((mW, nc)), rng.standard_normal((n, m))
            out = session.call("[E, dEW, d2EW, dEY, d2EY] = softMax(W, Y, C); OUT.E = E; OUT.dEW = dEW;"
                               "OUT.d2EW = d2EW(VW(:)); OUT.dEY = dEY; OUT.d2EY = d2EY(VY(:));",
                               W=toCourse(W), Y=toCourse(Z), C=toCourse(C), VW=toCourse(VW), VY=toCourse(VZ))
            E, dEW, d2EW, dEZ, d2EZ = softMax(W, Z, C, bias=bias, hessianShift=1e-5)
            shape = f"(n, m, nc) = {(n, m, nc)}"
            pairs["E"].append((f"E, {shape}", E, out["E"]))
            pairs["grad"] += [(f"dEW, {shape}", dEW, fromCourse(out["dEW"], (mW, nc))),
                              (f"dEY, {shape}", dEZ, fromCourse(out["dEY"], (n, m)))]
            pairs["hess"] += [(f"d2EW(v), {shape}", d2EW(VW), fromCourse(out["d2EW"], (mW, nc))),
                              (f"d2EY(v), {shape}", d2EZ(VZ), fromCourse(out["d2EY"], (n, m)))]
        option = f"bias={bias}"
        course = "classification/softMax.m"
        what = " (W nc x (m+1): the course tells the bias from the size of W)" if bias else ""
        rows += [row("softMax", course, "E (3 shapes)" + what, option, pairs["E"]),
                 row("softMax", course, "dEW, dEY (3 shapes)", option, pairs["grad"]),
                 row("softMax", course, "d2EW(v), d2EY(v) (3 shapes)", option + ", hessianShift=1e-5",
                     pairs["hess"], note="the course adds 1e-5 v to both Hessian mat-vecs; ours only "
                                         "when asked (hessianShift, default 0)")]
    return rows + [nearCertaintyRow(session, rng)]


def nearCertaintyRow(session, rng, n=20, m=3, nc=3):
    """d2EW(v) where one class is nearly certain: both sides against an extended-precision evaluation.

    softMax.m computes Hess_S E [U] as (U.*expS)./sS - expS.*(sum(expS.*U)./sS.^2),
    a difference of nearly equal terms when one probability is close to 1; our
    crossEntropy shifts U by its entry at the most likely class first (the
    Hessian maps constant rows to 0). The reference is the same formula in
    numpy's longdouble (64-bit mantissa on x86-64), which tells whose rounding
    the difference is.
    """
    W, Z = 0.3 * rng.standard_normal((m + 1, nc)), rng.standard_normal((n, m))
    W[m, 0] += 14.0                      # the bias row makes class 1 nearly certain for every example
    C, V = probabilities(rng, n, nc), rng.standard_normal((m + 1, nc))
    out = session.call("[~, ~, d2EW] = softMax(W, Y, C); OUT.Hv = d2EW(V(:));",
                       W=toCourse(W), Y=toCourse(Z), C=toCourse(C), V=toCourse(V))
    ours, course = softMax(W, Z, C, bias=True, hessianShift=1e-5)[2](V), fromCourse(out["Hv"], V.shape)
    L = np.longdouble
    Zb = np.column_stack([Z, np.ones(n)]).astype(L)
    S = Zb @ W.astype(L)
    P = np.exp(S - S.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    U = Zb @ V.astype(L)
    exact = Zb.T @ (P * U - P * (P * U).sum(axis=1, keepdims=True)) / n + L(1e-5) * V.astype(L)
    errOurs, errCourse = (float(np.max(np.abs(a - exact)) / np.max(np.abs(exact))) for a in (ours, course))
    diff = relDiff(ours, course)
    extended = np.finfo(L).eps < 1e-17
    known = diff <= TOL or (extended and errOurs <= TOL and errCourse >= 0.5 * diff)
    note = (f"class 1 has probability 1 - {float(np.median(1 - P[:, 0])):.0e} (median over the examples): "
            f"against a longdouble evaluation ours is off by {errOurs:.1e}, the course by {errCourse:.1e} "
            "(its formula cancels near certainty)"
            if extended else "no extended precision on this machine to tell whose rounding it is")
    return Row("softMax", "classification/softMax.m", "d2EW(v) with one class nearly certain",
               "bias=True, hessianShift=1e-5", diff, TOL,
               "ok" if diff <= TOL else ("known" if known else "FAIL"), note)


# ================================================================== the objective
OBJECTIVE_SHAPES = [(30, 5, 4, 3), (7, 2, 1, 2), (50, 6, 8, 4)]   # n, nf, m, nc
# (our act, our reg, the course's paramSL, its paramReg): each evaluated on every shape
LAM = 1e-2
OBJECTIVE_VARIANTS = [
    ("tanh", False, "[]", "[]"),
    ("tanh", True, "[]", f"struct('L', 1, 'lambda', {LAM})"),
    ("sine", True, "struct('act', @sinActivation)", f"struct('L', 1, 'lambda', {LAM})"),
    ("smoothRelu", False, "@smoothRelU", "[]"),
]


def parityObjective(session, rng):
    """Ec, dE and H(v) of singleLayerNNObjFun.m, with and without the bias, activations and paramReg."""
    rows = []
    for bias in (False, True):
        pairs = {"Ec": [], "dE": [], "Hv": []}
        for n, nf, m, nc in OBJECTIVE_SHAPES:
            mW = m + 1 if bias else m
            Y, C = rng.standard_normal((n, nf)), probabilities(rng, n, nc)
            x, v = 0.5 * rng.standard_normal(nf * m + 1 + mW * nc), rng.standard_normal(nf * m + 1 + mW * nc)
            code = "".join(f"[Ec, dE, H] = singleLayerNNObjFun(x, Y, C, m, {sl}, {rg});"
                           f"OUT.Ec{k} = Ec; OUT.dE{k} = dE; OUT.Hv{k} = H(v);"
                           for k, (_, _, sl, rg) in enumerate(OBJECTIVE_VARIANTS))
            out = session.call(code, x=xToCourse(x, nf, m, nc, bias), Y=toCourse(Y), C=toCourse(C), m=m,
                               v=xToCourse(v, nf, m, nc, bias))
            for k, (act, reg, _, _) in enumerate(OBJECTIVE_VARIANTS):
                R = (lambda x: genTikhonov(x, LAM, 1.0)) if reg else None
                Ec, dE, H = singleLayerNNObjFun(x, Y, C, m, act=act, reg=R, hessian="course", bias=bias)
                label = f"{act}{', reg' if reg else ''}, (n, nf, m, nc) = {(n, nf, m, nc)}"
                pairs["Ec"].append((label, Ec, out[f"Ec{k}"]))
                pairs["dE"].append((label, dE, gradientFromCourse(out[f"dE{k}"], nf, m, nc, bias)))
                pairs["Hv"].append((label, H(v), xFromCourse(out[f"Hv{k}"], nf, m, nc, bias)))  # P' Hc(P v)
        course = "singleLayer/singleLayerNNObjFun.m"
        what = "3 shapes x {tanh, tanh + paramReg, sin + paramReg, smoothRelU}"
        option = f"bias={bias}, reg=genTikhonov(x, {LAM}, L=1) where the course has paramReg"
        rows += [row("singleLayerNNObjFun", course, f"Ec ({what})", option, pairs["Ec"]),
                 row("singleLayerNNObjFun", course, f"dE ({what})", option, pairs["dE"]),
                 row("singleLayerNNObjFun", course, f"H(v) ({what})", option + ', hessian="course"',
                     pairs["Hv"],
                     note="the course's H is block-diagonal (no (K, b)-W coupling) with the 1e-5 shifts of "
                          "softMax.m; ours is the full Gauss-Newton H unless hessian=\"course\"")]
    return rows


# ================================================================== genTikhonov, getLaplacian
def parityGenTikhonov(session, rng):
    """Rc, dR, d2R(v) of genTikhonov.m with L = 1, a dense L, and the course's 2-D Laplacian."""
    x, v = rng.standard_normal(13), rng.standard_normal(13)
    Ld = rng.standard_normal((4, 3))
    xd, vd = rng.standard_normal(12), rng.standard_normal(12)          # read as 3 x 4: L acts on columns
    nImg, h = (4, 5), (0.25, 0.2)
    xl, vl = rng.standard_normal(2 * 20), rng.standard_normal(2 * 20)   # two 4 x 5 images
    out = session.call(
        "cases = {struct('L', 1, 'lambda', 0.7), struct('L', Ld, 'lambda', 2.0),"
        "         struct('L', getLaplacian(nImg, h), 'lambda', 0.3)};  xs = {x, xd, xl}; vs = {v, vd, vl};"
        "for k = 1:3, [Rc, dR, d2R] = genTikhonov(xs{k}, cases{k});"
        "  OUT.(sprintf('R%d', k)) = Rc; OUT.(sprintf('dR%d', k)) = dR;"
        "  OUT.(sprintf('Hv%d', k)) = d2R(vs{k});"
        "end; OUT.Lap = getLaplacian(nImg, h);",
        x=x, v=v, Ld=Ld, xd=xd, vd=vd, nImg=np.array(nImg, dtype=float), h=np.array(h), xl=xl, vl=vl)
    Lap = out["Lap"]
    rows = []
    for k, (xk, vk, lam, L, what) in enumerate([(x, v, 0.7, 1.0, "L = 1"), (xd, vd, 2.0, Ld, "L dense 4 x 3"),
                                                (xl, vl, 0.3, Lap, "L = getLaplacian([4 5], [1/4 1/5])")],
                                               start=1):
        Rc, dR, d2R = genTikhonov(xk, lam, L)
        rows.append(row("genTikhonov", "regularization/genTikhonov.m", f"Rc, dR, d2R(v), {what}",
                        "L passed as the same matrix (the Laplacian pulled from Octave)",
                        [("Rc", Rc, out[f"R{k}"]), ("dR", dR, np.ravel(out[f"dR{k}"])),
                         ("d2R(v)", d2R(vk), np.ravel(out[f"Hv{k}"]))]))
    return rows + [laplacianRow(session)]


def laplacianRow(session):
    """What getLaplacian.m supports: only 2-D grids (ndims of any vector is 2 in MATLAB/Octave)."""
    out = session.call("try, getLaplacian(5, 1); OUT.scalar = 'no error';"
                       "catch err, OUT.scalar = err.message; end;"
                       "OUT.size3 = size(getLaplacian([4 5 3], [1 1 1]));"
                       "OUT.size2 = size(getLaplacian([4 5], [1 1]));")
    size3, size2 = tuple(np.ravel(out["size3"]).astype(int)), tuple(np.ravel(out["size2"]).astype(int))
    asDocumented = "out of bound" in out["scalar"] and size3 == (20, 20) and size2 == (20, 20)
    note = (f"getLaplacian.m switches on ndims(nImg), which is 2 for every vector: only its 2-D case runs. "
            f"A 1-D size errors ({out['scalar']!r}); a 3-D size [4 5 3] returns the {size3[0]} x {size3[1]} "
            f"2-D Laplacian of its first two sizes, not 60 x 60. Its case 1 would also return no L.")
    return Row("(none: ours takes any L)", "regularization/getLaplacian.m", "which grids it supports", "",
               0.0 if asDocumented else math.inf, 0.0, "known" if asDocumented else "FAIL", note)


# ================================================================== the adversarial objective
ADV_SHAPES = [(5, 3, 4, 3), (1, 6, 5, 2), (8, 4, 3, 4)]   # n, nf, m, nc


def parityAdversarial(session, rng):
    """Ec and dE of singleLayerAdvObjFun.m; its H handle errors when called (documented)."""
    pairs = {"Ec": [], "dE": []}
    errors = []
    for bias in (False, True):
        for n, nf, m, nc in ADV_SHAPES:
            mW = m + 1 if bias else m
            K, b, W = rng.standard_normal((nf, m)), 0.2, rng.standard_normal((mW, nc))
            Y, D = rng.standard_normal((n, nf)), 0.3 * rng.standard_normal((n, nf))
            C = np.eye(nc)[rng.integers(nc, size=n)]
            lam = 0.1
            out = session.call(
                "reg = struct('L', speye(numel(Yd)), 'lambda', lam);"
                "[Ec, dE] = singleLayerAdvObjFun(Yd(:), K, b, W, C); OUT.Ec1 = Ec; OUT.dE1 = dE;"
                "[Ec, dE, H] = singleLayerAdvObjFun(Yd(:), K, b, W, C, struct('act', @sinActivation), reg);"
                "OUT.Ec2 = Ec; OUT.dE2 = dE;"
                "try, H(Yd(:)); OUT.Herr = ''; catch err, OUT.Herr = err.message; end",
                Yd=toCourse(Y + D), K=toCourse(K), b=b, W=toCourse(W), C=toCourse(C), lam=lam)
            errors.append(out["Herr"])
            # the course's unknown is the perturbed example y + d and it regularises it; ours is d,
            # so the course's R(y + d) is passed to ours as a regulariser of d
            Ry = lambda dv, Y=Y, lam=lam: genTikhonov(dv + vec(Y), lam, 1.0)       # noqa: E731
            label = f"bias={bias}, (n, nf, m, nc) = {(n, nf, m, nc)}"
            for k, (act, reg) in enumerate([("tanh", None), ("sine", Ry)], start=1):
                Ec, dE, _ = singleLayerAdvObjFun(D, Y, K, b, W, C, act=act, reg=reg, bias=bias)
                pairs["Ec"].append((f"{act}, {label}", Ec, out[f"Ec{k}"]))
                pairs["dE"].append((f"{act}, {label}", mat(dE, (n, nf)), fromCourse(out[f"dE{k}"], (n, nf))))
    course = "singleLayer/singleLayerAdvObjFun.m"
    what = "3 shapes x bias {False, True} x {tanh, sin + paramRegKb}"
    option = ("bias as the course's W; d = (its unknown) - Y; reg(d) = genTikhonov(Y + d, 0.1) for its "
              "paramRegKb")
    note = ("the course's unknown is the perturbed example itself and its regulariser acts on it; "
            "ours is the perturbation d")
    rows = [row("singleLayerAdvObjFun", course, f"Ec ({what})", option, pairs["Ec"], note=note),
            row("singleLayerAdvObjFun", course, f"dE ({what})", option, pairs["dE"], note=note)]
    failed = all(e for e in errors)
    rows.append(Row("singleLayerAdvObjFun", course, "H(v): the course's Hessian handle", "",
                    0.0 if failed else math.inf, 0.0, "known" if failed else "FAIL",
                    f"the course's H errors when called ({sorted(set(errors))[0]!r}: it refers to d2R(x), "
                    "neither defined there); ours is the Gauss-Newton H, Taylor-tested in "
                    "tests/test_singleLayerAdvObjFun.py" if failed else
                    "the course's H no longer errors: compare it with ours"))
    return rows


# ================================================================== Rosenbrock
def parityRosenbrock(session, rng):
    points = [np.array([4.0, 2.0]), np.array([1.0, 1.0]), *(rng.uniform(-2, 2, 2) for _ in range(5))]
    pairs = {"f": [], "df": [], "d2f": []}
    for x in points:
        out = session.call("[f, df, d2f] = Rosenbrock(x); OUT.f = f; OUT.df = df; OUT.d2f = d2f;", x=x)
        f, df, d2f = Rosenbrock(x)
        for key, ours in (("f", f), ("df", df), ("d2f", d2f)):
            pairs[key].append((f"{key} at {np.round(x, 3)}", ours, np.reshape(out[key], np.shape(ours))))
    return [row("Rosenbrock", "test/Rosenbrock.m", f"{key} at 7 points", "", pairs[key])
            for key in ("f", "df", "d2f")]


# ================================================================== pcg (Octave's, called by newtoncg.m)
def parityPcg(session, rng):
    """Our pcg.py against Octave's pcg, the solver newtoncg.m calls, on SPD systems of known conditioning.

    The settings are the course's: newtoncg.m's defaults (tol 1e-2, maxit 10),
    converged and stopped at maxit, and its Peaks example's (1e-6, up to 200).
    CG's iterates amplify rounding (more so the more iterations and the worse
    the conditioning), so x and relres are compared at a measured tolerance:
    the spread of our own solve when b moves by one ulp or every product A v
    rounds differently.
    """
    rows, course = [], "Octave's pcg (called by optimization/newtoncg.m)"
    cases = [  # n, cond(A), b's weight on large eigenvalues, tol, maxit, what happens
        (50, 1e2, 0.0, 1e-2, 10, "converges"),
        (50, 1e4, 0.5, 1e-6, 10, "stops at maxit: the iterate of smallest residual"),
        (50, 1e6, 0.0, 1e-2, 10, "stops at maxit: no iterate beats x = 0"),
        (200, 1e2, 0.0, 1e-6, 200, "converges in many iterations"),
    ]
    for n, cond, weight, tol, maxit, what in cases:
        Q = np.linalg.qr(rng.standard_normal((n, n)))[0]
        eigenvalues = np.geomspace(1, cond, n)
        A = (Q * eigenvalues) @ Q.T
        A = (A + A.T) / 2
        b = Q @ (rng.standard_normal(n) * eigenvalues ** weight)
        out = session.call("[x, flag, relres, iter] = pcg(A, b, tol, maxit); OUT.x = x; OUT.flag = flag;"
                           "OUT.relres = relres; OUT.iter = iter;", A=A, b=b, tol=tol, maxit=maxit)
        jittered = [roundedDifferently(lambda v, A=A: (A @ v, A @ v), seed) for seed in range(8)]
        operators = [LinearOperator((n, n), matvec=lambda v, f=f: f(v)[0], dtype=float) for f in jittered]
        solves = [pcg(A, b, tol, maxit), pcg(A, onePastEach(b), tol, maxit)] + [pcg(M, b, tol, maxit)
                                                                                for M in operators]
        x, flag, relres, it = solves[0]
        label = f"{what} (n = {n}, cond {cond:g}, tol {tol:g}, maxit {maxit})"
        runs = [(None, {"x": s[0], "relres": s[2]}, None) for s in solves]
        rows.append(row("pcg", course, f"x: {label}", "", [("x", x, np.ravel(out["x"]))],
                        measuredTolerance(runs, lambda run: run[1]["x"])))
        if flag == 0:   # converged: relres is rounding below tol; pcg's contract is relres <= tol
            both = max(relres, float(out["relres"]))
            rows.append(Row("pcg", course, f"relres <= tol on both sides: {label}", "", both, tol,
                            "ok" if both <= tol else "FAIL", ""))
        else:
            rows.append(row("pcg", course, f"relres: {label}", "", [("relres", relres, out["relres"])],
                            measuredTolerance(runs, lambda run: run[1]["relres"])))
        counts = sorted({s[3] for s in solves})
        if len(counts) == 1:   # the stopping iteration does not depend on rounding: it must be the same
            rows.append(exactRow("pcg", course, f"flag, iter: {label}", "", [flag, it],
                                 [int(out["flag"]), int(out["iter"])]))
        else:   # a residual lands within rounding of tol: our own perturbed runs stop at either count
            courseFlag, courseIt = int(out["flag"]), int(out["iter"])
            ok = courseFlag == flag and counts[0] <= courseIt <= counts[-1]
            rows.append(Row("pcg", course, f"flag, iter: {label}", "",
                            float(courseFlag != flag) + float(not ok), 0.0, "ok" if ok else "FAIL",
                            f"the iteration CG stops at depends on rounding here, so the course's must be "
                            f"one of our runs': ours {it}, course {courseIt}, ours perturbed by one ulp "
                            f"{counts}"))
    return rows


# ================================================================== optimisers: helpers
TABLE_LINE = re.compile(r"^\s*\d+\.\d+\t")      # newtoncg / steepestDescent: "  3.2\t1.23e+00..."
EPOCH_LINE = re.compile(r"^\s*\d+\t")           # sgd: "  3\t1.23e+00\t..."


def tableLines(printed, pattern):
    return [line.rstrip() for line in printed.splitlines() if pattern.match(line)]


def trialsPerIteration(lines):
    """Line-search trials of each iteration, counted from the printed ``k.ls`` lines (ls >= 1)."""
    counts = {}
    for line in lines:
        k, ls = (int(t) for t in line.split("\t")[0].strip().split("."))
        counts.setdefault(k, 0)
        counts[k] += ls >= 1
    return np.array([counts[k] for k in sorted(counts)])


def stepsFromTrials(trials):
    """The step factor mu of each iteration, by the rule of newtoncg.m and steepestDescent.m.

    mu starts at 1 (maxStep's scaling is in the direction), halves after each
    rejected trial, and grows to min(1.5 mu, 1) after an iteration whose first
    trial was accepted.
    """
    mu, taken = 1.0, []
    for ls in trials:
        mu /= 2 ** (ls - 1)
        taken.append(mu)
        if ls == 1:
            mu = min(1.5 * mu, 1.0)
    return np.array(taken)


def printed(run):
    """Run ``run()`` with its printing captured: (result, printed text)."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        result = run()
    return result, buffer.getvalue()


def onePastEach(a):
    """Each entry moved by one ulp: the smallest change of an input there is."""
    return np.nextafter(np.asarray(a, dtype=float), np.inf)


def roundedDifferently(fun, seed):
    """``fun`` with every output entry (f, g and H v) moved by up to one ulp at random.

    A model of another implementation of the same formulas: Octave's tanh, exp
    and BLAS round differently at every evaluation, not only once at the input.
    """
    rng, eps = np.random.default_rng(seed), np.finfo(float).eps

    def jitter(a):
        return np.asarray(a) * (1 + eps * rng.uniform(-1, 1, np.shape(a)))

    def noisy(*args):
        out = fun(*args)
        f, g = jitter(out[0]), jitter(out[1])
        if len(out) < 3 or out[2] is None:
            return f, g
        H = out[2]
        return f, g, ((lambda v: jitter(H(v))) if callable(H) else jitter(H))

    return noisy


def measuredTolerance(runs, get):
    """AMPLIFICATION x the largest spread of ``get(run)`` over our perturbed runs, never below TOL.

    runs[0] is the reference run, runs[1:] the same run with its inputs moved
    by one ulp or every evaluation rounded differently. The spread is a sample
    of how much this iteration amplifies rounding; Octave rounds differently at
    every operation, and its difference is a few times that spread (up to 5.8
    times for newtoncg.m on the inverse crime, crosscheck/README.md's table),
    hence the factor 10, fixed once for every comparison.
    """
    spread = max(relDiff(get(run), get(runs[0])) for run in runs[1:])
    return max(TOL, AMPLIFICATION * spread)


def tableRow(ours, course, problem, oursLines, courseLines):
    """The iteration tables both print: equal line by line (the headers differ and are left out)."""
    n = max(len(oursLines), len(courseLines))
    differ = [i for i in range(n) if i >= len(oursLines) or i >= len(courseLines)
              or oursLines[i] != courseLines[i]]
    note = "" if not differ else (f"first difference, line {differ[0] + 1}: ours "
                                  f"{(oursLines + [''] * n)[differ[0]]!r}, course "
                                  f"{(courseLines + [''] * n)[differ[0]]!r}")
    return Row(ours, course, f"{problem}: printed table, {len(courseLines)} lines", "verbose=2",
               float(len(differ)), 0.0, "FAIL" if differ else "ok", note)


def inverseCrime(rng, n=500, nf=50, nc=10, m=40, btrue=0.1):
    """The lecture's test problem (slide "Test Problem") with the classifier bias of the course's examples."""
    Ktrue, Wtrue = rng.standard_normal((nf, m)), rng.standard_normal((m + 1, nc))
    Y = rng.standard_normal((n, nf))
    S = np.column_stack([singleLayer(Ktrue, btrue, Y)[0], np.ones(n)]) @ Wtrue
    C = np.exp(S - S.max(axis=1, keepdims=True))
    C /= C.sum(axis=1, keepdims=True)
    x0 = rng.standard_normal(nf * m + 1 + (m + 1) * nc)
    return Y, C, m, x0


def historyRows(ours, course, problem, runs, courseHis, courseX, toOurs, first=0, unit="iterates"):
    """Our reference run (runs[0]) against the course's: history and iterates, at measured tolerances.

    Our history entry ``first + i`` (and iterate ``xAll[first + i]``) is the
    course's i-th: ``courseHis`` maps keys of our history to the course's
    values, ``courseX`` holds the course's iterates in its layout, one per
    column, and ``toOurs`` maps one of them into our layout.
    """
    _, his, xAll = runs[0]
    rows = []
    for key, values in courseHis.items():
        values = np.ravel(values)
        part = slice(first, first + values.size)
        tol = measuredTolerance(runs, lambda run, key=key, part=part: run[1][key][part])
        rows.append(row(ours, course, f"{problem}: {key} of {values.size} {unit}", "",
                        [(key, his[key][part], values)], tol))
    part = slice(first, first + courseX.shape[1])
    tol = measuredTolerance(runs, lambda run: run[2][part])
    rows.append(row(ours, course, f"{problem}: x after {courseX.shape[1]} {unit}" if first else
                    f"{problem}: x of {courseX.shape[1]} {unit}", "",
                    [("x", xAll[part], np.array([toOurs(c) for c in courseX.T]))], tol))
    return rows


# ================================================================== newtoncg
def newtonProblems(rng):
    """Each: problem, our fun, the course's, inputs to push, x0, x to/from the course, maxIter, perturbed."""
    Y, C, m, x0 = inverseCrime(rng)
    nf, nc = Y.shape[1], C.shape[1]

    def crime(Y):
        return lambda x: singleLayerNNObjFun(x, Y, C, m, hessian="course", bias=True)

    identity = lambda x: np.asarray(x, dtype=float).ravel()   # noqa: E731 - Rosenbrock's x is the same in both
    return [
        ("Rosenbrock from [4; 2]", Rosenbrock, "@(x, varargin) Rosenbrock(x)", {}, np.array([4.0, 2.0]),
         identity, identity, 30,
         [(Rosenbrock, onePastEach([4.0, 2.0]))] + [(roundedDifferently(Rosenbrock, s), [4.0, 2.0])
                                                     for s in range(JITTERED_RUNS)]),
        ("inverse crime with bias (n, nf, m, nc = 500, 50, 40, 10)", crime(Y),
         "@(x, varargin) singleLayerNNObjFun(x, Y, C, m)",
         dict(Y=toCourse(Y), C=toCourse(C), m=m), x0,
         lambda x: xToCourse(x, nf, m, nc, True), lambda xc: xFromCourse(xc, nf, m, nc, True), 12,
         [(crime(Y), onePastEach(x0)), (crime(onePastEach(Y)), x0)]
         + [(roundedDifferently(crime(Y), s), x0) for s in range(JITTERED_RUNS)]),
    ]


def parityNewtonCG(session, rng):
    """newtoncg.m against newtonCG(hessian="course" where the objective has one), from the same start."""
    rows, course = [], "optimization/newtoncg.m"
    for problem, fun, courseFun, inputs, x0, toCourseX, fromCourseX, maxIter, perturbed in \
            newtonProblems(rng):
        run = "[xc, his, xAll] = newtoncg(fun, x0, param);"
        out = session.call(
            f"fun = {courseFun}; param = struct('maxIter', maxIter);"
            f"OUT.printed = evalc({octaveString(run)}); OUT.his = his; OUT.xAll = [xAll, xc];"
            # newtoncg.m does not return its CG decisions: replay its pcg call at its own iterates
            "for j = 1:maxIter, [~, dobj, H] = fun(xAll(:, j));"
            "  [s, ~, relres, iter] = pcg(H, -dobj, 1e-2, 10); OUT.cgIter(j) = iter; OUT.relres(j) = relres;"
            "  if norm(s) == 0, s = -dobj/norm(dobj); end;"       # the descent fallbacks of newtoncg.m
            "  if s(:)'*dobj(:) > 0, s = -dobj; end;"
            "  OUT.s(:, j) = s; end",
            x0=toCourseX(x0), maxIter=maxIter, **inputs)
        param = {"maxIter": maxIter, "verbose": 0}
        ref, text = printed(lambda fun=fun, x0=x0, param=param: newtonCG(fun, x0, {**param, "verbose": 2}))
        runs = [ref] + [newtonCG(f, x, param) for f, x in perturbed]
        his, courseLines = ref[1], tableLines(out["printed"], TABLE_LINE)
        trials = trialsPerIteration(courseLines)
        rows.append(tableRow("newtonCG", course, problem, tableLines(text, TABLE_LINE), courseLines))
        rows += historyRows("newtonCG", course, problem, runs,
                            {"obj": out["his"][:, 0], "normGrad": out["his"][:, 1]}, out["xAll"], fromCourseX)
        rows.append(exactRow("newtonCG", course, f"{problem}: line-search trials, step mu", "",
                             np.concatenate([his["lsIter"][1:], his["mu"][1:]]),
                             np.concatenate([trials, stepsFromTrials(trials)])))
        rows.append(exactRow("newtonCG", course, f"{problem}: CG iterations of each step",
                             "the course's: its pcg call replayed at its iterates",
                             his["cgIter"][1:], np.ravel(out["cgIter"]).astype(int)))
        relres = np.ravel(out["relres"])
        rows.append(row("newtonCG", course, f"{problem}: CG relative residual of each step", "",
                        [("relres", his["cgRelRes"][1:], relres)],
                        measuredTolerance(runs, lambda run: run[1]["cgRelRes"][1:])))
        # the replay is the course's own step: x_{j+1} = x_j + mu_j s_j with mu_j from its printed trials
        X, S = out["xAll"], np.atleast_2d(out["s"]).reshape(len(toCourseX(x0)), -1, order="F")
        mus = stepsFromTrials(trials)
        rows.append(row("newtonCG", course, f"{problem}: the replayed pcg steps give the course's iterates",
                        "(checks the replay)", [(f"step {j + 1}", X[:, j] + mus[j] * S[:, j], X[:, j + 1])
                                                for j in range(maxIter)]))
    return rows


# ================================================================== steepestDescent
def paritySteepestDescent(session, rng):
    """steepestDescent.m against ours from the same start: Rosenbrock and the inverse crime with bias."""
    Y, C, m, x0 = inverseCrime(rng)
    nf, nc = Y.shape[1], C.shape[1]

    def crime(Y):
        return lambda x: singleLayerNNObjFun(x, Y, C, m, bias=True)[:2]

    identity = lambda x: np.asarray(x, dtype=float).ravel()   # noqa: E731
    problems = [
        ("Rosenbrock from [4; 2], maxStep 1", Rosenbrock, "@Rosenbrock", {}, np.array([4.0, 2.0]), identity,
         identity, 40, [(Rosenbrock, onePastEach([4.0, 2.0]))]
         + [(roundedDifferently(Rosenbrock, s), [4.0, 2.0]) for s in range(JITTERED_RUNS)]),
        ("inverse crime with bias, maxStep 1", crime(Y), "@(x) singleLayerNNObjFun(x, Y, C, m)",
         dict(Y=toCourse(Y), C=toCourse(C), m=m), x0, lambda x: xToCourse(x, nf, m, nc, True),
         lambda xc: xFromCourse(xc, nf, m, nc, True), 20,
         [(crime(Y), onePastEach(x0)), (crime(onePastEach(Y)), x0)]
         + [(roundedDifferently(crime(Y), s), x0) for s in range(JITTERED_RUNS)]),
    ]
    rows, course = [], "optimization/steepestDescent.m"
    for problem, fun, courseFun, inputs, x0, toCourseX, fromCourseX, maxIter, perturbed in problems:
        run = "[xc, his, xAll] = steepestDescent(fun, x0, param);"
        out = session.call(f"fun = {courseFun}; param = struct('maxIter', maxIter, 'maxStep', 1);"
                           f"OUT.printed = evalc({octaveString(run)}); OUT.his = his; OUT.xAll = xAll;",
                           x0=toCourseX(x0), maxIter=maxIter, **inputs)
        param = {"maxIter": maxIter, "maxStep": 1.0, "verbose": 0}
        ref, text = printed(lambda fun=fun, x0=x0, param=param:
                            steepestDescent(fun, x0, {**param, "verbose": 2}))
        runs = [ref] + [steepestDescent(f, x, param) for f, x in perturbed]
        his, courseLines = ref[1], tableLines(out["printed"], TABLE_LINE)
        trials = trialsPerIteration(courseLines)
        rows.append(tableRow("steepestDescent", course, problem, tableLines(text, TABLE_LINE), courseLines))
        # the course records obj and norm(grad) at the start of iterations 1..maxIter (ours 0..maxIter-1)
        # and the iterates after each iteration (ours: x0 first)
        rows += historyRows("steepestDescent", course, problem, runs,
                            {"obj": out["his"][:, 0], "normGrad": out["his"][:, 1]},
                            np.column_stack([toCourseX(x0), out["xAll"]]), fromCourseX)
        rows.append(exactRow("steepestDescent", course, f"{problem}: line-search trials, step mu", "",
                             np.concatenate([his["lsIter"][1:], his["mu"][1:]]),
                             np.concatenate([trials, stepsFromTrials(trials)])))
    return rows


# ================================================================== sgd
def paritySgd(session, rng):
    """sgd.m against ours on the same shuffles: the randperm shim replays the permutations ours draws.

    Ours draws ``np.random.default_rng(seed).permutation(n)`` once per epoch
    (sgd.py: ``perm = rng.permutation(n)`` at the start of every epoch, its
    only draw); the same seed gives the same sequence here, pushed 1-based.
    Two set-ups: mini-batches of an objective that uses them (the fctn that
    sgd.m's header describes) with momentum, and the course's Peaks example's
    (ESingleLayer_PeaksSGD.m), whose fctn ignores the batch (checkIndices=False
    on our side): sin, genTikhonov L = 1, lambda 1e-4, batchSize 2, lr 1.
    With n <= 5000, the objective sgd.m evaluates after each epoch, on the
    examples 1:min(n, 5000), is ours on all n.
    """
    Y, C = setupPeaks(np=40, nc=4, ns=64, seed=rng)
    n, nf, nc, m = Y.shape[0], Y.shape[1], C.shape[1], 6
    x0 = rng.standard_normal(nf * m + 1 + (m + 1) * nc)
    reg = lambda x: genTikhonov(x, 1e-4, 1.0)   # noqa: E731
    setups = [  # problem, our fun(Y) of (x, idx), the course's fctn, param, our extra param
        ("mini-batches, momentum 0.9",
         lambda Y: (lambda x, idx: singleLayerNNObjFun(x, Y[idx], C[idx], m, act="sine", bias=True)),
         "@(x, S) singleLayerNNObjFun(x, Y(:, S), C(:, S), m, struct('act', @sinActivation))",
         dict(lr=np.array([0.5, 0.5, 0.2, 0.2]), batchSize=8, momentum=0.9), {}),
        ("the course's Peaks example: full batch",
         lambda Y: (lambda x, idx: singleLayerNNObjFun(x, Y, C, m, act="sine", reg=reg, bias=True)),
         "@(x, varargin) singleLayerNNObjFun(x, Y, C, m, struct('act', @sinActivation), "
         "struct('L', 1, 'lambda', 1e-4, 'nc', 1))",
         dict(lr=np.ones(3), batchSize=2, momentum=0.0), {"checkIndices": False}),
    ]
    rows, course = [], "optimization/sgd.m"
    for k, (problem, fun, fctn, param, extra) in enumerate(setups):
        seed = 100 + k
        shuffles = np.random.default_rng(seed)
        perms = np.column_stack([shuffles.permutation(n) + 1 for _ in param["lr"]])   # 1-based, one per epoch
        run = "[xc, his, xAll] = sgd(fctn, x0, param);"
        with session.replaying("randperm", perms) as replay:
            out = session.call(f"fctn = {fctn}; param = struct('lr', lr, 'n', n, 'batchSize', batchSize,"
                               f"'momentum', momentum); OUT.printed = evalc({octaveString(run)});"
                               "OUT.his = his; OUT.xAll = xAll;",
                               x0=xToCourse(x0, nf, m, nc, True), Y=toCourse(Y), C=toCourse(C), m=m, n=n,
                               **param)
        ours = {**param, **extra, "n": n, "rng": seed, "verbose": 0}
        ref, text = printed(lambda fun=fun, ours=ours: sgd(fun(Y), x0, {**ours, "verbose": 2}))
        runs = [ref, sgd(fun(Y), onePastEach(x0), ours), sgd(fun(onePastEach(Y)), x0, ours)]
        runs += [sgd(roundedDifferently(fun(Y), s), x0, ours) for s in range(JITTERED_RUNS)]
        problem = f"{problem} ({len(param['lr'])} epochs, n = {n})"
        rows.append(tableRow("sgd", course, problem, tableLines(text, EPOCH_LINE),
                             tableLines(out["printed"], EPOCH_LINE)))
        his = np.atleast_2d(out["his"])          # epochs 1, 2, ... (ours: entry 0 is x0)
        rows += historyRows("sgd", course, problem, runs, {"obj": his[:, 0], "normStep": his[:, 1]},
                            np.atleast_2d(out["xAll"]), lambda xc: xFromCourse(xc, nf, m, nc, True),
                            first=1, unit="epochs")
        rows.append(exactRow("sgd", course, f"{problem}: permutations replayed, none left over",
                             "the randperm shim", [replay.left], [0]))
    return rows


# ================================================================== setupPeaks
def gridIndex(points, ns):
    """The (row, column) of each point (x, y) on the ns x ns peaks grid of [-3, 3]^2 (nearest node)."""
    step = 6 / (ns - 1)
    j = np.rint((points[:, 0] + 3) / step).astype(int)      # x = X[i, j] varies along columns
    i = np.rint((points[:, 1] + 3) / step).astype(int)      # y = Y[i, j] along rows
    return i, j


def courseLabels(session, ns, nc):
    """The class setupPeaks.m gives every grid point, read off the course's own output.

    With np = nc ns^2 it draws ns^2 points per class; the randi shim, told to
    enumerate, returns 1..imax for each class, so the course's Y lists every
    grid point of class k (in MATLAB's column-major order of ``xx(ccb == k)``),
    then repeats the last. Returns the ns x ns labels, the order of each
    class's points, and the class sizes randi was called with.
    """
    with session.replaying("randi", np.zeros((1, 0)), enumerate=True) as replay:
        out = session.call("[Yc, Cc] = setupPeaks(np, nc, ns); OUT.Y = Yc;", np=nc * ns * ns, nc=nc, ns=ns)
    points = np.asarray(out["Y"]).T                    # ours: one point per row
    labels, orders = -np.ones((ns, ns), dtype=int), []
    for k, count in enumerate(replay.imax):
        i, j = gridIndex(points[k * ns * ns: k * ns * ns + count], ns)
        labels[i, j] = k
        orders.append(j * ns + i)                      # column-major position of each point, in order
    return labels, orders, replay.imax, points


def parityPeaks(session, rng):
    """Octave's peaks, then setupPeaks.m's labels of every grid point, then its sampled points.

    The course's file runs unmodified: ``figure``/``clf``/``imagesc`` are the
    headless shims, ``randi`` replays draws we give it. Labels are compared
    on the course's default grid (ns = 256, nc = 5) and on ns = 49, where the
    course's top bin test ``cc <= mncc + nc*hc`` misses the maximum by
    rounding; every other difference must be a point within rounding of a bin
    edge, or the row fails.
    """
    rows = []
    out = session.call("[xx, yy, cc] = peaks(ns); OUT.xx = xx; OUT.yy = yy; OUT.cc = cc;", ns=256)
    X1, X2, Z = peaks(256)
    rows.append(row("peaks (setupPeaks.py)", "Octave's peaks (called by data/setupPeaks.m)",
                    "X, Y, Z of peaks(256)", "",
                    [("X", X1, out["xx"]), ("Y", X2, out["yy"]), ("Z", Z, out["cc"])]))
    for ns, nc in ((256, 5), (49, 5)):
        labels, orders, counts, _ = courseLabels(session, ns, nc)
        X1, X2, Z = peaks(ns)
        ours = peaksClasses(Z, nc)
        oursOrders = [np.flatnonzero((ours == k).T) for k in range(nc)]   # column-major, as xx(ccb == k)
        sameOrder = all(np.array_equal(o, c) for o, c in zip(orders, oursOrders))
        differ = np.argwhere(labels != ours)
        lo, hi = Z.min(), Z.max()
        hc = (hi - lo) / nc                               # the course's bin width and edges mncc + i*hc
        edges = lo + np.arange(1, nc + 1) * hc
        top = edges[-1]
        explained, described = [], []
        for i, j in differ:
            z = Z[i, j]
            if z == hi and top < hi and labels[i, j] == 0:
                explained.append((i, j))
                described.append(f"the maximum z = {float(z)!r} at grid ({i}, {j}) is class 0 in the "
                                 f"course: its top edge mncc + nc*hc = {float(top)!r} rounds below it, so no "
                                 f"bin test holds and the point keeps its initial 0; ours: class "
                                 f"{ours[i, j]}")
            elif np.min(np.abs(edges - z)) <= 4 * np.spacing(abs(z)):
                explained.append((i, j))
                described.append(f"z = {float(z)!r} at ({i}, {j}) lies within rounding of a bin edge: "
                                 f"course class {labels[i, j]}, ours {ours[i, j]}")
        unexplained = len(differ) - len(explained)
        status = "FAIL" if unexplained or not len(counts) == nc else ("known" if explained else "ok")
        note = "; ".join(described)
        if unexplained:
            note += f"; {unexplained} grid points differ away from any bin edge"
        if not sameOrder and not differ.size:
            status, note = "FAIL", note + "; the points of a class come in another order than xx(ccb == k)"
        rows.append(Row("peaksClasses (setupPeaks.py)", "data/setupPeaks.m", f"the class of every point of "
                        f"the {ns} x {ns} grid, nc = {nc}", "", float(len(differ)), 0.0, status, note))
    rows.append(paritySampledPeaks(session, rng))
    return rows


def paritySampledPeaks(session, rng, np_=50, nc=5, ns=64):
    """Our setupPeaks(np, nc, ns, seed) against setupPeaks.m fed our draws through the randi shim.

    The draws are read off our output (each point's grid node), not re-drawn:
    ours indexes the points of class k in numpy's row-major order, the course
    in MATLAB's column-major order of ``xx(ccb == k)``; the replay gives the
    course the column-major position of each of our points.
    """
    Y, C = setupPeaks(np_, nc, ns, seed=rng)
    classes = peaksClasses(peaks(ns)[2], nc)
    npc = Y.shape[0] // nc
    draws = np.zeros((npc, nc))
    for k in range(nc):
        i, j = gridIndex(Y[k * npc:(k + 1) * npc], ns)
        columnMajor = np.flatnonzero((classes == k).T)            # positions j*ns + i, in MATLAB's order
        draws[:, k] = np.searchsorted(columnMajor, j * ns + i) + 1
    with session.replaying("randi", draws) as replay:
        out = session.call("[Yc, Cc] = setupPeaks(np, nc, ns); OUT.Y = Yc; OUT.C = Cc;", np=np_, nc=nc, ns=ns)
    r = row("setupPeaks", "data/setupPeaks.m", f"Y and C of setupPeaks({np_}, {nc}, {ns}, seed)",
            "the course's randi replays our draws",
            [("Y", Y, fromCourse(out["Y"], Y.shape)), ("C", C, fromCourse(out["C"], C.shape))])
    if replay.left != 0:
        r = r._replace(status="FAIL", note=f"{replay.left} queued draws were not used")
    return r


# ================================================================== the course's own tests and self-demos
def runScript(session, name, seed=0):
    """Run the course's script (or no-argument self-demo) ``name`` as-is: (printed, failure, variables)."""
    out = session.call(f"[p, f, v] = runCourseScript({octaveString(name)}, seed); OUT.printed = p;"
                       "OUT.failure = f; OUT.vars = v;", seed=seed)
    variables = dict(out["vars"]) if isinstance(out["vars"], dict) else {}
    return str(out["printed"]), str(out["failure"]), variables


def taylorOrder(printed, column):
    """The median order log2(E_k / E_k+1) of a Taylor table's ``column`` over its first 10 lines."""
    table = np.array([[float(t) for t in line.split()] for line in printed.strip().splitlines()
                      if re.fullmatch(r"[\d.e+\-\s]+", line)])
    E = table[:10, column]
    return float(np.median(np.log2(E[:-1] / E[1:])))


def solutionPrinted(printed):
    """The two numbers of the course's line ``numerical solution: W = [a, b]``."""
    match = re.search(r"numerical solution: W = \[([-\d.]+), ([-\d.]+)\]", printed)
    return match.groups() if match else None


def parityScripts(session, rng):
    """The course's test scripts and the self-demos of its files with no arguments, run as-is."""
    rows = []
    for name, asserts in [("testSingleLayer", "its size assert and its 3 adjoint checks (1e-12) pass"),
                          ("testSoftMax", "its size, overflow and underflow asserts pass"),
                          ("testGenTikhonov", "its size and scaling asserts pass")]:
        text, failure, _ = runScript(session, name)
        rows.append(Row("(the course's own test)", f"test/{name}.m",
                        f"runs as-is, {asserts} ({len(text.splitlines())} lines printed)",
                        "Octave's generators seeded with 0", 0.0 if not failure else math.inf, 0.0,
                        "FAIL" if failure else "ok", failure))
    for name, course, ours, run in [
            ("newtoncg", "optimization/newtoncg.m", "newtonCG",
             lambda: newtonCG(Rosenbrock, [4.0, 2.0], {"maxIter": 30, "verbose": 0})),
            ("steepestDescent", "optimization/steepestDescent.m", "steepestDescent",
             lambda: steepestDescent(Rosenbrock, [4.0, 2.0], {"maxIter": 10000, "maxStep": 1.0, "verbose": 0,
                                                              "storeIterates": False}))]:
        text, failure, _ = runScript(session, name)
        theirs = solutionPrinted(text)
        x = run()[0]
        mine = (f"{x[0]:1.4f}", f"{x[1]:1.4f}")
        ok = not failure and theirs == mine
        rows.append(Row(ours, course, "its self-demo (no arguments: Rosenbrock from [4; 2]) runs as-is; "
                        "the solution it prints, to its 4 decimals", "the self-demo's param",
                        0.0 if ok else math.inf, 0.0, "ok" if ok else "FAIL",
                        f"course {theirs}, ours {mine}" + (f"; {failure}" if failure else "")))
    for name, course, column in [("singleLayerNNObjFun", "singleLayer/singleLayerNNObjFun.m", 2),
                                 ("singleLayerAdvObjFun", "singleLayer/singleLayerAdvObjFun.m", 2)]:
        text, failure, _ = runScript(session, name)
        order = taylorOrder(text, column) if not failure else math.nan
        ok = not failure and order >= 1.8
        rows.append(Row("(the course's own self-demo)", course,
                        "its self-demo runs as-is (padarray shim); its Taylor table's E1 has order 2",
                        "", 0.0 if ok else math.inf, 0.0, "ok" if ok else "FAIL",
                        f"median order of E1 over its first 10 steps: {order:.2f}"
                        + (f"; {failure}" if failure else "")))
    return rows


def paritySlowScript(session, rng):
    """testSingleLayerNNObjFun: 2000 steepest-descent iterations at n = 500, about 12 s: opt-in."""
    return [slowScriptRow(session)]


def slowScriptRow(session):
    course = "test/testSingleLayerNNObjFun.m"
    compared = "runs as-is: Taylor table, 2000 steepest-descent steps, accuracy assert"
    if os.environ.get(SLOW_ENV) != "1":
        return Row("(the course's own test)", course, compared, "", math.nan, 0.0, "opt-in",
                   f"about 12 s in Octave: set {SLOW_ENV}=1 to run it")
    text, failure, variables = runScript(session, "testSingleLayerNNObjFun")
    if not failure:
        return Row("(the course's own test)", course, compared, "", 0.0, 0.0, "ok", "")
    if "training accuracy too low" in failure and {"Cobs", "Cpred"} <= set(variables):
        Cobs, Cpred = variables["Cobs"], variables["Cpred"]
        err = np.linalg.norm(Cobs - Cpred, 2) / np.linalg.norm(Cobs, 2)      # MATLAB's norm of a matrix
        return Row("(the course's own test)", course, compared, "", err, 0.01, "known",
                   f"fails its last assert in Octave: norm(Cobs-Cpred)/norm(Cobs) = {err:.3f} > 0.01 after "
                   "the 2000 steps. Its data come from rng(20), and Octave's streams are not MATLAB's "
                   "(rng(0); rand gives 0.8444 in Octave, 0.8147 in MATLAB); the same test in Python (our "
                   "steepestDescent, numpy seeds 0-9: python crosscheck/courseTestSeeds.py) ends at "
                   "0.047-0.071: the 0.01 holds only for particular random streams, if any "
                   "(crosscheck/README.md)")
    return Row("(the course's own test)", course, compared, "", math.inf, 0.0, "FAIL", failure)


# ================================================================== ours only
NO_COUNTERPART = [
    ("checkDerivative", "the course's test scripts inline their Taylor tables",
     "tests/test_checkDerivative.py: right derivatives pass; gradients off by a "
     "factor, with one wrong entry, wrong Jacobian closures of the layer and a deliberate bug in the "
     "objective fail; float32 and kinks decided by the noise model"),
    ("adjointTest", "the course's test scripts inline their adjoint checks (relative error 1e-12)",
     "tests/test_checkDerivative.py: the transpose passes, wrong transposes of the layer fail; the "
     "tolerance follows the dtype; u nearly orthogonal to J v"),
    ("exSingleLayerNN.py, exSingleLayerPeaks.py, exAdversarial.py",
     "the course's examples are scripts with figures and MATLAB's random stream",
     "tests/test_exSingleLayerNN.py, tests/test_exSingleLayerPeaks.py, tests/test_exAdversarial.py: they run "
     "headless; their checks pass, the "
     "inverse crime is fitted, Newton-CG beats chance on Peaks, the adversarial example fools the network"),
]


def noCounterpartRows():
    return [Row(ours, "(none)", why, "", math.nan, math.nan, "no counterpart", how)
            for ours, why, how in NO_COUNTERPART]


# ================================================================== the checks, the table, the README
# name: (the course files it needs, our function(s) it checks, the comparison)
CHECKS = {
    "activations": (["activation/tanhActivation.m", "activation/sinActivation.m", "activation/smoothRelU.m"],
                    "tanhActivation, sinActivation, smoothRelU", parityActivations),
    "singleLayer": (["singleLayer/singleLayer.m", "activation/tanhActivation.m", "activation/sinActivation.m",
                     "activation/smoothRelU.m"], "singleLayer", paritySingleLayer),
    "softMax": (["classification/softMax.m"], "softMax", paritySoftMax),
    "singleLayerNNObjFun": (["singleLayer/singleLayerNNObjFun.m", "singleLayer/singleLayer.m",
                             "classification/softMax.m", "regularization/genTikhonov.m",
                             "activation/tanhActivation.m", "activation/sinActivation.m",
                             "activation/smoothRelU.m"], "singleLayerNNObjFun", parityObjective),
    "genTikhonov": (["regularization/genTikhonov.m", "regularization/getLaplacian.m"], "genTikhonov",
                    parityGenTikhonov),
    "singleLayerAdvObjFun": (["singleLayer/singleLayerAdvObjFun.m", "singleLayer/singleLayer.m",
                              "classification/softMax.m", "regularization/genTikhonov.m",
                              "activation/tanhActivation.m", "activation/sinActivation.m"],
                             "singleLayerAdvObjFun", parityAdversarial),
    "Rosenbrock": (["test/Rosenbrock.m"], "Rosenbrock", parityRosenbrock),
    "pcg": ([], "pcg", parityPcg),
    "newtonCG": (["optimization/newtoncg.m", "test/Rosenbrock.m", "singleLayer/singleLayerNNObjFun.m",
                  "singleLayer/singleLayer.m", "classification/softMax.m", "activation/tanhActivation.m"],
                 "newtonCG", parityNewtonCG),
    "steepestDescent": (["optimization/steepestDescent.m", "test/Rosenbrock.m",
                         "singleLayer/singleLayerNNObjFun.m", "singleLayer/singleLayer.m",
                         "classification/softMax.m", "activation/tanhActivation.m"],
                        "steepestDescent", paritySteepestDescent),
    "sgd": (["optimization/sgd.m", "singleLayer/singleLayerNNObjFun.m", "singleLayer/singleLayer.m",
             "classification/softMax.m", "regularization/genTikhonov.m", "activation/sinActivation.m"],
            "sgd", paritySgd),
    "setupPeaks": (["data/setupPeaks.m"], "peaks, peaksClasses, setupPeaks", parityPeaks),
    "scripts": (["test/testSingleLayer.m", "test/testSoftMax.m", "test/testGenTikhonov.m",
                 "test/Rosenbrock.m", "optimization/newtoncg.m",
                 "optimization/steepestDescent.m", "singleLayer/singleLayerNNObjFun.m",
                 "singleLayer/singleLayerAdvObjFun.m", "singleLayer/singleLayer.m",
                 "classification/softMax.m", "regularization/genTikhonov.m", "activation/tanhActivation.m",
                 "activation/sinActivation.m"],
                "(the course's test scripts and self-demos)", parityScripts),
    "testSingleLayerNNObjFun": (["test/testSingleLayerNNObjFun.m", "singleLayer/singleLayerNNObjFun.m",
                                 "singleLayer/singleLayer.m", "classification/softMax.m",
                                 "optimization/steepestDescent.m", "activation/tanhActivation.m"],
                                "(the course's test script)", paritySlowScript),
}


def runCheck(session, name, seed=0):
    """The rows of one check. A course file it needs that is missing marks it "missing" (one row), and
    an error while it runs (Octave's or ours) is one FAIL row naming it: neither stops the others."""
    files, ours, check = CHECKS[name]
    missing = [f for f in files if not (session.toolbox / f).is_file()]
    if missing:
        return [Row(ours, ", ".join(missing), "(not compared)", "", math.nan, math.nan, "missing",
                    f"not in {session.toolbox}: {', '.join(missing)}")]
    try:
        return check(session, np.random.default_rng(seed))
    except Exception as err:   # noqa: BLE001 - reported as the check's row; the other checks run on
        return [Row(ours, files[0] if files else "", "(the comparison stopped)", "", math.inf, math.nan,
                    "FAIL", f"{type(err).__name__}: {err}"[:600])]


def runAll(session, seed=0, names=None):
    """Every check's rows (and the rows of our functions with no course counterpart); seconds per check."""
    rows, seconds = [], {}
    for name in names or CHECKS:
        start = time.perf_counter()
        rows += runCheck(session, name, seed)
        seconds[name] = time.perf_counter() - start
    return rows + noCounterpartRows(), seconds


def fmt(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value == 0:
        return "0"
    return f"{value:.1e}" if value != math.inf else "inf"


def formatTable(rows):
    """A markdown table: our function, the course file, what is compared, our option, worst, tol, result."""
    lines = ["| ours | course file | compared | our option | worst rel. diff | tol | result |",
             "|---|---|---|---|---:|---:|---|"]
    for r in rows:
        cells = [r.ours, f"`{r.course}`" if r.course.endswith(".m") else r.course, r.compared, r.option,
                 fmt(r.diff), fmt(r.tol), r.status if r.status != "FAIL" else "**FAIL**"]
        lines.append("| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)


def formatNotes(rows):
    """The rows' notes (a note shared by several rows of one file once), ours-only rows left out."""
    seen, lines = set(), []
    for r in rows:
        if r.note and r.status != "no counterpart" and (r.course, r.note) not in seen:
            seen.add((r.course, r.note))
            lines.append(f"- {r.ours}, `{r.course}`, {r.compared} ({r.status}): {r.note}")
    return "\n".join(lines)


def readmeSection(rows, session, seconds):
    counts = {s: sum(r.status == s for r in rows) for s in ("ok", "known", "FAIL", "missing", "opt-in")}
    ours = [r for r in rows if r.status == "no counterpart"]
    parts = [
        MARKERS[0],
        f"Generated by `python crosscheck/courseParity.py --readme` with GNU Octave {session.version} "
        f"and the toolbox at `${ENV}`, in {sum(seconds.values()):.0f} s: {counts['ok']} rows agree, "
        f"{counts['known']} are documented differences, {counts['FAIL']} fail, {counts['missing']} missing, "
        f"{counts['opt-in']} opt-in. Tolerances: 1e-12 for single evaluations; for iterates the measured "
        f"spread of our own perturbed runs times {AMPLIFICATION}; 0 for decisions and printed tables "
        "(there the difference column counts the entries or lines that differ).",
        "",
        formatTable(rows),
        "",
        "Notes (from the same run):",
        "",
        formatNotes(rows),
        "",
        "Ours only (no course counterpart), verified instead by tests on deliberately wrong input:",
        "",
        "\n".join(f"- {r.ours} ({r.compared}): {r.note}" for r in ours),
        MARKERS[1],
    ]
    return "\n".join(parts)


def writeReadme(section, readme=ROOT / "crosscheck" / "README.md"):
    text = readme.read_text()
    start, end = text.find(MARKERS[0]), text.find(MARKERS[1])
    if start < 0 or end < start:
        raise ValueError(f"{readme} has no section between {MARKERS[0]} and {MARKERS[1]}")
    readme.write_text(text[:start] + section + text[end + len(MARKERS[1]):])


def main(argv=None):
    from crosscheck.courseSession import (
        CourseSession,
        OctaveUnavailableError,
        ToolboxError,
        ToolboxNotSetError,
    )

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readme", action="store_true", help="write the table into crosscheck/README.md")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random inputs")
    parser.add_argument("--check", action="append", choices=sorted(CHECKS), help="run only these checks")
    args = parser.parse_args(argv)
    try:
        session = CourseSession()
    except (ToolboxNotSetError, ToolboxError, OctaveUnavailableError) as err:
        print(err, file=sys.stderr)
        return 2
    try:
        rows, seconds = runAll(session, args.seed, args.check)
    finally:
        session.exit()
    print(f"Ours against the course's toolbox at {session.toolbox}, GNU Octave {session.version}")
    print(formatTable(rows))
    print()
    print(formatNotes(rows))
    print()
    print("seconds per check: " + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()))
    if args.readme:
        writeReadme(readmeSection(rows, session, seconds))
        print("crosscheck/README.md: section rewritten")
    return 0 if all(r.status in PASSING + ("opt-in",) for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
