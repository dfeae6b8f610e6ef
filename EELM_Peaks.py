"""EELM_Peaks: extreme learning on the Peaks data, random K and b, only W trained, for sin, tanh and ReLU.

The Python counterpart of the course's ``classification/examples/EELM_Peaks.m``,
for slide "Learning the Weights" ("Using random weights, K might need to be very
large to fit training data") and slide "Goal/Trick" ("embed the points in higher
dimension ... to make them linearly separable"): the 2-D Peaks points are embedded
in m = 200 dimensions by a random layer and classified there by a linear softmax
classifier,

    Z = sigma(Y K + b),   K, b random (standard normal) and fixed
    min_W  E([Z, 1] W, C) + 0.5 1e-3 ||W||^2          (convex: classObjFun + Newton-CG)

with the course's settings: setupPeaks(8000, 5, 256), an 80/20 split, 2000 more
test points, m = 200, one random K, b, W0 for sin, tanh and ReLU, lambda = 1e-3,
Newton-CG with 30 iterations, CG to 1e-3 or 100 steps. It prints the training,
validation and test errors (percentage of misclassified points) and saves the
singular values of Z and the class regions of each activation to
``figures/EELM_Peaks.png``.

    python EELM_Peaks.py [--seed 42] [--np 8000] [--m 200] [--acts sin tanh relu] [--faithful]

What the course's script does that may surprise:

- It splits the points 80/20 into YTrain and YValid, then trains on all of them
  (``classObjFun(x, Z, C, ...)`` with ``Z = act(K*Y+b)``, Y all 8000 points) and
  never uses the split; its "train" error is on all 8000 points. Its "val" error
  is on the 2000 separate test points. Ours trains on the 80% and reports the
  training, validation (the 20%) and test (the 2000) errors; ``--faithful``
  trains on all points and prints the course's "train" and "val".
- Its ReLU is the true ``max(x, 0)``, not the course's ``smoothRelU``; sin and
  tanh are the builtins. Ours: the same (``experiments.extremeLearning.relu``).
- It passes ``maxStep`` to newtoncg, which ignores it; newtoncg prints every
  line-search trial (ours one line per iteration; ``--faithful`` the course's table).
  The Hessian is the course's: classObjFun's with the 1e-5 shift of softMax.m.
- Its picture uses ``imagesc(x, x, img')``: the y axis points down, so the class
  regions appear upside down against ``peaks``; ours has y up and the true class
  boundaries on top.
- Its random numbers are MATLAB's (rng(42)): the same seed gives other points and
  weights here; ``crosscheck/courseEELM.py`` runs the course's code in Octave on
  our data and weights.
"""

# %% Setup
import argparse
import time

import matplotlib.pyplot as plt
import numpy as np

from experiments.extremeLearning import (
    COURSE_PEAKS,
    activation,
    classLegend,
    drawClassRegions,
    errorW,
    features,
    peaksData,
    randomWeights,
    singularValues,
    trainW,
)
from support.scripts import parseArguments, saveFigure, showFigures


