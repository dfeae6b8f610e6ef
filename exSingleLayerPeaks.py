# %% [markdown]
# # Training the single layer on the Peaks data: Newton-CG against steepest descent and SGD
#
# The Python counterpart of the course's ``ESingleLayer_PeaksNewtonCG.m`` and
# ``ESingleLayer_PeaksSGD.m``, in cells:
#
# 1. Peaks data (5 classes in the plane), split into training and validation points;
# 2. the objective of the slides with the regulariser alpha R = 0.5 lam ||x||^2;
# 3. the same start x0 trained by Newton-CG (Gauss-Newton H), steepest descent and SGD;
# 4. objective and validation accuracy against iterations/epochs, and the learned class regions.
#
# Run ``python exSingleLayerPeaks.py [--seed 42] [--np 4000] [--maxIter 40]``;
# figures go to ``figures/``.

# %% Setup
import argparse
import time

import matplotlib.pyplot as plt
import numpy as np

from genTikhonov import genTikhonov
from newtonCG import newtonCG
from setupPeaks import setupPeaks
from sgd import sgd
from singleLayer import singleLayer
from singleLayerNNObjFun import singleLayerNNObjFun, splitX
from steepestDescent import steepestDescent
from support.scripts import parseArguments, saveFigure, showFigures

parser = argparse.ArgumentParser(
    description="Training the single layer on the Peaks data: Newton-CG against steepest descent and SGD "
                "(the course's ESingleLayer_PeaksNewtonCG.m and ESingleLayer_PeaksSGD.m); "
                "figures go to figures/.")
parser.add_argument("--seed", type=int, default=42, help="seed of every random number")
parser.add_argument("--np", type=int, default=4000, help="number of Peaks points (80%% for training)")
parser.add_argument("--m", type=int, default=40, help="width of the layer")
parser.add_argument("--act", default="tanh", help="activation: tanh, smoothRelu or sine")
parser.add_argument("--maxIter", type=int, default=40, help="Newton-CG iterations")
parser.add_argument("--maxIterSD", type=int, default=400, help="steepest descent iterations")
parser.add_argument("--epochs", type=int, default=20, help="SGD epochs")
args = parseArguments(parser)   # a misspelt flag is an error (but under Jupyter)
rng = np.random.default_rng(args.seed)

# %% 1. Peaks data, split into training (80%) and validation (20%) points
Yall, Call = setupPeaks(args.np, nc=5, ns=256, seed=rng)
perm = rng.permutation(Yall.shape[0])
nTrain = int(0.8 * Yall.shape[0])
Y, C = Yall[perm[:nTrain]], Call[perm[:nTrain]]
Yv, Cv = Yall[perm[nTrain:]], Call[perm[nTrain:]]
n, nf = Y.shape
nc, m, act = C.shape[1], args.m, args.act
print(f"Peaks: {n} training and {Yv.shape[0]} validation points, {nc} classes, m = {m}, act = {act}")

# %% 2. The objective E(sigma(Y K + b) W, C) + alpha R(W, K, b), R = 0.5 lam ||x||^2
lam = 1e-4                                    # the course's regularisation parameter


def reg(x):
    return genTikhonov(x, lam)


def fun(x):                                   # full objective, for Newton-CG and steepest descent
    return singleLayerNNObjFun(x, Y, C, m, act, reg=reg)


def funBatch(x, idx):                         # objective on the examples idx, for SGD
    return singleLayerNNObjFun(x, Y[idx], C[idx], m, act, reg=reg)


def accuracy(x, Y, C):
    """Fraction of the points whose most likely class (largest score S = Z W) is theirs."""
    K, b, W = splitX(x, nf, m, nc)
    S = singleLayer(K, b, Y, act, doDerivative=False)[0] @ W
    return np.mean(S.argmax(1) == C.argmax(1))


x0 = np.concatenate([rng.standard_normal(nf * m + 1), 0.1 * rng.standard_normal(m * nc)])

