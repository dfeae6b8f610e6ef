"""ESingleLayer_PlotObjective: the cross entropy of the single layer along one K and one W direction.

The Python counterpart of the course's ``singleLayer/examples/ESingleLayer_PlotObjective.m``,
the picture of slide "Non-Convexity" ("Simple illustration of cross-entropy along
two random directions dK and dW"). As the course: n = 50 examples with nf = 50
features, nc = 3 classes, m = 40, the classifier bias, soft labels from a true
network (the inverse crime of slide "Test Problem"),

    Cobs = softmax([sigma(Y Ktrue + btrue), 1] Wtrue),     btrue = 0.1

and the cross entropy on a 41 x 41 grid of (tW, tK) in [-1, 1]^2,

    E(tW, tK) = E([sigma(Y (Ktrue + tK dK) + btrue), 1] (Wtrue + tW dW), Cobs)

drawn as a contour plot and a surface (``figures/ESingleLayer_PlotObjective.png``).
E is convex along tW (a linear classifier) and not along tK. At (0, 0) it is the
entropy of Cobs, its global minimum. Near it the contours look convex to the eye,
so the picture adds, below them, E along dK and along dW alone over a wider range
([-2, 2], ``--range``) with the chord the graph rises farthest above and the
intervals where E'' < 0 shaded (``experiments/nonConvexity.py``): along dK the
graph crosses its chord (not convex), along dW it never does.

    python ESingleLayer_PlotObjective.py [--seed 2] [--n 50] [--nf 50] [--nc 3] [--m 40] [--points 41]
        [--range 2]

``exSingleLayerNN.py`` (section 3) draws a similar picture for the slides'
inverse crime without the classifier bias (n = 500, nc = 10, steps in [-2, 2]);
this one has the course's sizes. The course's random numbers are MATLAB's
(rng(2)): the same seed gives other directions here, so the shapes are alike,
not the same. Its axis labels are "W + tW*dW" and "K + tK*dK", with no colour bar,
and it draws neither the 1-D lines nor a chord.
"""

# %% Setup
import argparse

import matplotlib.pyplot as plt
import numpy as np

from experiments.nonConvexity import drawSlice
from singleLayer import singleLayer
from softMax import softMax
from support.scripts import parseArguments, saveFigure, showFigures

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--seed", type=int, default=2, help="seed of every random number (course: rng(2))")
parser.add_argument("--n", type=int, default=50, help="number of examples")
parser.add_argument("--nf", type=int, default=50, help="number of features")
parser.add_argument("--nc", type=int, default=3, help="number of classes")
parser.add_argument("--m", type=int, default=40, help="width of the layer")
parser.add_argument("--points", type=int, default=41, help="grid points per direction")
parser.add_argument("--range", type=float, default=2.0, help="the 1-D lines run over [-range, range]")
args = parseArguments(parser)   # a misspelt flag is an error (Jupyter: the defaults)
rng = np.random.default_rng(args.seed)
n, nf, nc, m = args.n, args.nf, args.nc, args.m

# %% 1. The true network and its soft labels (classifier bias: Wtrue is (m+1) x nc)
Wtrue = rng.standard_normal((m + 1, nc))
Ktrue = rng.standard_normal((nf, m))
btrue = 0.1
Y = rng.standard_normal((n, nf))
S = np.column_stack([singleLayer(Ktrue, btrue, Y)[0], np.ones(n)]) @ Wtrue
Cobs = np.exp(S - S.max(axis=1, keepdims=True))
Cobs = Cobs / Cobs.sum(axis=1, keepdims=True)
entropy = -np.sum(Cobs * np.log(Cobs)) / n                 # E at the true weights: the smallest E can be

# %% 2. The cross entropy along dW and dK
dW = rng.standard_normal((m + 1, nc))
dK = rng.standard_normal((nf, m))
t = np.linspace(-1, 1, args.points)
tW, tK = np.meshgrid(t, t, indexing="ij")                  # MATLAB's ndgrid: tW varies along rows
E = np.zeros_like(tW)
for i in range(t.size):
    for j in range(t.size):
        Zt = singleLayer(Ktrue + tK[i, j] * dK, btrue, Y, doDerivative=False)[0]
        E[i, j] = softMax(Wtrue + tW[i, j] * dW, Zt, Cobs, bias=True, doDerivative=False)[0]

