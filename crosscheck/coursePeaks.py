"""The course's three Peaks experiments run in GNU Octave beside ours, on the same data and the same start.

    python crosscheck/coursePeaks.py [--seed 2] [--quick] [--experiments NewtonCG SGD VarPro]

prints, for each of ESingleLayer_PeaksNewtonCG, ESingleLayer_PeaksSGD and
ESingleLayer_PeaksVarPro, the training and validation errors of

- the course: its own .m files (``$NUMDL_MATLAB``, unmodified), called by our
  small drivers in ``crosscheck/coursePeaks/`` exactly as the course's script
  calls them; the drivers only replace the script's data and random start
  (``setupPeaks``, ``randn``) by ours, pushed from Python, and leave out its figures;
- ours with the course's algorithm (``--faithful``, the course's Hessian);
- ours as the scripts run by default (where they differ from the course's algorithm),

with the largest relative difference between our iterates and the course's,
after the steepest-descent warm start and at the end. The random generators of
numpy and Octave differ, so the data and the start are drawn in numpy and passed
to Octave. Unknowns are converted between the layouts: the course's x is
``[vec(K'); b; vec(W')]`` (its K is m x nf, its W nc x (m+1)).
"""

import argparse
import pathlib
import re
import sys
import time
import warnings

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crosscheck.courseLayout import toCourse, xFromCourse, xToCourse  # noqa: E402
from crosscheck.courseSession import driverSession, octaveString  # noqa: E402
from experiments.peaksExperiment import (  # noqa: E402
    COURSE,
    DATA,
    SGD_LR,
    classError,
    coursePeaksData,
    startWeights,
    trainNewtonCG,
    trainSGD,
    trainVarPro,
)
from support.vecmat import mat  # noqa: E402

DRIVERS = ROOT / "crosscheck" / "coursePeaks"
EXPERIMENTS = ("NewtonCG", "SGD", "VarPro")
ITERATIONS = {"NewtonCG": ("maxIterSD", "maxIter", "maxIterCG"), "SGD": ("epochs",),
              "VarPro": ("maxIterSD", "maxIter")}        # the settings our drivers take as arguments


# ------------------------------------------------------------------ the two layouts of x (courseLayout)
def toCourseX(x, nf, m, nc=None):
    """Ours [K(:); b; W(:)] (W (m+1) x nc, the classifier bias) as the course's; nc None: [K(:); b] alone."""
    return xToCourse(x, nf, m, nc or 0, bias=True)


def fromCourseX(xc, nf, m, nc=None):
    """The course's [K(:); b; W(:)] (its W nc x (m+1)) as ours; nc None: [K(:); b] alone."""
    return xFromCourse(xc, nf, m, nc or 0, bias=True)


def relDiff(a, b):
    """max |a - b| / max |b|."""
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))) / np.max(np.abs(b)))


# ------------------------------------------------------------------ one run on each side
def runCourse(session, experiment, Y, C, Yv, Cv, x0, m, iterations):
    """The course's code in Octave on our data and start: its x (in our layout), errors, time, warnings."""
    nf, nc = Y.shape[1], C.shape[1]
    K0, b0 = mat(x0[:nf * m], (nf, m)), float(x0[nf * m])
    inputs = dict(Y=toCourse(Y), C=toCourse(C), Yv=toCourse(Yv), Cv=toCourse(Cv), K0=toCourse(K0), b0=b0)
    if experiment != "VarPro":
        inputs["W0"] = toCourse(mat(x0[nf * m + 1:], (m + 1, nc)))
    counts = ", ".join(str(float(iterations[k])) for k in ITERATIONS[experiment])
    if experiment == "VarPro" and "paramCl" in iterations:      # a test's inner problem, not the course's
        inputs["paramCl"] = {**iterations["paramCl"], "out": -1.0}
        counts += f", paramCl, {float(iterations['lamW'])!r}"
    data = "Y, C, Yv, Cv, K0, b0" + (", W0" if experiment != "VarPro" else "")
    call = {"NewtonCG": f"[xSD, x, trainErr, valErr] = coursePeaksNewtonCG({data}, {counts});",
            "SGD": f"[x, his, trainErr, valErr] = coursePeaksSGD({data}, {counts});",
            "VarPro": f"[xSD, xKb, WOpt, trainErr, valErr] = coursePeaksVarPro({data}, {counts});"
                      "x = [xKb; WOpt(:)];"}[experiment]
    keep = "OUT.x = x; OUT.trainErr = trainErr; OUT.valErr = valErr;" + \
        (" OUT.xSD = xSD;" if experiment != "SGD" else "")
    t = time.perf_counter()
    result = session.call(f"OUT.printed = evalc({octaveString(call)}); {keep}", **inputs)
    seconds = time.perf_counter() - t
    printed = str(result["printed"])
    out = {"x": fromCourseX(result["x"], nf, m, nc), "seconds": seconds,
           "trainErr": float(result["trainErr"]), "valErr": float(result["valErr"]),
           "printed": printed.count("\n") + 1,
           "warnings": sorted(set(re.findall(r"warning: ([^\n]+)", printed)) - {"called from"})}
    if experiment != "SGD":
        out["xSD"] = fromCourseX(result["xSD"], nf, m, nc if experiment == "NewtonCG" else None)
    return out


