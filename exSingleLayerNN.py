# %% [markdown]
# # Our First Neural Network: the lecture's experiments
#
# The Python counterpart of the ``exSingleLayerNN.m`` the slides mention, in cells:
#
# 1. derivative and adjoint checks of ``singleLayer`` and of the objective (slide "Testing");
# 2. the inverse crime data (slide "Test Problem": n=500, nf=50, nc=10, m=40, btrue=0.1);
# 3. non-convexity: the cross entropy along two random directions dK and dW (slide "Non-Convexity");
# 4. the inverse crime reconstructed by Gauss-Newton-CG from a random start, with the course's
#    CG settings and, beside it, with an adaptive CG tolerance that removes the course's plateau.
#
# Run ``python exSingleLayerNN.py [--seed 42] [--maxIter 50] [--trials]``; figures go to
# ``figures/`` and are shown when a screen exists.

# %% Setup
import argparse

import matplotlib.pyplot as plt
import numpy as np

from checkDerivative import adjointTest, checkDerivative
from experiments.nonConvexity import drawSlice
from newtonCG import newtonCG
from singleLayer import singleLayer
from singleLayerNNObjFun import singleLayerNNObjFun, splitX, xLength
from support.scripts import parseArguments, saveFigure, showFigures
from support.vecmat import vec

parser = argparse.ArgumentParser(
    description="The lecture's experiments: derivative and adjoint checks of the single layer and its "
                "objective, the non-convex loss landscape, and the inverse crime (slide 'Test Problem') "
                "reconstructed by Gauss-Newton-CG, with the course's CG settings and with an adaptive CG "
                "tolerance beside them. Figures are written to figures/.")
parser.add_argument("--seed", type=int, default=42, help="seed of every random number (default 42)")
parser.add_argument("--maxIter", type=int, default=50, help="Newton-CG iterations (default 50)")
parser.add_argument("--trials", action="store_true",
                    help="print every line-search trial, as the course's newtoncg.m does")
args = parseArguments(parser)   # a misspelt flag is an error (but under Jupyter)
rng = np.random.default_rng(args.seed)
checks = {}                     # every derivative and adjoint check of this script: name -> passed

# %% 1. Derivative checks of the single layer: Taylor test of J_K, J_b, J_Y, adjoint tests of J'
n, nf, m = 20, 6, 5
K, b, Y = rng.standard_normal((nf, m)), 0.1, rng.standard_normal((n, nf))
Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(K, b, Y)


def layerOfK(K):  # Z and J_K v as functions of K
    Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(K, b, Y)
    return Z, JK


def layerOfb(b):  # Z and J_b v as functions of b
    Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(K, b, Y)
    return Z, Jb


def layerOfY(Y):  # Z and J_Y v as functions of Y
    Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(K, b, Y)
    return Z, JY


print("Taylor test of J_K (Z as a function of K):")
checks["Taylor J_K"] = checkDerivative(layerOfK, K, rng=rng)[0]
print("\nTaylor test of J_b:")
checks["Taylor J_b"] = checkDerivative(layerOfb, np.array(b), rng=rng)[0]
print("\nTaylor test of J_Y:")
checks["Taylor J_Y"] = checkDerivative(layerOfY, Y, rng=rng)[0]

print("\nAdjoint tests  u'(J v) = v'(J' u):")
for name, J, Jt, shapeV in [("J_K", JK, JKt, K.shape), ("J_b", Jb, Jbt, ()), ("J_Y", JY, JYt, Y.shape)]:
    ok, err = adjointTest(J, Jt, rng.standard_normal(shapeV), rng.standard_normal(Z.shape))
    checks[f"adjoint {name}"] = ok
    print(f"  {name}: relative error {err:.1e}  {'PASSED' if ok else 'FAILED'}")

# %% 1b. Derivative check of the objective (gradient, and the Gauss-Newton H)
nc = 3
C = np.eye(nc)[rng.integers(nc, size=n)]
x = rng.standard_normal(xLength(nf, m, nc))
print("\nTaylor test of the objective's gradient; E2 uses the Gauss-Newton H, so its order is 2, not 3:")
checks["Taylor grad E"] = checkDerivative(lambda x: singleLayerNNObjFun(x, Y, C, m), x, rng=rng)[0]

# %% 2. The inverse crime (slide "Test Problem"): generate data from a known network
n, nf, nc, m = 500, 50, 10, 40
Wtrue = rng.standard_normal((m, nc))
Ktrue = rng.standard_normal((nf, m))
btrue = 0.1
Y = rng.standard_normal((n, nf))
Cobs = np.exp(singleLayer(Ktrue, btrue, Y)[0] @ Wtrue)
Cobs = Cobs / Cobs.sum(axis=1, keepdims=True)
Emin = -np.sum(Cobs * np.log(Cobs)) / n  # the entropy of Cobs: no x can do better

# %% 3. Non-convexity: the cross entropy along two random directions dK and dW
xtrue = np.concatenate([vec(Ktrue), [btrue], vec(Wtrue)])
dK = np.concatenate([vec(rng.standard_normal((nf, m))), np.zeros(1 + m * nc)])
dW = np.concatenate([np.zeros(nf * m + 1), vec(rng.standard_normal((m, nc)))])
t = np.linspace(-2, 2, 61)
T1, T2 = np.meshgrid(t, t)
landscape = np.array([singleLayerNNObjFun(xtrue + s1 * dK + s2 * dW, Y, Cobs, m, doDerivative=False)[0]
                      for s1, s2 in zip(T1.ravel(), T2.ravel())]).reshape(T1.shape)
print(f"\ncross entropy on a {t.size} x {t.size} grid around the true weights: "
      f"min {landscape.min():.4f} (Emin = {Emin:.4f}), max {landscape.max():.3f}")

