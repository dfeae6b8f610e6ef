# %% [markdown]
# # The single layer on real data: handwritten digits (MNIST)
#
# The lecture's network, Z = tanh(Y K + b), S = [Z, 1] W with the classifier bias,
# trained on MNIST digits as the course loads them (``setupMNIST``), in cells:
#
# 1. the data: real MNIST digits (the subset kept in the repository, or the full set
#    from a folder: ``--folder`` or the environment variable MNIST_DIR);
# 2. the objective: cross entropy + 0.5 lam ||x||^2 (``genTikhonov``);
# 3. training by Gauss-Newton-CG, with train/validation accuracy per iteration, and
#    steepest descent and SGD from the same start for comparison;
# 4. pictures: accuracy per iteration, the learned filters (the columns of K as 28 x 28
#    images, the course's ``montageArray``), the confusion matrix, misclassified digits;
# 5. one adversarial digit (the lecture's last slide): original, perturbation, perturbed.
#
# Run ``python exSingleLayerMNIST.py [--seed 0] [--nTrain 4000] [--m 100] [--maxIter 20] [--verbose]``;
# figures go to ``figures/``. The defaults take half a minute to a minute on 2 cores and reach about 90%
# validation accuracy. Larger runs by flag, e.g. ``--folder ~/mnist --nTrain 50000``.

# %% Setup
import argparse
import time

import matplotlib.pyplot as plt
import numpy as np

from genTikhonov import genTikhonov
from newtonCG import newtonCG
from setupMNIST import setupMNIST
from sgd import sgd
from singleLayer import singleLayer
from singleLayerAdvObjFun import singleLayerAdvObjFun
from singleLayerNNObjFun import singleLayerNNObjFun, splitX, xLength
from steepestDescent import steepestDescent
from support.scripts import parseArguments, saveFigure, showFigures
from support.vecmat import mat

parser = argparse.ArgumentParser(
    description="The lecture's single layer + softmax classifier trained on MNIST digits with Gauss-Newton-CG"
                " "
                "(steepest descent and SGD for comparison): accuracy per iteration, learned filters, "
                "confusion matrix, misclassified digits and an adversarial digit. Figures go to figures/.")
parser.add_argument("--seed", type=int, default=0, help="seed of the split and the start (default 0)")
parser.add_argument("--nTrain", type=int, default=None, help="training digits (default: as the data allows)")
parser.add_argument("--nVal", type=int, default=None, help="validation digits (default: nTrain/5)")
parser.add_argument("--folder", default=None, help="folder with the MNIST IDX files (default: MNIST_DIR, "
                                                    "else the subset in data/mnist)")
parser.add_argument("--m", type=int, default=100, help="width of the layer (default 100)")
parser.add_argument("--lam", type=float, default=1e-3, help="regularisation 0.5 lam ||x||^2 (default 1e-3)")
parser.add_argument("--maxIter", type=int, default=20, help="Gauss-Newton-CG iterations (default 20)")
parser.add_argument("--maxIterSD", type=int, default=100, help="steepest descent iterations (default 100)")
parser.add_argument("--epochs", type=int, default=10, help="SGD epochs (default 10)")
parser.add_argument("--verbose", action="store_true",
                    help="a line for every step (default: a run of more than 20 steps prints about ten "
                         "lines, every ceil(steps/10)-th step, and the last)")
args = parseArguments(parser)      # a misspelt flag is an error (but under Jupyter)
rng = np.random.default_rng(args.seed)

# %% 1. The data: rows are digits (784 pixels, the course's scaling to [-0.5, 0.5]), one-hot classes
Y, C, Yv, Cv = setupMNIST(args.nTrain, args.nVal, folder=args.folder, seed=args.seed)
(n, nf), nc, m = Y.shape, C.shape[1], args.m
print(f"MNIST: {n} training and {Yv.shape[0]} validation digits, {nf} pixels, {nc} classes; m = {m}")


def image(row):
    """A row of Y (or a column of K) as the 28 x 28 picture: pixels in MATLAB's column-major order."""
    return mat(row, (28, 28))


# %% 2. The objective: E(sigma(Y K + b) W, C) + 0.5 lam ||x||^2, with the classifier bias
def reg(x):
    return genTikhonov(x, args.lam)


def fun(x):
    return singleLayerNNObjFun(x, Y, C, m, reg=reg, bias=True)


def predict(x, Y):
    """The most likely class of every row of Y."""
    K, b, W = splitX(x, nf, m, nc, bias=True)
    return (singleLayer(K, b, Y, doDerivative=False)[0] @ W[:m] + W[m]).argmax(axis=1)


def accuracy(x, Y, C):
    return float(np.mean(predict(x, Y) == C.argmax(axis=1)))