def parseArgs():
    """The script's flags (defaults: the course's settings)."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    s = COURSE_PEAKS
    parser.add_argument("--seed", type=int, default=s["seed"],
                        help="seed of every random number (course: rng(42))")
    parser.add_argument("--np", type=int, default=s["np"], help="number of Peaks points (split 80/20)")
    parser.add_argument("--npTest", type=int, default=s["npTest"], help="number of separate test points")
    parser.add_argument("--ns", type=int, default=s["ns"], help="Peaks grid size")
    parser.add_argument("--m", type=int, default=s["m"], help="width of the random layer")
    parser.add_argument("--acts", nargs="+", default=["sin", "tanh", "relu"], choices=["sin", "tanh", "relu"],
                        help="activations to compare")
    parser.add_argument("--maxIter", type=int, default=s["param"]["maxIter"], help="Newton-CG iterations")
    parser.add_argument("--maxIterCG", type=int, default=s["param"]["maxIterCG"],
                        help="CG steps per iteration")
    parser.add_argument("--faithful", action="store_true",
                        help="train on all points and print the course's train/val errors and its table")
    return parseArguments(parser)


if __name__ == "__main__":
    args = parseArgs()
    rng = np.random.default_rng(args.seed)
    param = {**COURSE_PEAKS["param"], "maxIter": args.maxIter, "maxIterCG": args.maxIterCG}

# %% 1. Peaks data: np points split 80/20, and npTest separate test points
if __name__ == "__main__":
    Y, C, iTrain, iVal, Yt, Ct = peaksData(rng, args.np, COURSE_PEAKS["nc"], args.ns, npTest=args.npTest)
    if args.faithful:                      # the course trains on every point and never uses its split
        iTrain = np.arange(Y.shape[0])
    (n, nf), nc, m = Y.shape, C.shape[1], args.m
    print(f"Peaks: {n} points, {nc} classes; training on {iTrain.size} "
          f"({'all, as the course' if args.faithful else 'the 80% split off'}), validation {iVal.size}, "
          f"test {Yt.shape[0]}; m = {m}, lambda = {COURSE_PEAKS['lam']:g}")

# %% 2. One random layer for all activations: K (nf x m), b, W0 ((m+1) x nc), standard normal
if __name__ == "__main__":
    K, b, W0 = randomWeights(rng, nf, m, nc)

# %% 3. Singular values of Z for sin, tanh and ReLU (the course's first subplot)
if __name__ == "__main__":
    sv = {a: singularValues(features(Y, K, b, activation(a))) for a in args.acts}
    for a, s in sv.items():
        rank = int(np.sum(s > s[0] * max(Y.shape[0], m) * np.finfo(float).eps))
        print(f"{a:>4}: singular values of Z ({n} x {m}): largest {s[0]:.3g}, smallest {s[-1]:.2g}, "
              f"numerical rank {rank}")

# %% 4. Train W for each activation (K, b fixed), then the errors
if __name__ == "__main__":
    results = {}
    for a in args.acts:
        act, t = activation(a), time.perf_counter()
        Z = features(Y[iTrain], K, b, act)
        W, his = trainW(Z, C[iTrain], W0, COURSE_PEAKS["lam"], param, verbose=2 if args.faithful else 0)
        results[a] = dict(W=W, train=errorW(W, Z, C[iTrain]), test=errorW(W, features(Yt, K, b, act), Ct),
                          val=errorW(W, features(Y[iVal], K, b, act), C[iVal]) if iVal.size else np.nan)
        r = results[a]
        if args.faithful:                  # the course's title: "sin - train 3.71% val 3.95%"
            print(f"{a} - train {r['train']:1.2f}% val {r['test']:1.2f}%")
        else:
            print(f"{a:>4}: objective {his['obj'][0]:.3e} -> {his['obj'][-1]:.3e} in {len(his['obj']) - 1} "
                  f"Newton-CG iterations ({time.perf_counter() - t:.1f} s); training error {r['train']:.2f}% "
                  f"validation error {r['val']:.2f}% test error {r['test']:.2f}%", flush=True)

# %% 5. The picture: singular values, and the class regions of each activation
if __name__ == "__main__":
    rows = (len(args.acts) + 2) // 2             # one panel for the singular values, one per activation
    fig, axes = plt.subplots(rows, 2, figsize=(10, 4.75 * rows + 0.5 * (rows == 1)))
    ax = axes.flat[0]
    for a, s in sv.items():
        ax.semilogy(np.arange(1, s.size + 1), np.maximum(s, 1e-17), linewidth=2, label=a)
    ax.set_xlabel("index i")
    ax.set_ylabel("i-th singular value of Z")
    ax.set_title(f"singular values of Z = sigma(Y K + b), {n} x {m}", fontsize=9)
    ax.legend()
    for ax, a in zip(axes.flat[1:], args.acts):
        r = results[a]
        label = (f"{a} - train {r['train']:1.2f}% val {r['test']:1.2f}%" if args.faithful else
                 f"{a}: error train {r['train']:.2f}%, val {r['val']:.2f}%, test {r['test']:.2f}%")
        cmap = drawClassRegions(ax, lambda P, a=a, W=r["W"]: (features(P, K, b, activation(a)) @ W[:-1]
                                                               + W[-1]).argmax(axis=1), label, nc, args.ns)
    for ax in axes.flat[1 + len(args.acts):]:
        ax.set_axis_off()
    classLegend(fig, cmap, nc)
    fig.suptitle(f"EELM_Peaks: random K, b (m = {m}), only W trained "
                 f"({'all points, as the course' if args.faithful else 'on the 80% training split'})")
    fig.tight_layout()
    print("saved", saveFigure(fig, "EELM_Peaks"))
    showFigures()
