"""EELM_MNIST: extreme learning on MNIST, a random tanh layer of width 1530, only W trained.

The Python counterpart of the course's ``classification/examples/EELM_MNIST.m``,
for slide "Learning the Weights" ("Using random weights, K might need to be very
large to fit training data. Solution may not generalize well to test data."):

    Z = tanh(Y K + b),   K = randn(nf, m) / sqrt(nf m),  b = randn,  fixed
    min_W  E([Z, 1] W, C) + 0.5 1e-8 ||W||^2        (convex: classObjFun + Newton-CG)

from W0 = randn(m+1, nc) / sqrt(nc m), with the course's settings: m = 1530,
lambda = 1e-8, Newton-CG with 20 iterations, CG to 1e-2 or 30 steps, on
setupMNIST(50000, 10000). The digits kept in this repository (5000) do not hold
50000 + 10000: then it takes setupMNIST's default split of them (4167 training,
833 validation) and says so; ``--folder`` (or MNIST_DIR) with the full set takes
the course's sizes. It prints the training and validation errors, and beside
them a linear classifier on the raw pixels trained the same way.

    python EELM_MNIST.py [--seed 0] [--nTrain N --nVal N] [--folder DIR] [--m 1530]
        [--scaleK course|unit] [--faithful]

What the course's script does that may surprise:

- It prints the training error as "Testing    Error". Ours says "training
  error"; ``--faithful`` prints the course's two lines and its iteration table.
- Its scaling K / sqrt(nf m) makes the entries of Y K tiny (standard deviation
  about 0.01 for pixels in [-0.5, 0.5]) beside b = randn: tanh is then used
  only on a short piece around b, where it is nearly a straight line, and
  Z = tanh(Y K + b) is close to tanh(b) + tanh'(b) Y K, a linear map of the
  pixels. The script measures this (the relative deviation of Z from that
  line) and draws it; ``--scaleK unit`` uses K / sqrt(nf) instead, which reaches
  tanh's bend. The default is the course's scaling.
- It calls ``padarray`` (Octave's image package) and computes the class
  probabilities without shifting the scores (they could overflow); ours takes
  the largest score directly, which picks the same class.
- Its random numbers are MATLAB's and setupMNIST.m draws with ``randperm``:
  the same seed gives another split and other weights here.
"""

# %% Setup
import argparse
import time

import matplotlib.pyplot as plt
import numpy as np

from experiments.extremeLearning import COURSE_MNIST, errorW, features, mnistData, randomWeights, trainW
from support.scripts import parseArguments, saveFigure, showFigures


