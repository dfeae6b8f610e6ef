"""Newton-type variants on the slides' inverse crime, by the work they need (not our API: an experiment).

    python bench/newtonVariants.py        # prints a table and writes bench/newtonVariants.md

Work is counted, not timed (a loaded machine does not change it): objective
evaluations (value + gradient) and Gauss-Newton products H v, to the first
iterate with E - Emin <= 1e-2 and <= 3e-3, on the seeds of ``bench.py``. The
variants try what could make Newton-CG cheaper where newtonCG's best option
spends its work (bench/results.md, "Where Newton-CG's work goes"):

- newtonCG's best option (``bench.BEST``), for reference;
- the same with the step mu reset to 1 every iteration and Armijo's sufficient
  decrease (c1 = 1e-4) instead of the course's memory of mu;
- Levenberg-Marquardt: CG on (H + lambda I) s = -g, no line search, lambda
  divided by 3 when the actual decrease exceeds 0.75 times the model's and
  multiplied by 2 (by 4 if f grew: the step is then rejected) below 0.25;
  CG tolerance adaptive, or fixed at 0.1.
"""

import os
import sys

import numpy as np
from scipy.optimize import minimize
from scipy.sparse.linalg import LinearOperator
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench import BEST, TARGETS, Recorder, inverseCrime, runNewtonCG  # noqa: E402
from newtonCG import forcingTerm  # noqa: E402
from support.pcg import pcg  # noqa: E402

PRODUCT_COST = 0.7   # an H v in evaluations of value + gradient at this size (bench/results.md: 0.55 to 0.7)


def operator(n, matvec):
    return LinearOperator((n, n), matvec=matvec, dtype=float)


def muReset(fun, x, rec, maxIter=1000):
    f, g, H = fun(x)
    normG0 = np.linalg.norm(g)
    for _ in range(maxIter):
        s = pcg(operator(x.size, H), -g, forcingTerm(np.linalg.norm(g), normG0), BEST["maxIterCG"], True)[0]
        mu = 1.0
        for _ in range(30):
            fNew, gNew, HNew = fun(x + mu * s)
            if fNew < f + 1e-4 * mu * (g @ s):
                break
            mu /= 2
        x, f, g, H = x + mu * s, fNew, gNew, HNew
        if rec(f):
            return


def levenbergMarquardt(fun, x, rec, tolCG=None, lam=1.0, maxIter=1000):
    f, g, H = fun(x)
    normG0 = np.linalg.norm(g)
    for _ in range(maxIter):
        tol = forcingTerm(np.linalg.norm(g), normG0) if tolCG is None else tolCG
        s = pcg(operator(x.size, lambda v, H=H, lam=lam: H(v) + lam * v), -g, tol, 50, True)[0]
        predicted = -(g @ s + 0.5 * s @ H(s))
        fNew, gNew, HNew = fun(x + s)
        rho = (f - fNew) / predicted if predicted > 0 else -1.0
        if rho > 0:
            x, f, g, H = x + s, fNew, gNew, HNew
            if rec(f):
                return
        lam = lam / 3 if rho > 0.75 else (lam * (2 if rho > 0 else 4) if rho < 0.25 else lam)


def lbfgsb(fun, x0, rec):
    def callback(intermediate_result):
        if rec(intermediate_result.fun):
            raise StopIteration
    minimize(lambda x: fun(x)[:2], x0, jac=True, method="L-BFGS-B", callback=callback, options={"maxiter": 10**6})


def run(name, seed, cap=60.0):
    fun, x0, Emin = inverseCrime(seed)
    if name == "newtonCG best":
        return runNewtonCG(fun, x0, Emin, cap, BEST)
    rec = Recorder(Emin, cap)
    counted = rec.counted(fun)
    {"L-BFGS-B": lambda: lbfgsb(counted, x0, rec),
     "mu reset to 1, Armijo": lambda: muReset(counted, x0, rec),
     "Levenberg-Marquardt, adaptive CG tol": lambda: levenbergMarquardt(counted, x0, rec),
     "Levenberg-Marquardt, CG tol 0.1": lambda: levenbergMarquardt(counted, x0, rec, 0.1)}[name]()
    return rec


def main(seeds=(0, 1, 2, 3, 4)):
    names = ["L-BFGS-B", "newtonCG best", "mu reset to 1, Armijo", "Levenberg-Marquardt, adaptive CG tol",
             "Levenberg-Marquardt, CG tol 0.1"]
    lines = ["# Newton-type variants on the inverse crime: work to each target", "",
             "`python bench/newtonVariants.py` (one BLAS thread). Work = evaluations + "
             f"{PRODUCT_COST} x H v products, and in brackets the ratio to L-BFGS-B's work on the same seed; "
             "- : not reached.", "",
             "| seed | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    ratios = {name: {t: [] for t in TARGETS} for name in names}
    with threadpool_limits(1, user_api="blas"):
        for seed in seeds:
            recs = {name: run(name, seed) for name in names}
            base = {t: recs["L-BFGS-B"].work.get(t) for t in TARGETS}
            cells = []
            for name in names:
                parts = []
                for t in TARGETS:
                    w = recs[name].work.get(t)
                    if not w:
                        parts.append("-")
                        continue
                    cost = w[0] + PRODUCT_COST * w[1]
                    r = cost / (base[t][0] + PRODUCT_COST * base[t][1]) if base[t] else np.inf
                    ratios[name][t].append(r)
                    parts.append(f"{cost:.0f} ({r:.2f}x)")
                cells.append(" / ".join(parts))
            lines.append(f"| {seed} | " + " | ".join(cells) + " |")
            print(lines[-1], flush=True)
    lines += ["", "Each cell: work to E - Emin <= " + " / ".join(f"{t:g}" for t in TARGETS) + ".", "",
              "| variant | " + " | ".join(f"work / L-BFGS-B's to {t:g}, range over the seeds" for t in TARGETS)
              + " |", "|---|" + "---:|" * len(TARGETS)]
    for name in names[1:]:
        lines.append(f"| {name} | " + " | ".join(
            f"{min(ratios[name][t]):.2f} to {max(ratios[name][t]):.2f}" if ratios[name][t] else "-"
            for t in TARGETS) + " |")
    text = "\n".join(lines) + "\n"
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "newtonVariants.md"), "w") as fh:
        fh.write(text)
    print(text)


if __name__ == "__main__":
    main()
