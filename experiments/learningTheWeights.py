"""The experiments of exLearningTheWeights.py: accuracy against width, and where training starts.

Slides "Motivation: Nonlinear Models", "Goal/Trick" and "Learning the Weights":
three classifiers on the same data, with the same regulariser 0.5 lambda ||.||^2,

    linear:   S = [Y, 1] W                                   (no layer; W only)
    random:   S = [sigma(Y K + b), 1] W,  K, b random, fixed (W only: extreme learning)
    learned:  S = [sigma(Y K + b), 1] W,  K, b and W trained (singleLayerNNObjFun + Newton-CG)

and the slide's warning about the learned problem ("non-convex problem ~ local
minima, careful initialization"): Newton-CG from many random starts at a few scales.
"""

import time
import warnings

import numpy as np

from experiments.extremeLearning import errorW, features, mnistData, peaksData, randomWeights, trainW
from genTikhonov import genTikhonov
from newtonCG import newtonCG
from singleLayer import singleLayer
from singleLayerNNObjFun import singleLayerNNObjFun, splitX
from support.vecmat import vec

PARAM = dict(maxIter=50, forcing="adaptive", maxIterCG=20, cgIterate="last")   # newtonCG's best option
APPROACHES = ("linear", "random", "learned")


# ------------------------------------------------------------------ data
def peaksProblem(seed=0, nPoints=2000, ns=256):
    """Peaks points split 80/20 (EELM_Peaks' split): dict with Y, C, Yv, Cv, act, lam, scaleK."""
    rng = np.random.default_rng(seed)
    Y, C, iTrain, iVal, _, _ = peaksData(rng, nPoints, 5, ns, npTest=5)
    return dict(name="Peaks", Y=Y[iTrain], C=C[iTrain], Yv=Y[iVal], Cv=C[iVal], act="tanh", lam=1e-3,
                scaleK=1.0)


def mnistProblem(seed=0, nTrain=2000, nVal=833, folder=None):
    """MNIST digits (the subset kept here by default): dict as peaksProblem; K scaled by 1/sqrt(nf)."""
    Y, C, Yv, Cv, _ = mnistData(nTrain, nVal, folder, seed)
    return dict(name="MNIST", Y=Y, C=C, Yv=Yv, Cv=Cv, act="tanh", lam=1e-3, scaleK=1 / np.sqrt(Y.shape[1]))


# ------------------------------------------------------------------ the three classifiers
def fitLinear(problem, param=PARAM):
    """The linear classifier on the raw features, from W = 0: (train accuracy, validation accuracy, W) in %.

    The course's ``EClass_Peaks.m`` (softmax on the raw Peaks points, lambda = 1e-3).
    That script's split surprises: ``idx = randperm(numTrain)`` permutes only the
    first 80% of the points, so its validation set is empty (and, as setupPeaks
    sorts by class, it never trains on class 5); it reports the error on 2000
    separate test points. Here the split is a permutation of all points.
    """
    p = problem
    W, _ = trainW(p["Y"], p["C"], np.zeros((p["Y"].shape[1] + 1, p["C"].shape[1])), p["lam"], param)
    return 100 - errorW(W, p["Y"], p["C"]), 100 - errorW(W, p["Yv"], p["Cv"]), W


def fitRandom(problem, m, seed, param=PARAM):
    """Random K, b (seeded) and W trained from W = 0: (train accuracy, validation accuracy, (K, b, W))."""
    p = problem
    K, b, _ = randomWeights(np.random.default_rng(seed), p["Y"].shape[1], m, p["C"].shape[1], p["scaleK"])
    Z = features(p["Y"], K, b, p["act"])
    W, _ = trainW(Z, p["C"], np.zeros((m + 1, p["C"].shape[1])), p["lam"], param)
    return 100 - errorW(W, Z, p["C"]), 100 - errorW(W, features(p["Yv"], K, b, p["act"]), p["Cv"]), (K, b, W)


def learnedObjective(problem, m):
    """x -> E([sigma(Y K + b), 1] W, C) + 0.5 lambda ||x||^2, x = [K(:); b; W(:)]."""
    p = problem
    reg = lambda x: genTikhonov(x, p["lam"])
    return lambda x: singleLayerNNObjFun(x, p["Y"], p["C"], m, p["act"], reg=reg, bias=True)


