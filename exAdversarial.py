# %% [markdown]
# # Adversarial example (the lecture's last slide)
#
# "Suppose you have trained your network so that validation loss is low. An
# adversary might want to fool this classifier by adding a small perturbation
# d to the example to achieve a desired label c_hat":
#
#     min_d  E( sigma((y + d)' K + b) W, c_hat )  +  R(d)
#
# 1. train the single layer on the lecture's inverse-crime data, check it on validation data;
# 2. pick a correctly classified validation example y and a target class (its second most likely);
# 3. Gauss-Newton-CG on d with R(d) = 0.5 lam ||d||^2, stopped as soon as the prediction flips;
# 4. the same with a box |d_i| <= eps instead, by projected steepest descent;
# 5. class probabilities before and after, and the perturbation.
#
# Run ``python exAdversarial.py [--seed 42] [--lam 1] [--eps 0.25]``; figures go to ``figures/``.

# %% Setup
import argparse

import matplotlib.pyplot as plt
import numpy as np

from genTikhonov import genTikhonov
from newtonCG import newtonCG
from singleLayer import singleLayer
from singleLayerAdvObjFun import singleLayerAdvObjFun
from singleLayerNNObjFun import singleLayerNNObjFun, splitX
from steepestDescent import steepestDescent
from support.scripts import parseArguments, saveFigure, showFigures

parser = argparse.ArgumentParser(
    description="The lecture's adversarial example: train the single layer, then find a small perturbation d "
                "of one validation example that flips its predicted class (Gauss-Newton-CG with "
                "0.5 lam ||d||^2, and projected steepest descent in a box |d_i| <= eps); "
                "figures go to figures/.")
parser.add_argument("--seed", type=int, default=42, help="seed of every random number")
parser.add_argument("--n", type=int, default=2000, help="training examples")
parser.add_argument("--maxIter", type=int, default=30, help="Newton-CG iterations of the training")
parser.add_argument("--lam", type=float, default=1.0, help="regularisation of d: 0.5 lam ||d||^2")
parser.add_argument("--eps", type=float, default=0.25, help="box |d_i| <= eps of the projected search")
args = parseArguments(parser)   # a misspelt flag is an error (but under Jupyter)
rng = np.random.default_rng(args.seed)


def probabilities(S):
    """Softmax of each row of the scores S: the network's class probabilities."""
    P = np.exp(S - S.max(axis=1, keepdims=True))
    return P / P.sum(axis=1, keepdims=True)


# %% 1. Train the single layer on the inverse crime (slide "Test Problem") and validate it
n, nf, nc, m = args.n, 50, 10, 40
# the slide's sizes, except n; Ktrue scaled by 1/sqrt(nf) so that Y Ktrue is O(1) and tanh not saturated:
# a smooth network that n examples can pin down (with the slide's Ktrue, validation accuracy stays < 50%)
Ktrue, btrue, Wtrue = rng.standard_normal((nf, m)) / np.sqrt(nf), 0.1, rng.standard_normal((m, nc))
Y, Yv = rng.standard_normal((n, nf)), rng.standard_normal((n, nf))
Cobs = probabilities(singleLayer(Ktrue, btrue, Y)[0] @ Wtrue)
Cv = probabilities(singleLayer(Ktrue, btrue, Yv)[0] @ Wtrue)
x0 = 0.1 * rng.standard_normal(nf * m + 1 + m * nc)
x, his, _ = newtonCG(lambda x: singleLayerNNObjFun(x, Y, Cobs, m, reg=lambda x: genTikhonov(x, 1e-4)), x0,
                     {"maxIter": args.maxIter, "verbose": False})
K, b, W = splitX(x, nf, m, nc)


def predict(Y):
    return probabilities(singleLayer(K, b, Y, doDerivative=False)[0] @ W)


Pv = predict(Yv)
valAcc = np.mean(Pv.argmax(1) == Cv.argmax(1))
print(f"trained {args.maxIter} Newton-CG iterations: validation loss "
      f"{singleLayerNNObjFun(x, Yv, Cv, m, doDerivative=False)[0]:.4f} (entropy of Cv "
      f"{-np.sum(Cv * np.log(Cv)) / n:.4f}), same most likely class for {valAcc:.1%} "
      "of the validation examples")