x0 = np.concatenate([rng.standard_normal(nf * m) / np.sqrt(nf), [0.0],
                     rng.standard_normal((m + 1) * nc) / np.sqrt(m)])
assert x0.size == xLength(nf, m, nc, bias=True)

# %% 3. Train: Gauss-Newton-CG, with the accuracies after every iteration
history = {}


def recorder(name, steps):
    """A callback that records time, train and validation accuracy, and prints them: every step, or
    for a run of more than 20 steps every ceil(steps/10)-th and the last (unless --verbose)."""
    rows, t0 = [], time.perf_counter()
    history[name] = rows
    every = 1 if args.verbose or steps <= 20 else -(-steps // 10)

    def callback(x):
        rows.append((time.perf_counter() - t0, accuracy(x, Y, C), accuracy(x, Yv, Cv)))
        if len(rows) % every == 0 or len(rows) == steps:
            print(f"  {name}: step {len(rows):3d}  {rows[-1][0]:6.1f} s  train {rows[-1][1]:6.1%}  "
                  f"validation {rows[-1][2]:6.1%}", flush=True)
    return callback


start = (0.0, accuracy(x0, Y, C), accuracy(x0, Yv, Cv))
print(f"\nstart: train accuracy {start[1]:.1%}, validation {start[2]:.1%} (chance 10%)")
print("\nGauss-Newton-CG (adaptive CG tolerance, last CG iterate):")
xN, hisN, _ = newtonCG(fun, x0, {"maxIter": args.maxIter, "forcing": "adaptive", "maxIterCG": 50,
                                 "cgIterate": "last", "verbose": 0, "storeIterates": False,
                                 "callback": recorder("Newton-CG", args.maxIter)})
print("\nsteepest descent:")
xS, hisS, _ = steepestDescent(fun, x0, {"maxIter": args.maxIterSD, "verbose": 0, "storeIterates": False,
                                        "callback": recorder("steepest descent", args.maxIterSD)})
print("\nSGD (batches of 100, momentum 0.9):")
xG, hisG, _ = sgd(lambda x, idx: singleLayerNNObjFun(x, Y[idx], C[idx], m, reg=reg, bias=True), x0,
                  {"n": n, "batchSize": 100, "lr": 0.1, "maxEpochs": args.epochs, "momentum": 0.9,
                   "rng": args.seed, "verbose": 0, "storeIterates": False,
                   "callback": recorder("SGD", args.epochs)})

print(f"\n{'method':>17} {'steps':>6} {'time':>8} {'train':>7} {'validation':>10}")
for name, rows in history.items():
    print(f"{name:>17} {len(rows):6d} {rows[-1][0]:7.1f}s {rows[-1][1]:7.1%} {rows[-1][2]:10.1%}")

# %% 4a. Accuracy per iteration (epoch for SGD) and against time
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for name, rows in history.items():
    rows = np.array([start, *rows])
    line, = axes[0].plot(100 * rows[:, 2], label=f"{name}, validation")
    axes[0].plot(100 * rows[:, 1], ":", color=line.get_color(), label=f"{name}, training")
    axes[1].plot(rows[:, 0], 100 * rows[:, 2], color=line.get_color(), label=name)
axes[0].set_xscale("symlog")
axes[0].set_xlabel("iteration / epoch (symmetric log scale)")
axes[1].set_xlabel("time [s]")
for ax in axes:
    ax.set_ylabel("accuracy [%]")
    ax.set_ylim(0, 100)
axes[0].set_title("accuracy per iteration (dotted: training)")
axes[1].set_title("validation accuracy against time")
axes[0].legend(loc="lower right", fontsize=7)
fig.suptitle(f"Single layer (m = {m}) on {n} MNIST digits", y=1.02)
print("saved", saveFigure(fig, "mnistAccuracy"))

# %% 4b. The learned filters: the columns of K as 28 x 28 images (the course's montageArray)
K, b, W = splitX(xN, nf, m, nc, bias=True)
shown = min(m, 64)
cols = int(np.ceil(np.sqrt(shown)))
rowsOfTiles = int(np.ceil(shown / cols))
montage = np.full((29 * rowsOfTiles + 1, 29 * cols + 1), np.nan)
for j in range(shown):
    r, c = divmod(j, cols)
    montage[1 + 29 * r:29 * (r + 1), 1 + 29 * c:29 * (c + 1)] = image(K[:, j])
fig, ax = plt.subplots(figsize=(6.5, 6))
lim = np.nanmax(np.abs(montage))
im = ax.imshow(montage, cmap="RdBu_r", vmin=-lim, vmax=lim)
fig.colorbar(im, ax=ax, label="weight of the pixel")
ax.set_axis_off()
ax.set_title(f"learned filters: the first {shown} columns of K,\neach shown as a 28 x 28 image")
print("saved", saveFigure(fig, "mnistFilters"))

# %% 4c. Confusion matrix and misclassified digits (validation)
true, pred = Cv.argmax(axis=1), predict(xN, Yv)
confusion = np.zeros((nc, nc), dtype=int)
np.add.at(confusion, (true, pred), 1)
print("\nconfusion matrix (rows: true digit, columns: predicted):")
print("     " + "".join(f"{j:5d}" for j in range(nc)))
for i in range(nc):
    print(f"{i:5d}" + "".join(f"{v:5d}" for v in confusion[i]))
fig, ax = plt.subplots(figsize=(5.5, 4.8))
im = ax.imshow(confusion, cmap="Blues")
fig.colorbar(im, ax=ax, label="number of validation digits")
ax.set_xticks(range(nc))
ax.set_yticks(range(nc))
ax.set_xlabel("predicted digit")
ax.set_ylabel("true digit")
ax.set_title(f"confusion matrix, validation accuracy {np.mean(true == pred):.1%}")
for i in range(nc):
    for j in range(nc):
        ax.text(j, i, confusion[i, j], ha="center", va="center", fontsize=7,
                color="white" if confusion[i, j] > confusion.max() / 2 else "black")
print("saved", saveFigure(fig, "mnistConfusion"))

wrongAll = np.flatnonzero(true != pred)
wrong = wrongAll[np.unique(true[wrongAll], return_index=True)[1]]   # the first wrong one of each digit
if wrong.size:
    fig, axes = plt.subplots(2, 5, figsize=(8, 4), squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
    for ax, i in zip(axes.flat, wrong):
        ax.imshow(image(Yv[i]), cmap="gray_r")
        ax.set_title(f"true {true[i]}, predicted {pred[i]}", fontsize=9)
    fig.suptitle("misclassified validation digits (the first of each true digit)")
    print("saved", saveFigure(fig, "mnistMisclassified"))

# %% 5. An adversarial digit (slide "Experiment: Adversarial Example"): a small d that changes the class
# A typical digit: the correctly classified one of median margin between its two most likely classes.
# lamD weighs 0.5 lamD ||d||^2 against the loss: a small lamD lets the first Newton step overshoot
# far beyond the class boundary (||d|| larger than ||y|| with 1e-2); we stop as soon as the class flips.
P = singleLayer(K, b, Yv, doDerivative=False)[0] @ W[:m] + W[m]
correct = np.flatnonzero(true == pred) if np.any(true == pred) else np.arange(len(true))
margin = np.diff(np.sort(P[correct], axis=1)[:, -2:], axis=1)[:, 0]
i = correct[np.argsort(margin, kind="stable")[correct.size // 2]]
y, target = Yv[i], int(np.argsort(P[i])[-2])                  # its second most likely class
chat = np.eye(nc)[target]
lamD = 1.0
d, hisD, _ = newtonCG(lambda d: singleLayerAdvObjFun(d, y, K, b, W, chat, reg=lambda d: genTikhonov(d, lamD),
                                                     bias=True),
                      np.zeros(nf), {"maxIter": 20, "maxIterCG": 30, "verbose": 0,
                                     "callback": lambda d: predict(xN, (y + d)[None])[0] == target})
after = int(predict(xN, (y + d)[None])[0])
print(f"\nadversarial digit: validation digit {i}, a {true[i]}, target class {target}: ||d|| / ||y|| = "
      f"{np.linalg.norm(d) / np.linalg.norm(y):.3f}, largest pixel change {np.abs(d).max():.2f} "
      f"(pixels in [-0.5, 0.5]), now predicted {after} after {len(hisD['obj']) - 1} Newton step(s)")
fig, axes = plt.subplots(1, 3, figsize=(9, 3.2), gridspec_kw={"wspace": 0.45})
axes[0].imshow(image(y), cmap="gray_r")
lim = np.abs(d).max()
perturbation = axes[1].imshow(image(d), cmap="RdBu_r", vmin=-lim, vmax=lim)
axes[2].imshow(image(y + d), cmap="gray_r")
for ax, title in zip(axes, [f"original: predicted {true[i]}", "perturbation d", f"y + d: predicted {after}"]):
    ax.set_title(title, fontsize=10)
    ax.set_axis_off()
fig.colorbar(perturbation, ax=axes[1], fraction=0.046, pad=0.04, label="change of the pixel")
fig.suptitle(f"adversarial digit: ||d|| / ||y|| = {np.linalg.norm(d) / np.linalg.norm(y):.3f}", y=1.04)
print("saved", saveFigure(fig, "mnistAdversarial"))
showFigures()
