"""ESingleLayer_PeaksVarPro: the course's single layer on Peaks, trained by variable projection.

The Python counterpart of the course's ``singleLayer/examples/ESingleLayer_PeaksVarPro.m``,
with its settings: 1000 training and a separate 2000 validation points of ``setupPeaks``,
m = 40, the tanh activation and the classifier bias. The classifier W is eliminated
(``singleLayerNNVarProObjFun``): for every x = [K(:); b] an inner Newton-CG (20
iterations, CG to 1e-5 or 30 steps, from W = 0) solves

    W(K, b) = argmin_W  E(sigma(Y K + b) W, C) + 0.5 1e-10 ||W||^2

and the outer methods minimise Phi(K, b) = E(sigma(Y K + b) W(K, b), C) + ...:
10 steepest-descent iterations (maxStep 1) from a standard normal [K0(:); b0], then
20 Newton-CG iterations (CG to 1e-6, at most 10 steps). W for the final (K, b) is
solved once more, and the training and validation errors are printed; the class
regions go to ``figures/ESingleLayer_PeaksVarPro.png``.

    python ESingleLayer_PeaksVarPro.py [--seed 2] [--np 1000] [--npVal 2000] [--m 40]
        [--maxIterSD 10] [--maxIter 20] [--maxIterCG 10] [--lamW 1e-10] [--hessian course|full]
        [--faithful] [--verbose] [--quiet]

What the course's script does that may surprise:

- It calls ``setupPeaks(2000, ...)`` twice in a row for the validation points;
  the first draw only advances the random stream. Ours draws once; ``--faithful`` twice.
- Its objective's value leaves R_W(W(K, b)) out while its gradient is the one
  of the objective with R_W (``singleLayerNNVarProObjFun.m``). Ours includes it;
  ``--faithful`` uses the course's value (``courseValue``). With lambda = 1e-10
  the difference is about 1e-10 ||W||^2.
- After training it solves for W with plain ``softMax`` (no regulariser), not
  the regularised problem the objective solved. Ours solves the same problem as
  the objective; ``--faithful`` the course's.
- Its Hessian is the Gauss-Newton Hessian in (K, b) with W held fixed, plus the
  1e-5 shift of its softMax.m (default here; ``--hessian full`` drops the shift).
  It is not the Hessian of the reduced objective (which subtracts the coupling
  through W), see ``singleLayerNNVarProObjFun``.
- Its inner problem has, in effect, no minimiser: with lambda_W = 1e-10 and
  training points that the 40 features separate, the cross entropy keeps falling
  as |W| grows. The 20 inner Newton steps from W = 0 stop far from any optimum
  (measured at the start, seed 2: E = 0.044 after 20 steps, 0.017 after 100,
  |grad_W| 1.6e-4, |W| 330 and growing). The reduced objective is then "E after
  20 steps", its gradient formula (which assumes grad_W = 0) is off, and both
  move by about 1% when x moves by one ulp (``tests/crosscheck/test_coursePeaks.py``). So
  the line searches fail: here and in the course's code in Octave
  (its warnings "LSB" and "Line search break"), the warm start and Newton-CG
  stop early, and the iterates of the two can only be compared by their errors.
  ``--lamW 1e-4`` makes the inner problem well posed (no failures; larger
  training and validation errors, experiments/README.md).
- Once W is optimal to rounding, the inner newtoncg's line search fails and it
  stops with a warning ("Line search break", printed in Octave each time; not
  shown here). ``'out',-1`` silences its table (any value but 1 does).
- The outer Newton-CG asks CG for 1e-6 but allows 10 steps: CG always stops at 10.
- Its K0, b0 are drawn without a W0, its title reads "train x% val y%", and its
  picture has the y axis pointing down (see ``ESingleLayer_PeaksNewtonCG.py``).
"""

# %% Setup
import time

import numpy as np

from experiments.peaksExperiment import (
    COURSE,
    classError,
    coursePeaksData,
    parseArgs,
    plotClassRegions,
    startWeights,
    summarised,
    trainVarPro,
    verbosity,
)
from support.scripts import showFigures

args = parseArgs("VarPro", __doc__)
rng = np.random.default_rng(args.seed)
s = {**COURSE["VarPro"], "maxIterSD": args.maxIterSD, "maxIter": args.maxIter, "maxIterCG": args.maxIterCG,
     "lamW": args.lamW}

# %% 1. Peaks data: training points, then validation points (drawn twice with --faithful, as the course)
Y, C, Yv, Cv = coursePeaksData(rng, args.np, args.npVal, ns=args.ns, validationTwice=args.faithful)
(n, nf), nc, m = Y.shape, C.shape[1], args.m
print(f"Peaks: {n} training and {Yv.shape[0]} validation points, {nc} classes; m = {m}, act = {s['act']}, "
      f"classifier bias")

# %% 2. Start: K0 (nf x m) and b0, standard normal; W is solved for
x0 = startWeights(rng, nf, m, nc, withW=False)

# %% 3. Train (K, b) by VarPro: steepest descent as a warm start, then Newton-CG; then W for the result
t = time.perf_counter()
x, his = trainVarPro(Y, C, x0, m, s, args.faithful, args.hessian, verbosity(args), summarised(args))
objSD, objN = his["steepestDescent"]["obj"], his["newtonCG"]["obj"]
print(f"reduced objective {objSD[0]:.4e} -> {objSD[-1]:.4e} (steepest descent, {len(objSD) - 1} "
      f"iterations) -> {objN[-1]:.4e} (Newton-CG, {len(objN) - 1} iterations) "
      f"in {time.perf_counter() - t:.1f} s")

# %% 4. Training and validation error: the percentage of points given another class than theirs
trainErr, valErr = classError(x, Y, C, m, s["act"]), classError(x, Yv, Cv, m, s["act"])
print(f"training error {trainErr:.2f}% validation error {valErr:.2f}%")   # the figure's title: the course's

# %% 5. The predicted class regions
path = plotClassRegions(x, m, nc, s["act"], f"ESingleLayer_PeaksVarPro: train {trainErr:.2f}% "
                        f"val {valErr:.2f}%", "ESingleLayer_PeaksVarPro", args.ns)
print("saved", path)
showFigures()