i0, j0 = np.unravel_index(E.argmin(), E.shape)
print(f"E on a {t.size} x {t.size} grid of (tW, tK) in [-1, 1]^2: min {E.min():.6f} at "
      f"tW = {tW[i0, j0]:+.2f}, tK = {tK[i0, j0]:+.2f} (the entropy of Cobs: {entropy:.6f}), "
      f"max {E.max():.4f}")
middle = t.size // 2                                         # convexity along each grid line: E(mid) <= mean
lines = {"tK (tW = 0)": E[middle, :], "tW (tK = 0)": E[:, middle]}
for name, e in lines.items():
    bad = np.count_nonzero(e[1:-1] > 0.5 * (e[:-2] + e[2:]) + 1e-12)
    print(f"along {name}: {bad} of {e.size - 2} grid points lie above the chord of their neighbours "
          f"({'not convex' if bad else 'convex at this resolution'})")

# %% 2b. One line at a time, over a wider range: E along dK (tW = 0) and along dW (tK = 0)
tLine = np.linspace(-args.range, args.range, 121)
EK = np.array([softMax(Wtrue, singleLayer(Ktrue + s * dK, btrue, Y, doDerivative=False)[0], Cobs, bias=True,
                       doDerivative=False)[0] for s in tLine])
EW = np.array([softMax(Wtrue + s * dW, singleLayer(Ktrue, btrue, Y, doDerivative=False)[0], Cobs, bias=True,
                       doDerivative=False)[0] for s in tLine])

# %% 3. Contour plot and surface (slide "Non-Convexity"), and the two lines with a chord
fig = plt.figure(figsize=(12, 10))
ax = fig.add_subplot(2, 2, 1)
cs = ax.contour(tW, tK, E, 20, linewidths=1.5)
ax.plot(0, 0, "k+", markersize=12, markeredgewidth=2, label="true weights (tW = tK = 0): the minimum")
ax.axhline(0, color="tab:gray", lw=0.8, ls=":", label="the lines drawn below (tK = 0, tW = 0)")
ax.axvline(0, color="tab:gray", lw=0.8, ls=":")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize=8)      # below the axes, off the contours
fig.colorbar(cs, ax=ax, label="cross entropy E")
ax.set_xlabel("tW: W = Wtrue + tW dW")
ax.set_ylabel("tK: K = Ktrue + tK dK")
ax.set_title("E along a W and a K direction (contours)", fontsize=10)
ax = fig.add_subplot(2, 2, 2, projection="3d")
surface = ax.plot_surface(tW, tK, E, cmap="viridis", linewidth=0)
ax.contour(tW, tK, E, 20, offset=E.min(), cmap="viridis", linewidths=1)
fig.colorbar(surface, ax=ax, label="cross entropy E", shrink=0.7, pad=0.1)
ax.set_xlabel("tW")
ax.set_ylabel("tK")
ax.set_zlabel("E")
ax.set_title("the same as a surface", fontsize=10)
heightK, concaveK = drawSlice(fig.add_subplot(2, 2, 3), tLine, EK, "dK (tW = 0)", step="tK")
heightW, concaveW = drawSlice(fig.add_subplot(2, 2, 4), tLine, EW, "dW (tK = 0)", step="tW")
for name, height, count in [("dK", heightK, concaveK), ("dW", heightW, concaveW)]:
    print(f"along {name} on [-{args.range:g}, {args.range:g}]: the graph rises at most {max(height, 0):.3g} "
          f"above a chord; E'' < 0 at {count} of {tLine.size} points")
fig.suptitle(f"ESingleLayer_PlotObjective (n = {n}, nf = {nf}, nc = {nc}, m = {m}, classifier bias).\n"
             "Look at the bottom row: along dK the graph rises above its chord and bends down (shaded): "
             "not convex; along dW it is convex", fontsize=11)
fig.tight_layout()
print("saved", saveFigure(fig, "ESingleLayer_PlotObjective"))
showFigures()