# %% 3. Train from the same x0 with the three methods
runs = {}
t = time.perf_counter()
xN, hisN, xAllN = newtonCG(fun, x0, {"maxIter": args.maxIter, "verbose": False})
runs["Newton-CG"] = (xN, hisN["obj"], xAllN, time.perf_counter() - t, "iteration")
t = time.perf_counter()
xS, hisS, xAllS = steepestDescent(fun, x0, {"maxIter": args.maxIterSD, "maxStep": 1.0, "verbose": False})
runs["steepest descent"] = (xS, hisS["obj"], xAllS, time.perf_counter() - t, "iteration")
t = time.perf_counter()
xG, hisG, xAllG = sgd(funBatch, x0, {"n": n, "batchSize": 32, "lr": 0.1, "maxEpochs": args.epochs,
                                     "momentum": 0.9, "rng": rng, "verbose": False})
runs["SGD"] = (xG, hisG["obj"], xAllG, time.perf_counter() - t, "epoch")

print(f"\n{'method':>17} {'steps':>12} {'objective':>10} {'train acc':>9} {'val acc':>8} {'time':>7}")
valAcc = {}
for name, (x, obj, xAll, seconds, unit) in runs.items():
    valAcc[name] = np.array([accuracy(xk, Yv, Cv) for xk in xAll])
    print(f"{name:>17} {len(obj) - 1:4d} {unit + 's':>7} {obj[-1]:10.4f} {accuracy(x, Y, C):9.1%} "
          f"{valAcc[name][-1]:8.1%} {seconds:6.1f}s")
print(f"(chance: {1 / nc:.0%})")

# %% 4. Objective and validation accuracy against iterations (epochs for SGD)
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for name, (_, obj, _, _, unit) in runs.items():
    axes[0].semilogy(obj, label=f"{name} (per {unit})")
    axes[1].plot(100 * valAcc[name], label=f"{name} (per {unit})")
axes[0].set_xscale("symlog")
axes[0].set_ylabel("training objective E + alpha R")
axes[0].set_title("training objective")
axes[1].set_xscale("symlog")
axes[1].set_ylabel("validation accuracy [%]")
axes[1].set_title(f"validation accuracy (chance {100 / nc:.0f}%)")
for ax in axes:
    ax.set_xlabel("iteration / epoch (symmetric log scale)")
handles, labels = axes[0].get_legend_handles_labels()
fig.legend(handles, labels, loc="upper center", ncol=3, bbox_to_anchor=(0.5, 0.0))
fig.suptitle("Single layer on Peaks", y=1.02)
print("saved", saveFigure(fig, "peaksConvergence"))

# %% 5. Learned class regions over the grid, with the training points
t = np.linspace(-3, 3, 201)
G1, G2 = np.meshgrid(t, t)
grid = np.column_stack([G1.ravel(), G2.ravel()])
fig, axes = plt.subplots(1, 3, figsize=(15, 4.6))
for ax, (name, (x, *_)) in zip(axes, runs.items()):
    K, b, W = splitX(x, nf, m, nc)
    regions = (singleLayer(K, b, grid, act, doDerivative=False)[0] @ W).argmax(1).reshape(G1.shape)
    ax.pcolormesh(G1, G2, regions, cmap="viridis", shading="auto", alpha=0.45, vmin=0, vmax=nc - 1)
    ax.scatter(Y[:, 0], Y[:, 1], c=C.argmax(1), cmap="viridis", s=3, vmin=0, vmax=nc - 1)
    ax.set_title(f"{name}: validation accuracy {valAcc[name][-1]:.1%}")
    ax.set_xlabel("x (first feature)")
    ax.set_ylabel("y (second feature)")
    ax.set_aspect("equal")
colours = plt.get_cmap("viridis")(np.linspace(0, 1, nc))
classHandles = [plt.Rectangle((0, 0), 1, 1, color=c, alpha=0.7) for c in colours]
fig.legend(classHandles, [f"class {k + 1}" for k in range(nc)], loc="upper center",
           ncol=nc, bbox_to_anchor=(0.5, 0.02),
           title="shading: predicted class, dots: training points (classes 1-5: the height bins of peaks, "
                 "as the course numbers them)")
print("saved", saveFigure(fig, "peaksClassRegions"))
showFigures()
