"""exLearningTheWeights: the lecture's opening argument, measured: no layer, random weights, learned weights.

Slides "Motivation: Nonlinear Models" ("in general, impossible to find a linear
separator between points"), "Goal/Trick" ("embed the points in higher dimension
and/or move the points to make them linearly separable") and "Learning the
Weights":

    "Using random weights, K might need to be very large to fit training data.
     Solution may not generalize well to test data.
     Idea: Learn K and b from the data (in addition to W)
         min_{K,W,b} E(sigma(Y K + b) W, C^obs) + alpha R(W, K, b)
     non-convex problem ~ local minima, careful initialization"

On Peaks and on MNIST (the digits kept in this repository), with the same
regulariser 0.5 lambda ||.||^2 and the same data, the training and validation
accuracy of

- linear: the softmax classifier on the raw features, S = [Y, 1] W (no layer);
- random: Z = tanh(Y K + b) with K, b random and fixed, only W trained
  (extreme learning, as the course's EELM_*.m);
- learned: K, b and W trained together (``singleLayerNNObjFun``, Newton-CG from
  the same random K, b and W = 0),

against the width m, for several seeds: a printed table, the widths each needs,
``figures/learningTheWeights.png`` and, for Peaks, the class regions
(``figures/learningTheWeightsRegions.png``). Then the warning of the same slide:
Newton-CG from 20 random starts at three scales, on Peaks and on the inverse crime
of slide "Test Problem" (where the global minimum Emin is known), as a table and
``figures/learningTheWeightsInit.png``.

    python exLearningTheWeights.py [--size quick|default|full] [--parts widths init] [--seed 0] [--nSeeds 3]
        [--starts 20] [--scales 0.1 1 3]

The course has no script for this; its EELM scripts run one width. For MNIST,
K is scaled by 1/sqrt(nf) (not the course's 1/sqrt(nf m), which leaves tanh
nearly linear: see EELM_MNIST.py). Functions for a notebook (small sizes):
``accuracyVsWidth``, ``initializationStudy``, ``peaksProblem``, ``mnistProblem``,
``inverseCrime``, ``formatTable``, ``formatWidths``, ``plotAccuracyVsWidth``.
"""

# %% Setup
import argparse
import time

import matplotlib.pyplot as plt

from experiments.extremeLearning import classLegend, drawClassRegions, features
from experiments.learningTheWeights import (  # noqa: F401 (re-exported for a notebook)
    PARAM,
    accuracyVsWidth,
    fitLearned,
    fitLinear,
    fitRandom,
    formatInitialization,
    formatTable,
    formatWidths,
    initializationStudy,
    inverseCrime,
    mnistProblem,
    peaksProblem,
    plotAccuracyVsWidth,
    plotInitialization,
    summarize,
    widthNeeded,
)
from singleLayerNNObjFun import splitX
from support.scripts import parseArguments, saveFigure, showFigures

SIZES = {   # --size: quick (seconds, for a first look and the tests), default (about 2-3 minutes), full
    "quick": dict(peaksNp=300, peaksWidths=(2, 16, 64), peaksLearned=(2, 16), mnistTrain=200,
                  mnistWidths=(16, 64), mnistLearned=(16,), mnistSeeds=1, mnistIter=5,
                  initPeaks=(200, 4), crime=dict(n=60, nf=6, nc=3, m=4), initIter=5),
    "default": dict(peaksNp=2000, peaksWidths=(2, 4, 8, 16, 32, 64, 128, 256), peaksLearned=(2, 4, 8, 16, 32),
                    mnistTrain=1000, mnistWidths=(16, 64, 256), mnistLearned=(16,), mnistSeeds=1,
                    mnistIter=20,
                    initPeaks=(1000, 8), crime=dict(n=200, nf=20, nc=5, m=10), initIter=30),
    "full": dict(peaksNp=2000, peaksWidths=(2, 4, 8, 16, 32, 64, 128, 256, 512, 1024),
                 peaksLearned=(2, 4, 8, 16, 32, 64), mnistTrain=None,
                 mnistWidths=(16, 64, 256, 1024, 2048), mnistLearned=(16, 64), mnistSeeds=2, mnistIter=20,
                 initPeaks=(2000, 8), crime=dict(n=500, nf=50, nc=10, m=40), initIter=50),
}


def parseArgs():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", nargs="+", choices=("widths", "init"), default=["widths", "init"],
                        help="accuracy against width, initialization study (default: both)")
    parser.add_argument("--data", nargs="+", choices=("Peaks", "MNIST"), default=["Peaks", "MNIST"],
                        help="data sets of the width study")
    parser.add_argument("--size", choices=tuple(SIZES), default="default",
                        help="quick: seconds; default: a few minutes; full: the measured tables (20-30 min)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the data and the random starts; the random K, b take seed, seed+1, ...")
    parser.add_argument("--nSeeds", type=int, default=3,
                        help="how many random K, b per width (MNIST: at most 1, full: 2)")
    parser.add_argument("--starts", type=int, default=20, help="random starts per scale (init study)")
    parser.add_argument("--scales", nargs="+", type=float, default=[0.1, 1.0, 3.0],
                        help="initial scales s, x0 = s randn (init study)")
    parser.add_argument("--initIter", type=int, default=None,
                        help="Newton-CG iterations of the init study (default: 30, full: 50)")
    parser.add_argument("--gradTol", type=float, default=0.0,
                        help="init study: stop a run when |grad| <= gradTol (to tell minima from slow runs)")
    return parseArguments(parser)


if __name__ == "__main__":
    args = parseArgs()
    size = SIZES[args.size]
    seeds = list(range(args.seed, args.seed + args.nSeeds))
    mnistSeeds = seeds[:size["mnistSeeds"]]
    results, t0 = {}, time.perf_counter()