tLine = np.linspace(-2, 2, 121)       # E along dK alone and along dW alone: where the picture shows it
alongK = np.array([singleLayerNNObjFun(xtrue + s * dK, Y, Cobs, m, doDerivative=False)[0] for s in tLine])
alongW = np.array([singleLayerNNObjFun(xtrue + s * dW, Y, Cobs, m, doDerivative=False)[0] for s in tLine])

fig = plt.figure(figsize=(12, 9.5))
ax = fig.add_subplot(2, 2, 1)
cs = ax.contour(T1, T2, landscape, 30)
fig.colorbar(cs, ax=ax, label="cross entropy E")
ax.plot(0, 0, "k+", ms=12, mew=2, label="true weights (s = t = 0): the global minimum")
ax.set_xlabel("step s along dK")
ax.set_ylabel("step t along dW")
ax.set_title("E(Ktrue + s dK, btrue, Wtrue + t dW)", fontsize=10)
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize=8)   # below the axes, off the contours
ax = fig.add_subplot(2, 2, 2, projection="3d")
ax.plot_surface(T1, T2, landscape, cmap="viridis")
ax.set_xlabel("s (along dK)")
ax.set_ylabel("t (along dW)")
ax.set_zlabel("E")
ax.set_title("the same as a surface", fontsize=10)
heightK, concaveK = drawSlice(fig.add_subplot(2, 2, 3), tLine, alongK, "dK (t = 0)", step="s")
heightW, concaveW = drawSlice(fig.add_subplot(2, 2, 4), tLine, alongW, "dW (s = 0)")
print(f"along dK: E rises up to {max(heightK, 0):.3g} above a chord, E'' < 0 at {concaveK} of {tLine.size} "
      f"points (not convex); along dW: {max(heightW, 0):.3g} and {concaveW} (convex)")
fig.suptitle("Non-convexity (slide): look at the bottom left: along dK the graph rises above its chord and "
             "bends down where shaded", fontsize=11)
fig.tight_layout()
print("saved", saveFigure(fig, "nonConvexity"))

# %% 4. Reconstruct it by Gauss-Newton-CG from a random start: the course's CG settings ...
x0 = 0.1 * rng.standard_normal(xLength(nf, m, nc))


def fun(x):
    return singleLayerNNObjFun(x, Y, C=Cobs, m=m)


print("\nGauss-Newton-CG with the course's CG settings (tolCG = 1e-2, at most 10 CG steps, MATLAB's pcg):")
xN, his, xAll = newtonCG(fun, x0, {"maxIter": args.maxIter, "verbose": 2 if args.trials else 1})
K, b, W = splitX(xN, nf, m, nc)
S = singleLayer(K, b, Y)[0] @ W
Cpred = np.exp(S - S.max(axis=1, keepdims=True))
Cpred = Cpred / Cpred.sum(axis=1, keepdims=True)
gap = his["obj"] - Emin
print(f"\nafter {len(his['obj']) - 1} iterations: E - Emin = {gap[-1]:.3e} (start {gap[0]:.3e})")
print(f"relative error of Cobs: ||Cpred - Cobs|| / ||Cobs|| = "
      f"{np.linalg.norm(Cpred - Cobs) / np.linalg.norm(Cobs):.3e}")
print(f"same most likely class for {np.mean(Cpred.argmax(1) == Cobs.argmax(1)):.1%} of the examples")

# %% 4b. ... stall: why, and what removes the plateau
late = gap[len(gap) // 2:]
if late.size > 1 and late[-1] > 0.5 * late[0]:
    early = int(np.mean(his["cgIter"][1:] <= 1) * 100)
    print(f"\nThe plateau: from iteration {len(gap) // 2} on, E - Emin only goes from {late[0]:.2e} to "
          f"{late[-1]:.2e}. The course's CG stops at the relative residual 1e-2 or after 10 steps, and "
          f"MATLAB's pcg returns the CG iterate of smallest residual, which here is iterate 0 or 1 in "
          f"{early}% of the Newton steps: on this ill-conditioned Gauss-Newton system the residual of CG "
          f"stalls while the quadratic model still drops, so the steps stay short. An adaptive CG tolerance "
          f"(eta_k = min(0.5, sqrt(|g_k|/|g_0|))), room for 100 CG steps and the last CG iterate fix it:")
adaptive = {"maxIter": args.maxIter, "forcing": "adaptive", "maxIterCG": 100, "cgIterate": "last",
            "verbose": 0}
xA, hisA, _ = newtonCG(fun, x0, adaptive)
gapA = hisA["obj"] - Emin
print(f"\n{'iter':>5} {'E - Emin, course CG':>20} {'E - Emin, adaptive CG':>22}")
for k in sorted({*range(0, len(gap), 5), len(gap) - 1}):
    print(f"{k:5d} {gap[k]:20.3e} {gapA[min(k, len(gapA) - 1)]:22.3e}")

fig, ax = plt.subplots(figsize=(6, 4.2))
ax.semilogy(gap, "o-", ms=3, label="course's CG: tolCG 1e-2, 10 steps, pcg's iterate")
ax.semilogy(gapA, "s-", ms=3, label="adaptive tolerance, 100 steps, last CG iterate")
ax.set_xlabel("Newton-CG iteration")
ax.set_ylabel("E - Emin (distance to the global minimum)")
ax.set_title("Inverse crime: Gauss-Newton-CG from a random start")
ax.legend(loc="upper right", fontsize=8)
print("saved", saveFigure(fig, "inverseCrimeConvergence"))

print("\nderivative and adjoint checks:",
      ", ".join(f"{k} {'PASSED' if v else 'FAILED'}" for k, v in checks.items()))
print("all derivative checks passed:", all(checks.values()))
showFigures()
