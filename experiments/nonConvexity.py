"""The 1-D slice that shows non-convexity, for ESingleLayer_PlotObjective.py and exSingleLayerNN.py.

Slide "Non-Convexity": "The optimization problem is non-convex. Simple illustration
of cross-entropy along two random directions dK and dW". A function is convex if
and only if every chord lies on or above its graph,

    E((1 - s) a + s b) <= (1 - s) E(a) + s E(b)      for all a, b and s in [0, 1],

and, for a smooth function of one variable, if and only if E'' >= 0. The
contour plots of E near the minimum look convex to the eye; along one line,
E(t) = E(x + t d), the chord that the graph crosses and the intervals where
E'' < 0 (second differences) show it is not.
"""

import numpy as np


def concave(e):
    """Mask of the interior grid points where the second difference of e is negative (E'' < 0 there)."""
    d2 = e[2:] - 2 * e[1:-1] + e[:-2]
    scale = np.finfo(float).eps * 16 * np.maximum(np.abs(e[1:-1]), 1)   # rounding: not a sign
    return np.concatenate([[False], d2 < -scale, [False]])


def worstChord(t, e):
    """The chord of the grid the graph rises farthest above: (i, j, k, height), i < k < j.

    height = e[k] - chord_ij(t[k]) > 0 proves non-convexity; height <= 0 for
    every chord means convex on this grid.
    """
    best = (0, len(t) - 1, 0, -np.inf)
    for i in range(len(t) - 2):
        j = np.arange(i + 2, len(t))[:, None]                      # every right end
        k = np.arange(len(t))[None, :]
        s = (t[k] - t[i]) / (t[j] - t[i])                           # position along the chord
        above = np.where((k > i) & (k < j), e[k] - ((1 - s) * e[i] + s * e[j]), -np.inf)
        jj, kk = np.unravel_index(np.argmax(above), above.shape)
        if above[jj, kk] > best[3]:
            best = (i, int(j[jj, 0]), int(kk), float(above[jj, kk]))
    return best


def drawSlice(ax, t, e, direction, what="E", step="t"):
    """E along one direction (the step called ``step``): the graph, its worst chord, E'' < 0 shaded."""
    mask = concave(e)
    dt = t[1] - t[0]
    starts = np.flatnonzero(mask & ~np.roll(mask, 1))
    ends = np.flatnonzero(mask & ~np.roll(mask, -1))
    for a, b in zip(starts, ends):
        ax.axvspan(t[a] - dt / 2, t[b] + dt / 2, color="tab:orange", alpha=0.25, lw=0,
                   label="E'' < 0 (concave)" if a == starts[0] else None)
    ax.plot(t, e, "k", lw=2, label=f"{what} along {direction}")
    i, j, k, height = worstChord(t, e)
    if height > 0:
        ax.plot(t[[i, j]], e[[i, j]], "o--", color="tab:red", lw=1.5,
                label="a chord: the graph rises above it")
        s = (t[k] - t[i]) / (t[j] - t[i])
        ax.annotate("", xy=(t[k], e[k]), xytext=(t[k], (1 - s) * e[i] + s * e[j]),
                    arrowprops=dict(arrowstyle="->", color="tab:red"))
        verdict = f"not convex: the graph lies {height:.2g} above a chord"
    else:
        verdict = "convex on this grid: every chord lies above the graph"
    ax.set_xlabel(f"step {step} along {direction}")
    ax.set_ylabel(what)
    ax.set_title(f"along {direction}: {verdict}", fontsize=9)
    ax.legend(fontsize=7, loc="best")
    return height, int(mask.sum())
