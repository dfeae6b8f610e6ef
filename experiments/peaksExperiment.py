"""What the course's three Peaks experiments share: their settings, data, training recipes, errors, picture.

The scripts ``ESingleLayer_PeaksNewtonCG.py``, ``ESingleLayer_PeaksSGD.py`` and
``ESingleLayer_PeaksVarPro.py`` (named after the course's ``singleLayer/examples/*.m``)
run one experiment each; ``crosscheck/coursePeaks.py`` runs the same recipes beside
the course's ``.m`` files in Octave. All three, as the course sets them up:

- data: ``setupPeaks(1000, 5, 256)`` for training, a separate ``setupPeaks(2000, 5, 256)``
  for validation; a single layer of width m = 40 and the classifier bias;
- start: K0, b0 (and W0) standard normal (the course's ``randn``, after ``rng(2)``);
- the error: the percentage of points whose most likely class (largest entry of
  S = [Z, 1] W) is not theirs, on the training and the validation points.

==========  ==========  ==================================================================
experiment  activation  training (the course's parameters)
==========  ==========  ==================================================================
NewtonCG    sine        E + 0.5 1e-4 ||x||^2 over x = [K(:); b; W(:)]: steepest descent
                        (500 iterations, maxStep 1), then Newton-CG (50 iterations,
                        CG to 1e-6 or 200 steps)
SGD         sine        the same objective: SGD, 50 epochs, learning rate 1, batches of 2,
                        no momentum
VarPro      tanh        variable projection over [K(:); b] (W by Newton-CG inside: 20
                        iterations, CG 1e-5 / 30; R_W = 0.5 1e-10 ||W||^2): steepest descent
                        (10 iterations, maxStep 1), then Newton-CG (20 iterations, CG 1e-6 / 10)
==========  ==========  ==================================================================
"""

import argparse
import contextlib
import warnings

import numpy as np

from classObjFun import solveClassObjFun
from genTikhonov import genTikhonov
from newtonCG import newtonCG
from setupPeaks import peaks, peaksClasses, setupPeaks
from sgd import sgd
from singleLayer import singleLayer
from singleLayerNNObjFun import COURSE_SHIFT, singleLayerNNObjFun, splitX
from singleLayerNNVarProObjFun import singleLayerNNVarProObjFun
from steepestDescent import steepestDescent
from support.scripts import parseArguments, saveFigure
from support.vecmat import mat, vec

COURSE = {   # the settings of the course's scripts
    "NewtonCG": dict(act="sine", lam=1e-4, maxIterSD=500, maxStep=1.0, maxIter=50, tolCG=1e-6, maxIterCG=200),
    "SGD": dict(act="sine", lam=1e-4, epochs=50, lr=1.0, batchSize=2, momentum=0.0),
    "VarPro": dict(act="tanh", lamW=1e-10, paramCl=dict(maxIter=20, tolCG=1e-5, maxIterCG=30),
                   maxIterSD=10, maxStep=1.0, maxIter=20, tolCG=1e-6, maxIterCG=10),
}
SGD_LR = 0.1   # our SGD's default: real batches of 2 diverge with the course's 1 (see ESingleLayer_PeaksSGD)
DATA = dict(np=1000, npVal=2000, nc=5, ns=256, m=40, seed=2)   # the course's sizes and its rng(2)
LONG_PHASE = 20    # a phase of more iterations is summarised (about ten lines) unless --verbose


# ------------------------------------------------------------------ command line
def parseArgs(experiment, description):
    """The experiment's flags (defaults: the course's settings); in a Jupyter/IPython kernel: the defaults."""
    s = COURSE[experiment]
    parser = argparse.ArgumentParser(description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=DATA["seed"],
                        help="seed of every random number (course: rng(2))")
    parser.add_argument("--np", type=int, default=DATA["np"], help="number of training points")
    parser.add_argument("--npVal", type=int, default=DATA["npVal"], help="number of validation points")
    parser.add_argument("--ns", type=int, default=DATA["ns"], help="Peaks grid size")
    parser.add_argument("--m", type=int, default=DATA["m"], help="width of the layer")
    parser.add_argument("--faithful", action="store_true",
                        help="do what the course's script does where it surprises (see the docstring)")
    if experiment == "SGD":
        parser.add_argument("--epochs", type=int, default=s["epochs"], help="SGD epochs")
        parser.add_argument("--lr", type=float, default=None,
                            help="learning rate (default 0.1; the course's 1 with --faithful)")
        parser.add_argument("--batchSize", type=int, default=s["batchSize"], help="examples per batch")
    else:
        parser.add_argument("--maxIterSD", type=int, default=s["maxIterSD"],
                            help="steepest descent iterations")
        parser.add_argument("--maxIter", type=int, default=s["maxIter"], help="Newton-CG iterations")
        parser.add_argument("--maxIterCG", type=int, default=s["maxIterCG"],
                            help="CG steps per Newton iteration")
        if experiment == "VarPro":
            parser.add_argument("--lamW", type=float, default=s["lamW"],
                                help="the W-regulariser's lambda of the inner problem (course: 1e-10)")
        parser.add_argument("--hessian", choices=("course", "full"), default="course",
                            help="course: the course's Hessian (block-diagonal, 1e-5 shift); full: ours "
                                 "(the Gauss-Newton Hessian over all unknowns, no shift)")
    parser.add_argument("--verbose", action="store_true",
                        help=f"a line for every iteration (default: phases of more than {LONG_PHASE} "
                             "iterations print about ten lines, every ceil(maxIter/10)-th iteration, "
                             "and the last)")
    parser.add_argument("--quiet", action="store_true", help="print no iteration table")
    return parseArguments(parser)                  # Jupyter/VS Code cells: the defaults