def parseArgs():
    """The script's flags (defaults: the course's settings)."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    s = COURSE_MNIST
    parser.add_argument("--seed", type=int, default=0, help="seed of the split and the weights (default 0)")
    parser.add_argument("--nTrain", type=int, default=None,
                        help="training digits (default: the course's 50000 if the data hold them, else 4167)")
    parser.add_argument("--nVal", type=int, default=None, help="validation digits (default: 10000, else 833)")
    parser.add_argument("--folder", default=None, help="folder with the MNIST IDX files (default: MNIST_DIR, "
                                                        "else the 5000 digits kept in data/mnist)")
    parser.add_argument("--m", type=int, default=s["m"], help="width of the random layer (course: 1530)")
    parser.add_argument("--lam", type=float, default=s["lam"], help="regularisation lambda (course: 1e-8)")
    parser.add_argument("--maxIter", type=int, default=s["param"]["maxIter"], help="Newton-CG iterations")
    parser.add_argument("--maxIterCG", type=int, default=s["param"]["maxIterCG"],
                        help="CG steps per iteration")
    parser.add_argument("--scaleK", choices=("course", "unit"), default="course",
                        help="K / sqrt(nf m) (course) or K / sqrt(nf) (unit)")
    parser.add_argument("--faithful", action="store_true",
                        help="print the course's lines and iteration table")
    return parseArguments(parser)


def linearity(Y, K, b):
    """How far Z = tanh(Y K + b) is from its tangent at b, and the spread of Y K.

    Returns ||Z - tanh(b) - tanh'(b) Y K|| / ||Z - mean Z|| and std(Y K).
    """
    YK = Y @ K
    Z = np.tanh(YK + b)
    line = np.tanh(b) + (1 - np.tanh(b) ** 2) * YK
    return float(np.linalg.norm(Z - line) / np.linalg.norm(Z - Z.mean(axis=0))), float(np.std(YK))


if __name__ == "__main__":
    args = parseArgs()
    rng = np.random.default_rng(args.seed)
    param = {**COURSE_MNIST["param"], "maxIter": args.maxIter, "maxIterCG": args.maxIterCG}

# %% 1. The data: setupMNIST(50000, 10000) if the data hold it, else the split the subset allows
if __name__ == "__main__":
    Y, C, Yv, Cv, sizes = mnistData(args.nTrain, args.nVal, args.folder, args.seed)
    (n, nf), nc, m = Y.shape, C.shape[1], args.m
    print(f"MNIST: {sizes}; m = {m}, lambda = {args.lam:g}")

# %% 2. The random layer: K = randn(nf, m) / sqrt(nf m), b = randn, W0 = randn(m+1, nc) / sqrt(nc m) (course)
if __name__ == "__main__":
    scaleK = 1 / np.sqrt(nf * m) if args.scaleK == "course" else 1 / np.sqrt(nf)
    K, b, W0 = randomWeights(rng, nf, m, nc, scaleK=scaleK, scaleW=1 / np.sqrt(nc * m))
    deviation, spread = linearity(Y, K, b)
    scaling = "1/sqrt(nf m)" if args.scaleK == "course" else "1/sqrt(nf)"
    print(f"K scaled by {scaling}: the entries of Y K have "
          f"standard deviation {spread:.3g} around b = {b:.3f}; Z = tanh(Y K + b) deviates from the straight "
          f"line tanh(b) + tanh'(b) Y K by {deviation:.1%} (relative)")

# %% 3. Train W (K, b fixed) and the errors
if __name__ == "__main__":
    t = time.perf_counter()
    Z = features(Y, K, b)
    W, his = trainW(Z, C, W0, args.lam, param, verbose=2 if args.faithful else 0)
    trainErr, valErr = errorW(W, Z, C), errorW(W, features(Yv, K, b), Cv)
    if args.faithful:                        # the course's two lines, its training error called "Testing"
        print(f"Testing    Error {trainErr:3.2f}%")
        print(f"Validation Error {valErr:3.2f}%")
    else:
        print(f"random features (m = {m}): objective {his['obj'][0]:.3e} -> {his['obj'][-1]:.3e} in "
              f"{len(his['obj']) - 1} Newton-CG iterations ({time.perf_counter() - t:.1f} s); "
              f"training error {trainErr:.2f}% validation error {valErr:.2f}%", flush=True)

# %% 4. Beside it: the linear classifier on the raw pixels (no layer), trained the same way from W = 0
if __name__ == "__main__":
    t = time.perf_counter()
    WLin, _ = trainW(Y, C, np.zeros((nf + 1, nc)), args.lam, param)
    print(f"linear classifier on the {nf} raw pixels ({time.perf_counter() - t:.1f} s): "
          f"training error {errorW(WLin, Y, C):.2f}% validation error {errorW(WLin, Yv, Cv):.2f}%")

# %% 5. The picture: where on tanh the entries of Y K + b fall
if __name__ == "__main__":
    X = (Y[:500] @ K + b).ravel()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    s = np.linspace(-4, 4, 401)
    ax.plot(s, np.tanh(s), "k", label="tanh")
    ax.plot(s, np.tanh(b) + (1 - np.tanh(b) ** 2) * (s - b), "k:", label="its tangent at b")
    ax.axvspan(np.percentile(X, 0.5), np.percentile(X, 99.5), color="tab:orange", alpha=0.4,
               label="99% of the entries of Y K + b")
    ax.set_ylim(-1.5, 1.5)
    ax.set_xlabel("pre-activation  (Y K + b)_ij")
    ax.set_ylabel("tanh")
    ax.set_title(f"EELM_MNIST, K scaled by {scaling}: "
                 f"Z deviates {deviation:.1%} from the tangent line\n"
                 f"training error {trainErr:.2f}%, validation error {valErr:.2f}% (m = {m})", fontsize=10)
    ax.legend(loc="upper left")
    print("saved", saveFigure(fig, "EELM_MNIST"))
    showFigures()