def accuracyX(problem, x, m, validation=True):
    """Accuracy in % of x = [K(:); b; W(:)] on the validation (or training) points."""
    p = problem
    Y, C = (p["Yv"], p["Cv"]) if validation else (p["Y"], p["C"])
    K, b, W = splitX(x, Y.shape[1], m, C.shape[1], bias=True)
    return 100 - errorW(W, features(Y, K, b, p["act"]), C)


def fitLearned(problem, m, seed, param=PARAM, x0=None):
    """K, b and W trained by Newton-CG from the random K, b of ``fitRandom`` (same seed) and W = 0."""
    p = problem
    nf, nc = p["Y"].shape[1], p["C"].shape[1]
    if x0 is None:
        K, b, _ = randomWeights(np.random.default_rng(seed), nf, m, nc, p["scaleK"])
        x0 = np.concatenate([vec(K), [b], np.zeros((m + 1) * nc)])
    x, his, _ = quietNewtonCG(learnedObjective(p, m), x0, param)
    return accuracyX(p, x, m, validation=False), accuracyX(p, x, m), (x, his)


def quietNewtonCG(fun, x0, param):
    """newtonCG, silent: a failed line search (the end of progress, in its history's status) is not warned."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return newtonCG(fun, x0, {**param, "verbose": 0, "storeIterates": False})


def accuracyVsWidth(problem, widths=(2, 8, 32, 128, 512), learnedWidths=(2, 8, 32), seeds=(0, 1),
                    param=PARAM, verbose=True):
    """Training and validation accuracy of the three classifiers against the width m.

    Each is trained by Newton-CG with ``param`` (default ``PARAM``, newtonCG's best
    option, 50 iterations). Returns a list of rows ``dict(approach, m, seed, train, val, seconds)``
    (accuracies in %; the linear classifier has ``m = 0`` and one row).
    """
    rows = []

    def add(approach, m, seed, fit, *fitArgs):
        t = time.perf_counter()
        train, val, _ = fit(problem, *fitArgs)
        rows.append(dict(approach=approach, m=m, seed=seed, train=train, val=val,
                         seconds=time.perf_counter() - t))
        if verbose:
            print(f"  {problem['name']}: {approach:>7} m = {m:5d} seed {seed}: train {train:6.2f}% "
                  f"validation {val:6.2f}% ({rows[-1]['seconds']:.1f} s)", flush=True)

    add("linear", 0, 0, fitLinear, param)
    for seed in seeds:
        for m in widths:
            add("random", m, seed, fitRandom, m, seed, param)
        for m in learnedWidths:
            add("learned", m, seed, fitLearned, m, seed, param)
    return rows


def summarize(rows):
    """{(approach, m): (mean train, mean val, min val, max val, number of seeds)} over the seeds."""
    out = {}
    for key in sorted({(r["approach"], r["m"]) for r in rows}, key=lambda k: (APPROACHES.index(k[0]), k[1])):
        sel = [r for r in rows if (r["approach"], r["m"]) == key]
        train, val = np.array([r["train"] for r in sel]), np.array([r["val"] for r in sel])
        out[key] = (train.mean(), val.mean(), val.min(), val.max(), len(sel))
    return out


def widthNeeded(rows, approach, target, which="val"):
    """The smallest width m whose mean accuracy (over seeds) reaches ``target`` %, or None."""
    for (a, m), (train, val, *_) in summarize(rows).items():
        if a == approach and (val if which == "val" else train) >= target:
            return m
    return None


def formatTable(rows, name):
    """The printed table: accuracy per approach and width, mean over seeds, and the train-val gap."""
    lines = [f"{name}: accuracy in % (mean over seeds; validation min-max), gap = train - validation",
             f"  {'approach':>8} {'m':>5} {'train':>7} {'val':>7} {'val min-max':>13} {'gap':>6} "
             f"{'seeds':>5}"]
    for (a, m), (train, val, lo, hi, k) in summarize(rows).items():
        lines.append(f"  {a:>8} {m if m else '-':>5} {train:7.2f} {val:7.2f} {lo:6.2f}-{hi:6.2f} "
                     f"{train - val:6.2f} {k:5d}")
    return "\n".join(lines)


def formatWidths(rows, name, targets):
    """The slide's claim as numbers: the width each approach needs for each target accuracy."""
    lines = [f"{name}: smallest width m reaching the accuracy (mean over seeds; '-': not reached)",
             f"  {'target':>12} {'random: train':>14} {'val':>6} {'learned: train':>15} "
             f"{'val':>6}"]
    for t in targets:
        cells = [widthNeeded(rows, a, t, w) for a in ("random", "learned") for w in ("train", "val")]
        lines.append(f"  {t:11.1f}% " + " ".join(f"{c if c else '-':>{w}}"
                                                 for c, w in zip(cells, (14, 6, 15, 6))))
    return "\n".join(lines)


