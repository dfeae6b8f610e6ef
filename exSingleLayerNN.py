# %% [markdown]
# # Our First Neural Network: the lecture's experiments
#
# The Python counterpart of the course's ``exSingleLayerNN.m``, in cells:
#
# 1. derivative and adjoint checks of ``singleLayer`` and of the objective;
# 2. the inverse crime data (n=500, nf=50, nc=10, m=40, btrue=0.1);
# 3. non-convexity: the cross entropy along two random directions dK and dW;
# 4. the inverse crime reconstructed by Gauss-Newton-CG from a random start.
#
# Run ``python exSingleLayerNN.py [--seed 42] [--maxIter 50]``; figures go to
# ``figures/`` and are shown when a screen exists.

# %% Setup
import argparse

import matplotlib.pyplot as plt
import numpy as np

from checkDerivative import adjointTest, checkDerivative
from newtonCG import newtonCG
from nnutils import saveFigure, showFigures, vec
from singleLayer import singleLayer
from singleLayerNNObjFun import singleLayerNNObjFun, splitX

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--seed", type=int, default=42, help="seed of every random number")
parser.add_argument("--maxIter", type=int, default=50, help="Newton-CG iterations")
args, _ = parser.parse_known_args()  # known only: cells also run under Jupyter
rng = np.random.default_rng(args.seed)

# %% 1. Derivative checks of the single layer: Taylor test of J_K, J_b, J_Y
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
okK, _ = checkDerivative(layerOfK, K, rng=rng)
print("\nTaylor test of J_b:")
okb, _ = checkDerivative(layerOfb, np.array(b), rng=rng)
print("\nTaylor test of J_Y:")
okY, _ = checkDerivative(layerOfY, Y, rng=rng)

print("\nAdjoint tests  u'(J v) = v'(J' u):")
for name, J, Jt, shapeV in [("J_K", JK, JKt, K.shape), ("J_b", Jb, Jbt, ()),
                            ("J_Y", JY, JYt, Y.shape)]:
    v = rng.standard_normal(shapeV)
    ok, err = adjointTest(J, Jt, v, rng.standard_normal(Z.shape))
    print(f"  {name}: relative error {err:.1e}  {'PASSED' if ok else 'FAILED'}")

# %% 1b. Derivative check of the objective (gradient, and the Gauss-Newton H)
nc = 3
C = np.eye(nc)[rng.integers(nc, size=n)]
x = rng.standard_normal(nf * m + 1 + m * nc)
print("\nTaylor test of the objective's gradient; E2 uses the Gauss-Newton H, "
      "so its order is 2, not 3:")
okE, _ = checkDerivative(lambda x: singleLayerNNObjFun(x, Y, C, m), x, rng=rng)

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

fig = plt.figure(figsize=(10, 4))
ax = fig.add_subplot(1, 2, 1)
cs = ax.contour(T1, T2, landscape, 30)
fig.colorbar(cs, ax=ax)
ax.set_xlabel("step s along dK")
ax.set_ylabel("step t along dW")
ax.set_title("E(Ktrue + s dK, btrue, Wtrue + t dW)")
ax = fig.add_subplot(1, 2, 2, projection="3d")
ax.plot_surface(T1, T2, landscape, cmap="viridis")
ax.set_xlabel("s (dK)")
ax.set_ylabel("t (dW)")
ax.set_title("non-convex: level sets are not convex")
print("saved", saveFigure(fig, "nonConvexity"))

# %% 4. Reconstruct it by Gauss-Newton-CG from a random start
x0 = 0.1 * rng.standard_normal(nf * m + 1 + m * nc)
xN, his, xAll = newtonCG(lambda x: singleLayerNNObjFun(x, Y, C=Cobs, m=m), x0,
                         {"maxIter": args.maxIter})
K, b, W = splitX(xN, nf, m, nc)
S = singleLayer(K, b, Y)[0] @ W
Cpred = np.exp(S - S.max(axis=1, keepdims=True))
Cpred = Cpred / Cpred.sum(axis=1, keepdims=True)
print(f"\nafter {len(his['obj']) - 1} iterations: E - Emin = {his['obj'][-1] - Emin:.3e} "
      f"(start {his['obj'][0] - Emin:.3e})")
print(f"relative error of Cobs: ||Cpred - Cobs|| / ||Cobs|| = "
      f"{np.linalg.norm(Cpred - Cobs) / np.linalg.norm(Cobs):.3e}")
print(f"same most likely class for {np.mean(Cpred.argmax(1) == Cobs.argmax(1)):.1%} of the examples")

fig, ax = plt.subplots(figsize=(5, 4))
ax.semilogy(his["obj"] - Emin, "o-", label="E - Emin")
ax.semilogy(his["normGrad"], "s-", label="norm(grad)")
ax.set_xlabel("Newton-CG iteration")
ax.set_title("Inverse crime: convergence")
ax.legend()
print("saved", saveFigure(fig, "inverseCrimeConvergence"))

print("\nall derivative checks passed:", all([okK, okb, okY, okE]))
showFigures()