def runOurs(experiment, Y, C, Yv, Cv, x0, m, iterations, faithful, seed=0):
    """Our recipe (peaksExperiment) on the same data and start: x, errors, time, our warnings."""
    s = {**COURSE[experiment], **iterations}
    if experiment == "SGD":
        s["lr"] = COURSE["SGD"]["lr"] if faithful else SGD_LR
    t = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if experiment == "NewtonCG":
            x, his = trainNewtonCG(Y, C, x0, m, s, "course", verbose=0)
        elif experiment == "SGD":
            x, his = trainSGD(Y, C, x0, m, s, faithful, np.random.default_rng(seed), verbose=0)
        else:
            x, his = trainVarPro(Y, C, x0, m, s, faithful, "course", verbose=0)
    act = s["act"]
    return {"x": x, "xSD": his.get("xSD"), "seconds": time.perf_counter() - t,
            "trainErr": classError(x, Y, C, m, act), "valErr": classError(x, Yv, Cv, m, act),
            "warnings": sorted({shortWarning(str(w.message)) for w in caught})}


def shortWarning(message):
    """A warning of ours in a few words: 'newtonCG: line search failed (it. 9)'."""
    found = re.match(r"(\w+): line search failed after \d+ trials in iteration (\d+)", message)
    return f"{found[1]}: line search failed (it. {found[2]})" if found else message.split(";")[0]


def experimentData(experiment, seed, np_, npVal, m, ns=DATA["ns"]):
    """The data and start of an experiment, drawn in numpy: Y, C, Yv, Cv, x0."""
    rng = np.random.default_rng(seed)
    Y, C, Yv, Cv = coursePeaksData(rng, np_, npVal, ns=ns)
    x0 = startWeights(rng, Y.shape[1], m, C.shape[1], withW=experiment != "VarPro")
    return Y, C, Yv, Cv, x0


def compare(session, experiment, seed=DATA["seed"], np_=DATA["np"], npVal=DATA["npVal"], m=DATA["m"],
            iterations=None, ns=DATA["ns"]):
    """One experiment on both sides: rows (who, run, differences of the iterates from the course's).

    The differences (max |ours - course| / max |course|) are of [K(:); b] after
    the steepest-descent warm start and at the end, and of W at the end.
    """
    iterations = iterations or {k: COURSE[experiment][k] for k in ITERATIONS[experiment]}
    Y, C, Yv, Cv, x0 = experimentData(experiment, seed, np_, npVal, m, ns)
    nKb = Y.shape[1] * m + 1
    course = runCourse(session, experiment, Y, C, Yv, Cv, x0, m, iterations)
    rows = [("course (Octave)", course, {})]
    variants = [("ours, the course's algorithm", True)]
    if experiment != "NewtonCG":                    # NewtonCG: the default differs in printing only
        variants.append(("ours, default", False))
    for who, faithful in variants:
        ours = runOurs(experiment, Y, C, Yv, Cv, x0, m, iterations, faithful, seed)
        diffs = {"Kb end": relDiff(ours["x"][:nKb], course["x"][:nKb]),
                 "W end": relDiff(ours["x"][nKb:], course["x"][nKb:])}
        if ours["xSD"] is not None:
            diffs["Kb warm start"] = relDiff(ours["xSD"][:nKb], course["xSD"][:nKb])
        rows.append((who, ours, diffs))
    return rows


def formatRows(experiment, rows):
    """The side-by-side table of one experiment."""
    lines = [f"ESingleLayer_Peaks{experiment}  (relative difference from the course's iterates: [K;b] after "
             f"the warm start, [K;b] and W at the end)",
             f"  {'':29} {'train err':>9} {'val err':>8} {'time':>7} {'[K;b] warm':>10} {'[K;b] end':>9} "
             f"{'W end':>8}  warnings"]
    for who, r, d in rows:
        def fmt(key, d=d):
            return f"{d[key]:.1e}" if key in d else ""
        lines.append(f"  {who:29} {r['trainErr']:8.2f}% {r['valErr']:7.2f}% {r['seconds']:6.1f}s "
                     f"{fmt('Kb warm start'):>10} {fmt('Kb end'):>9} {fmt('W end'):>8}  "
                     f"{'; '.join(r['warnings'])}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=DATA["seed"])
    parser.add_argument("--quick", action="store_true",
                        help="200 training and 400 validation points, few iterations (seconds, not minutes)")
    parser.add_argument("--experiments", nargs="+", choices=EXPERIMENTS, default=list(EXPERIMENTS))
    args = parser.parse_args()
    session = driverSession(DRIVERS, "coursePeaks")
    try:
        for experiment in args.experiments:
            if args.quick:
                short = {"maxIterSD": 20, "maxIter": 5, "maxIterCG": 200, "epochs": 3}
                iterations = {k: short[k] for k in ITERATIONS[experiment]}
                rows = compare(session, experiment, args.seed, 200, 400, DATA["m"], iterations)
            else:
                rows = compare(session, experiment, args.seed)
            print(formatRows(experiment, rows), flush=True)
    finally:
        session.exit()


if __name__ == "__main__":
    main()
