"""ESingleLayer_PeaksSGD: the course's single layer on Peaks, trained by stochastic gradient descent.

The Python counterpart of the course's ``singleLayer/examples/ESingleLayer_PeaksSGD.m``,
with its settings: the data, network, objective and start of ``ESingleLayer_PeaksNewtonCG``
(1000 training and 2000 validation points, m = 40, sine activation, classifier bias,
E + 0.5 1e-4 ||x||^2), trained by SGD for 50 epochs with batches of 2 examples and no
momentum,

    dF <- momentum dF + lr grad f_B(x),   x <- x - dF     (for every batch B of an epoch)

It prints the training and validation errors and saves the predicted class regions to
``figures/ESingleLayer_PeaksSGD.png``.

    python ESingleLayer_PeaksSGD.py [--seed 2] [--np 1000] [--npVal 2000] [--m 40]
        [--epochs 50] [--batchSize 2] [--lr 0.1] [--faithful] [--verbose] [--quiet]

What the course's script does that may surprise:

- Its objective ``fctn = @(x,varargin) singleLayerNNObjFun(x,Y,C,m,...)`` ignores
  the batch indices sgd passes: every "mini-batch" step uses the full gradient
  on all 1000 points. Its 50 epochs of 500 "batches" are 25000 steps of plain
  gradient descent with step 1 and no line search. Ours by default evaluates
  each step on its batch (the mean cross entropy of its 2 examples plus the
  regulariser): stochastic gradient descent. ``--faithful`` does what the course does.
- Its learning rate 1 works for those full-gradient steps; with real batches of
  2 it diverges (measured, seed 2: objective 5.3 -> 46 after 50 epochs, 81%
  training error; 0.3 fails too, 0.1 to 0.01 reach 4-6% validation error). The
  default learning rate here is therefore 0.1 (1 with ``--faithful``); ``--lr`` sets it.
- sgd.m prints its epoch line even with ``out = 0``, and evaluates the objective
  after each epoch on the first min(n, 5000) examples (all of them here).
- The script's header says it optimises "first with steepest descent and then
  with newtoncg": copied from ESingleLayer_PeaksNewtonCG.m; it runs SGD only.
- Its picture has the y axis pointing down (``imagesc``); ours has y up (see
  ``ESingleLayer_PeaksNewtonCG.py`` for this and the error's definition).
- The faithful run is 25000 evaluations of the objective on all points: about
  100 s on a busy 2-core machine (numpy's sin and cos dominate), the default 9 s.
"""

# %% Setup
import time

import numpy as np

from experiments.peaksExperiment import (
    COURSE,
    SGD_LR,
    classError,
    coursePeaksData,
    parseArgs,
    plotClassRegions,
    startWeights,
    summarised,
    trainSGD,
    verbosity,
)
from support.scripts import showFigures

args = parseArgs("SGD", __doc__)
rng = np.random.default_rng(args.seed)
lr = args.lr if args.lr is not None else COURSE["SGD"]["lr"] if args.faithful else SGD_LR
s = {**COURSE["SGD"], "epochs": args.epochs, "batchSize": args.batchSize, "lr": lr}

# %% 1. Peaks data: training points, then a separate set of validation points
Y, C, Yv, Cv = coursePeaksData(rng, args.np, args.npVal, ns=args.ns)
(n, nf), nc, m = Y.shape, C.shape[1], args.m
print(f"Peaks: {n} training and {Yv.shape[0]} validation points, {nc} classes; m = {m}, act = {s['act']}, "
      f"classifier bias")

# %% 2. Start: K0 (nf x m), b0 and W0 ((m+1) x nc, its last row the classifier bias), standard normal
x0 = startWeights(rng, nf, m, nc)

# %% 3. Train by SGD: batches of the examples (--faithful: the course's full gradient at every step)
kind = "full gradient at every step (the course's)" if args.faithful else f"batches of {s['batchSize']}"
print(f"SGD: {s['epochs']} epochs, learning rate {s['lr']:g}, {kind}")
t = time.perf_counter()
x, his = trainSGD(Y, C, x0, m, s, args.faithful, rng, verbosity(args), summarised(args))
print(f"objective {his['sgd']['obj'][0]:.4e} -> {his['sgd']['obj'][-1]:.4e} ({his['sgd']['message']}) "
      f"in {time.perf_counter() - t:.1f} s")

# %% 4. Training and validation error: the percentage of points given another class than theirs
trainErr, valErr = classError(x, Y, C, m, s["act"]), classError(x, Yv, Cv, m, s["act"])
print(f"training error {trainErr:.2f}% validation error {valErr:.2f}%")

# %% 5. The predicted class regions
path = plotClassRegions(x, m, nc, s["act"], f"ESingleLayer_PeaksSGD: training error {trainErr:.2f}% "
                        f"validation error {valErr:.2f}%", "ESingleLayer_PeaksSGD", args.ns)
print("saved", path)
showFigures()