def verbosity(args):
    """What the optimisers print: the course's table (faithful), one line per iteration, or nothing."""
    return 0 if args.quiet else 2 if args.faithful else 1


def summarised(args):
    """Long phases are summarised (``printEvery``) unless --verbose or --faithful asks for every line."""
    return not (args.verbose or args.faithful)


def printing(maxIter, verbose, summarise):
    """The optimiser's printing param; ``summarise``: a phase of more than LONG_PHASE iterations prints
    one line in ceil(maxIter/10), and the last. The iterates are not kept (the scripts need only x)."""
    every = -(-maxIter // 10) if summarise and maxIter > LONG_PHASE else 1
    return {"verbose": verbose, "printEvery": every, "storeIterates": False}


def newtonSettings(s):
    """newtonCG's param from an experiment's settings: maxIter, tolCG, maxIterCG."""
    return {k: s[k] for k in ("maxIter", "tolCG", "maxIterCG")}


@contextlib.contextmanager
def lineSearchReported(verbose):
    """When the optimisers print their status (verbose), a failed line search is said there, once:
    the raw ``UserWarning: ... line search failed`` is not repeated. Silent runs keep the warning."""
    with warnings.catch_warnings():
        if verbose:
            warnings.filterwarnings("ignore", message=r".*line search failed", category=UserWarning)
        yield


# ------------------------------------------------------------------ data and start
def coursePeaksData(rng, np=1000, npVal=2000, nc=5, ns=256, validationTwice=False):
    """Training and validation points, drawn one after the other from ``rng`` as the course does.

    ``validationTwice``: draw the validation set twice and keep the second, as
    ``ESingleLayer_PeaksVarPro.m`` does (it calls setupPeaks(2000, ...) twice).
    """
    Y, C = setupPeaks(np, nc, ns, seed=rng)
    Yv, Cv = setupPeaks(npVal, nc, ns, seed=rng)
    if validationTwice:
        Yv, Cv = setupPeaks(npVal, nc, ns, seed=rng)
    return Y, C, Yv, Cv


def startWeights(rng, nf, m, nc, withW=True):
    """x0 = [K0(:); b0; W0(:)] (or [K0(:); b0]), standard normal (the course: randn(m,nf), randn(1), ...)."""
    K0 = rng.standard_normal((nf, m))
    b0 = rng.standard_normal()
    if not withW:
        return np.concatenate([vec(K0), [b0]])
    W0 = rng.standard_normal((m + 1, nc))
    return np.concatenate([vec(K0), [b0], vec(W0)])


# ------------------------------------------------------------------ the three recipes
def peaksObjective(Y, C, m, s, hessian="course"):
    """The objective of NewtonCG and SGD: E(sigma(Y K + b) W, C) + 0.5 lam ||x||^2 (genTikhonov, L = 1)."""
    return lambda x: singleLayerNNObjFun(x, Y, C, m, s["act"], reg=lambda x: genTikhonov(x, s["lam"]),
                                         hessian=hessian, bias=True)


def trainNewtonCG(Y, C, x0, m, s=COURSE["NewtonCG"], hessian="course", verbose=1, summarise=False):
    """Steepest descent from x0, then Newton-CG: returns x and both histories (``summarise``: long
    phases print about ten lines)."""
    fun = peaksObjective(Y, C, m, s, hessian)
    with lineSearchReported(verbose):
        xSD, hisSD, _ = steepestDescent(fun, x0, {"maxIter": s["maxIterSD"], "maxStep": s["maxStep"],
                                                  **printing(s["maxIterSD"], verbose, summarise)})
        x, his, _ = newtonCG(fun, xSD, {**newtonSettings(s), **printing(s["maxIter"], verbose, summarise)})
    return x, {"xSD": xSD, "steepestDescent": hisSD, "newtonCG": his}


def trainSGD(Y, C, x0, m, s=COURSE["SGD"], faithful=False, rng=None, verbose=1, summarise=False):
    """SGD from x0 on mini-batches (faithful: on all examples at every step, as the course's objective)."""
    n = Y.shape[0]
    if faithful:   # the course's fctn = @(x,varargin) singleLayerNNObjFun(x,Y,C,...) ignores the batch
        full = peaksObjective(Y, C, m, s)
        fun = lambda x, idx: full(x)                                          # noqa: E731
    else:
        fun = lambda x, idx: peaksObjective(Y[idx], C[idx], m, s)(x)          # noqa: E731
    param = {"lr": np.full(s["epochs"], s["lr"]), "n": n, "batchSize": s["batchSize"],
             "momentum": s["momentum"], "rng": rng, "checkIndices": not faithful,
             **printing(s["epochs"], verbose, summarise)}
    x, his, _ = sgd(fun, x0, param)
    return x, {"sgd": his}


def trainVarPro(Y, C, x0, m, s=COURSE["VarPro"], faithful=False, hessian="course", verbose=1,
                summarise=False):
    """VarPro from x0 = [K0(:); b0]: steepest descent, Newton-CG, then W for the final (K, b).

    Returns x = [K(:); b; W(:)] and the histories. The final W is solved with
    the W-regulariser (faithful: without it, as the course's script does).
    """
    shift = COURSE_SHIFT if hessian == "course" else 0.0
    regW = lambda w: genTikhonov(w, s["lamW"])                                # noqa: E731
    fun = lambda x: singleLayerNNVarProObjFun(x, Y, C, m, s["paramCl"], s["act"], regW=regW,   # noqa: E731
                                              hessianShift=shift, courseValue=faithful)
    with lineSearchReported(verbose):
        xSD, hisSD, _ = steepestDescent(fun, x0, {"maxIter": s["maxIterSD"], "maxStep": s["maxStep"],
                                                  **printing(s["maxIterSD"], verbose, summarise)})
        xKb, his, _ = newtonCG(fun, xSD, {**newtonSettings(s), **printing(s["maxIter"], verbose, summarise)})
    nf = Y.shape[1]
    Z = singleLayer(mat(xKb[:nf * m], (nf, m)), xKb[nf * m], Y, s["act"], doDerivative=False)[0]
    W, hisW = solveClassObjFun(Z, C, s["paramCl"], None if faithful else regW, True, shift)
    return np.concatenate([xKb, vec(W)]), {"xSD": xSD, "steepestDescent": hisSD, "newtonCG": his, "W": hisW}


# ------------------------------------------------------------------ errors and the picture
def classScores(x, Y, m, nc, act):
    """S = [sigma(Y K + b), 1] W for x = [K(:); b; W(:)] (with the classifier bias)."""
    K, b, W = splitX(x, Y.shape[1], m, nc, bias=True)
    Z = singleLayer(K, b, Y, act, doDerivative=False)[0]
    return np.column_stack([Z, np.ones(Z.shape[0])]) @ W


def classError(x, Y, C, m, act):
    """Percentage of the points whose most likely class is not theirs (the course's trainErr/valErr)."""
    S = classScores(x, Y, m, C.shape[1], act)
    return 100 * np.mean(S.argmax(axis=1) != C.argmax(axis=1))


def plotClassRegions(x, m, nc, act, title, name, ns=256):
    """The predicted class over [-3, 3]^2 (201 x 201 points, as the course), true class boundaries on top."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    t = np.linspace(-3, 3, 201)
    G1, G2 = np.meshgrid(t, t)
    grid = np.column_stack([G1.ravel(), G2.ravel()])
    regions = classScores(x, grid, m, nc, act).argmax(axis=1).reshape(G1.shape)
    cmap = plt.get_cmap("viridis", nc)
    fig, ax = plt.subplots(figsize=(6.2, 5))
    ax.pcolormesh(G1, G2, regions, cmap=cmap, vmin=-0.5, vmax=nc - 0.5, shading="auto")
    X1, X2, Zp = peaks(ns)
    ax.contour(X1, X2, peaksClasses(Zp, nc), levels=np.arange(nc - 1) + 0.5, colors="k", linewidths=0.8)
    handles = [Patch(color=cmap(k), label=f"class {k + 1}") for k in range(nc)]
    handles.append(plt.Line2D([], [], color="k", linewidth=0.8, label="true boundaries"))
    ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.02, 0.5), title="predicted class")
    ax.set_xlabel("y1 (first coordinate of the point)")
    ax.set_ylabel("y2 (second coordinate)")
    ax.set_title(title, fontsize=10)
    ax.set_aspect("equal")
    return saveFigure(fig, name)


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    Y, C, Yv, Cv = coursePeaksData(rng, 200, 400, ns=64)
    s = {**COURSE["NewtonCG"], "maxIterSD": 20, "maxIter": 5}
    x, _ = trainNewtonCG(Y, C, startWeights(rng, 2, 10, 5), 10, s, verbose=0)
    trainErr, valErr = classError(x, Y, C, 10, "sine"), classError(x, Yv, Cv, 10, "sine")
    print(f"NewtonCG recipe, small (200 points, m = 10, 20 + 5 iterations): training error {trainErr:.2f}%, "
          f"validation error {valErr:.2f}% (chance: 80%)")