def plotAccuracyVsWidth(rows, name, ax=None):
    """Accuracy against m (log axis) for the three approaches: validation solid, training dashed."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.8))
    summary = summarize(rows)
    colours = {"linear": "tab:gray", "random": "tab:blue", "learned": "tab:red"}
    allM = [m for (a, m) in summary if m]
    for a in ("random", "learned"):
        ms = [m for (b, m) in summary if b == a]
        if not ms:
            continue
        train = [summary[(a, m)][0] for m in ms]
        val = [summary[(a, m)][1] for m in ms]
        lo = [summary[(a, m)][2] for m in ms]
        hi = [summary[(a, m)][3] for m in ms]
        label = "random K, b; W trained" if a == "random" else "K, b and W trained"
        ax.plot(ms, val, "o-", color=colours[a], label=f"{label}: validation")
        ax.fill_between(ms, lo, hi, color=colours[a], alpha=0.2)
        ax.plot(ms, train, "s--", color=colours[a], label=f"{label}: training", ms=4)
    if ("linear", 0) in summary:
        train, val = summary[("linear", 0)][:2]
        ax.axhline(val, color=colours["linear"], label=f"linear (no layer): validation {val:.1f}%")
        ax.axhline(train, color=colours["linear"], linestyle="--", label=f"linear: training {train:.1f}%")
    ax.set_xscale("log", base=2)
    ax.set_xlim(min(allM) / 1.3, max(allM) * 1.3)
    ax.set_xlabel("width m of the layer (number of features)")
    ax.set_ylabel("accuracy [%]")
    ax.set_title(f"{name}: accuracy against width (shaded: validation min-max over seeds)", fontsize=10)
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(True, alpha=0.3)
    return ax


# ------------------------------------------------------------------ initialization
def inverseCrime(seed=0, n=500, nf=50, nc=10, m=40):
    """The slide's "Test Problem" (Y, Cobs from a true network, no classifier bias) and Emin.

    ``rng`` is the generator after the data's draws, for a start x0 that goes with the seed.
    """
    rng = np.random.default_rng(seed)
    Wtrue = rng.standard_normal((m, nc))
    Ktrue = rng.standard_normal((nf, m))
    btrue = 0.1
    Y = rng.standard_normal((n, nf))
    Cobs = np.exp(singleLayer(Ktrue, btrue, Y)[0] @ Wtrue)
    Cobs = Cobs / Cobs.sum(axis=1, keepdims=True)
    Emin = -np.sum(Cobs * np.log(Cobs)) / n          # the entropy of Cobs: no x does better
    return dict(name="inverse crime", Y=Y, C=Cobs, m=m, Emin=Emin, rng=rng)


def initializationStudy(problem, m, scales=(0.1, 1.0, 3.0), starts=20, param=PARAM, verbose=True, seed=0):
    """Newton-CG from ``starts`` random x0 = s randn per scale s: final objective (and validation accuracy).

    ``problem`` is a Peaks/MNIST problem (``peaksProblem``: with the classifier bias
    and its regulariser) or ``inverseCrime()`` (no bias, no regulariser: E - Emin
    is reported). Start k draws its x0 from seed 1000 (seed + 1) + k, at every scale.
    Returns rows ``dict(scale, start, obj, gap, normGrad, val, seconds)``
    (normGrad: the final gradient norm, small at a stationary point).
    """
    p, rows = problem, []
    crime = "Emin" in p
    nf, nc = p["Y"].shape[1], p["C"].shape[1]
    length = nf * m + 1 + (m + (0 if crime else 1)) * nc
    fun = ((lambda x: singleLayerNNObjFun(x, p["Y"], p["C"], m)) if crime else learnedObjective(p, m))
    for s in scales:
        for k in range(starts):
            t = time.perf_counter()
            x0 = s * np.random.default_rng(1000 * (seed + 1) + k).standard_normal(length)
            x, his, _ = quietNewtonCG(fun, x0, param)
            obj = his["obj"][-1]
            rows.append(dict(scale=s, start=k, obj=obj, gap=obj - p["Emin"] if crime else np.nan,
                             normGrad=his["normGrad"][-1], val=np.nan if crime else accuracyX(p, x, m),
                             seconds=time.perf_counter() - t))
        if verbose:
            sel = [r for r in rows if r["scale"] == s]
            what = (f"E - Emin median {np.median([r['gap'] for r in sel]):.2e}" if crime else
                    f"validation accuracy median {np.median([r['val'] for r in sel]):.1f}%")
            print(f"  {p['name']}: scale {s:g}: {starts} starts, objective median "
                  f"{np.median([r['obj'] for r in sel]):.4f}, {what} "
                  f"({sum(r['seconds'] for r in sel):.0f} s)", flush=True)
    return rows


def formatInitialization(rows, name, crime, tol):
    """Per scale: objective quantiles, how many starts end more than ``tol`` above the best one found.

    The final gradient norm says whether a worse end is a stationary point (a
    local minimum or saddle: small) or a run still descending (not small).
    """
    best = min(r["obj"] for r in rows)
    ref = "Emin" if crime else "the best final objective of all starts"
    lines = [f"{name}: final objective per initial scale s (x0 = s randn); 'worse' = more than {tol:g} "
             f"above {ref}",
             f"  {'s':>5} {'starts':>6} {'min':>9} {'median':>9} {'max':>9} {'worse':>6} {'|grad| med':>10} "
             + (f"{'E-Emin median':>13}" if crime else f"{'val acc median':>14} {'min-max':>13}")]
    for s in sorted({r["scale"] for r in rows}):
        sel = [r for r in rows if r["scale"] == s]
        obj = np.array([r["obj"] for r in sel])
        worse = int(np.sum((np.array([r["gap"] for r in sel]) if crime else obj - best) > tol))
        tail = (f"{np.median([r['gap'] for r in sel]):13.2e}" if crime else
                f"{np.median([r['val'] for r in sel]):14.2f} "
                f"{min(r['val'] for r in sel):6.2f}-{max(r['val'] for r in sel):6.2f}")
        lines.append(f"  {s:5g} {len(sel):6d} {obj.min():9.4f} {np.median(obj):9.4f} {obj.max():9.4f} "
                     f"{worse:6d} {np.median([r['normGrad'] for r in sel]):10.1e} {tail}")
    return "\n".join(lines)


def plotInitialization(rows, name, crime, ax):
    """Histogram of the final objective (E - Emin for the inverse crime, log axis) per initial scale."""
    from matplotlib.ticker import MaxNLocator

    scales = sorted({r["scale"] for r in rows})
    values = [np.array([r["gap"] if crime else r["obj"] for r in rows if r["scale"] == s]) for s in scales]
    allValues = np.concatenate(values)
    if crime:
        bins = np.logspace(np.log10(max(allValues.min(), 1e-8)), np.log10(allValues.max()), 25)
        ax.set_xscale("log")
    else:
        bins = np.linspace(allValues.min(), allValues.max(), 25)
    ax.hist(values, bins=bins, label=[f"x0 = {s:g} randn" for s in scales], histtype="bar", stacked=False)
    ax.set_xlabel("E - Emin after Newton-CG (log axis)" if crime else
                  "final objective E + 0.5 lambda ||x||^2")
    ax.set_ylabel("number of starts")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))      # counts: whole numbers on the axis
    ax.set_title(f"{name}: where {len(rows) // len(scales)} random starts per scale end", fontsize=10)
    ax.legend(fontsize=8)
    return ax