# %% 2. A correctly and confidently classified validation example, and the class to fake
good = np.flatnonzero((Pv.argmax(1) == Cv.argmax(1)) & (Pv.max(1) > 0.8))
if good.size == 0:
    raise SystemExit("no validation example is classified correctly with probability > 0.8: "
                     "train longer (--maxIter) or on more examples (--n)")
i = good[0]
y, label = Yv[i], Pv[i].argmax()
target = int(np.argsort(Pv[i])[-2])             # its second most likely class
chat = np.eye(nc)[target]
print(f"example {i}: predicted class {label} with probability {Pv[i, label]:.3f}; "
      f"target class {target} (probability {Pv[i, target]:.2e})")


def flipped(d):
    return predict((y + d)[None, :])[0].argmax() == target


# %% 3. Gauss-Newton-CG on d with R(d) = 0.5 lam ||d||^2, stopped once the prediction flips
def advFun(d):
    return singleLayerAdvObjFun(d, y, K, b, W, chat, reg=lambda d: genTikhonov(d, args.lam))


dN, hisN, _ = newtonCG(advFun, np.zeros(nf), {"maxIter": 100, "verbose": False, "callback": flipped})
pN = predict((y + dN)[None, :])[0]
print(f"\nNewton-CG ({len(hisN['obj']) - 1} iterations, {hisN['message']}):")
print(f"  ||d|| / ||y|| = {np.linalg.norm(dN) / np.linalg.norm(y):.4f},  "
      f"max |d_i| = {np.abs(dN).max():.3f};  "
      f"now predicted class {pN.argmax()} with probability {pN.max():.3f} (was {label})")

# %% 4. The box |d_i| <= eps instead of R, kept by projected steepest descent
eps = args.eps


def boxFun(d):
    return singleLayerAdvObjFun(d, y, K, b, W, chat)[:2]


dB, hisB, _ = steepestDescent(boxFun, np.zeros(nf), {"maxIter": 200, "maxStep": eps, "verbose": False,
                                                     "P": lambda d: np.clip(d, -eps, eps),
                                                     "callback": flipped})
pB = predict((y + dB)[None, :])[0]
print(f"\nprojected steepest descent, box |d_i| <= {eps} "
      f"({len(hisB['obj']) - 1} iterations, {hisB['message']}):")
print(f"  ||d|| / ||y|| = {np.linalg.norm(dB) / np.linalg.norm(y):.4f},  "
      f"max |d_i| = {np.abs(dB).max():.3f};  "
      f"now predicted class {pB.argmax()} with probability {pB.max():.3f} (was {label})")
print(f"\nfooled: Newton-CG {pN.argmax() == target}, box {pB.argmax() == target}")

# %% 5. Class probabilities before and after, and the perturbations
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
width = 0.27
classes = np.arange(nc)
axes[0].bar(classes - width, Pv[i], width, label="y (before)")
axes[0].bar(classes, pN, width, label="y + d, Newton-CG + Tikhonov")
axes[0].bar(classes + width, pB, width, label=f"y + d, box |d_i| <= {eps}")
axes[0].set_xticks(classes)
axes[0].set_xlabel(f"class (true {label}, target {target})")
axes[0].set_ylabel("predicted probability of the class")
axes[0].set_ylim(0, 1.35)                                   # room above the bars for the legend
axes[0].set_title("the network's class probabilities")
axes[0].legend(loc="upper left", fontsize=8, ncol=1)
axes[1].plot(y, "k.-", label="y")
axes[1].plot(dN, "o-", label=f"d Newton-CG, ||d||/||y|| = {np.linalg.norm(dN) / np.linalg.norm(y):.3f}")
axes[1].plot(dB, "s-", label=f"d box, ||d||/||y|| = {np.linalg.norm(dB) / np.linalg.norm(y):.3f}")
axes[1].set_xlabel("feature index")
axes[1].set_ylabel("value of the feature")
axes[1].set_title("the example y and the perturbations d")
low, high = axes[1].get_ylim()
axes[1].set_ylim(low, high + 0.45 * (high - low))          # room above the curves for the legend
axes[1].legend(loc="upper left", fontsize=8, ncol=3)
fig.suptitle("Adversarial example: a small d changes the predicted class", y=1.03)
print("saved", saveFigure(fig, "adversarialExample"))
showFigures()