# %% 1. Accuracy against width on Peaks: linear, random features, learned layer
if __name__ == "__main__" and "widths" in args.parts and "Peaks" in args.data:
    peaks = peaksProblem(args.seed, size["peaksNp"])
    print(f"Peaks: {peaks['Y'].shape[0]} training and {peaks['Yv'].shape[0]} validation points, tanh, "
          f"lambda = {peaks['lam']:g}, seeds {seeds}", flush=True)
    results["Peaks"] = accuracyVsWidth(peaks, size["peaksWidths"], size["peaksLearned"], seeds)
    print(formatTable(results["Peaks"], "Peaks"))
    print(formatWidths(results["Peaks"], "Peaks", (80, 90, 95)))

# %% 2. The same on MNIST (the digits kept here)
if __name__ == "__main__" and "widths" in args.parts and "MNIST" in args.data:
    mnist = mnistProblem(args.seed, size["mnistTrain"], None if size["mnistTrain"] else 833)
    print(f"MNIST: {mnist['Y'].shape[0]} training and {mnist['Yv'].shape[0]} validation digits, tanh, "
          f"K / sqrt(nf), lambda = {mnist['lam']:g}, seeds {mnistSeeds}", flush=True)
    mnistParam = {**PARAM, "maxIter": size["mnistIter"]}     # fewer iterations: 784 x m weights, slow
    results["MNIST"] = accuracyVsWidth(mnist, size["mnistWidths"], size["mnistLearned"], mnistSeeds,
                                       param=mnistParam)
    print(formatTable(results["MNIST"], "MNIST"))
    print(formatWidths(results["MNIST"], "MNIST", (85, 90, 95)))

# %% 3. The figure: accuracy against width, one panel per data set
if __name__ == "__main__" and results:
    fig, axes = plt.subplots(1, len(results), figsize=(7.5 * len(results), 5.2), squeeze=False)
    for ax, (name, rows) in zip(axes[0], results.items()):
        plotAccuracyVsWidth(rows, name, ax)
    fig.suptitle("Learning the weights: for the same training accuracy, random K, b need a much larger "
                 "width m than learned K, b (solid: validation, dashed: training)")
    fig.tight_layout()
    print("saved", saveFigure(fig, "learningTheWeights"))

# %% 4. Peaks class regions: no layer, random features (small and large m), learned layer
if __name__ == "__main__" and "Peaks" in results:
    small = learnedM = size["peaksLearned"][-1]            # random and learned at the same small width
    large = size["peaksWidths"][-1]
    trainLin, valLin, WLin = fitLinear(peaks)
    panels = [(f"linear (no layer): validation {valLin:.1f}%",
               lambda P: (P @ WLin[:-1] + WLin[-1]).argmax(1))]
    for m in (small, large):
        train, val, (K, b, W) = fitRandom(peaks, m, seeds[0])
        panels.append((f"random K, b, m = {m}: validation {val:.1f}%",
                       lambda P, K=K, b=b, W=W: (features(P, K, b, "tanh") @ W[:-1] + W[-1]).argmax(1)))
    train, val, (x, _) = fitLearned(peaks, learnedM, seeds[0])
    K, b, W = splitX(x, 2, learnedM, 5, bias=True)
    panels.append((f"learned K, b, m = {learnedM}: validation {val:.1f}%",
                   lambda P: (features(P, K, b, "tanh") @ W[:-1] + W[-1]).argmax(1)))
    fig, axes = plt.subplots(1, 4, figsize=(18, 5))
    for ax, (title, predict) in zip(axes, panels):
        cmap = drawClassRegions(ax, predict, title)
    classLegend(fig, cmap)
    fig.suptitle("Peaks: predicted classes. No linear separator; random features need a large m; "
                 "a learned layer fits with a small one")
    print("saved", saveFigure(fig, "learningTheWeightsRegions"))

# %% 5. Initialization (slide: "non-convex problem ~ local minima, careful initialization")
if __name__ == "__main__" and "init" in args.parts:
    crime = inverseCrime(args.seed, **size["crime"])
    initParam = {**PARAM, "maxIter": args.initIter or size["initIter"], "gradTol": args.gradTol}
    (npInit, mInit), sizes = size["initPeaks"], ", ".join(f"{k} = {v}" for k, v in size["crime"].items())
    print(f"\ninitialization: Newton-CG ({initParam['maxIter']} iterations) from {args.starts} random starts "
          f"x0 = s randn, s in {args.scales}", flush=True)
    init = {"inverse crime": initializationStudy(crime, crime["m"], args.scales, args.starts, initParam,
                                                 seed=args.seed)}
    peaksInit = peaksProblem(args.seed, npInit)
    init["Peaks"] = initializationStudy(peaksInit, mInit, args.scales, args.starts, initParam, seed=args.seed)
    print(formatInitialization(init["inverse crime"], f"inverse crime ({sizes})", True, 1e-2))
    print(formatInitialization(init["Peaks"], f"Peaks (m = {mInit}, {peaksInit['Y'].shape[0]} points)",
                               False, 1e-2))
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.6))
    plotInitialization(init["inverse crime"], f"inverse crime ({sizes})", True, axes[0])
    plotInitialization(init["Peaks"], f"Peaks, m = {mInit}", False, axes[1])
    fig.suptitle("Non-convex: the same Newton-CG from different random starts ends at different objectives")
    fig.tight_layout()
    print("saved", saveFigure(fig, "learningTheWeightsInit"))

if __name__ == "__main__":
    print(f"total {time.perf_counter() - t0:.0f} s")
    showFigures()
