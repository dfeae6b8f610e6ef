"""Time to accuracy on MNIST: our optimisers, SciPy's L-BFGS-B and PyTorch, on the same split and model.

Run from the repository root (about 4 minutes on 2 cores with the defaults):

    python bench/benchMNIST.py                    # writes bench/mnistResults.md and bench/mnistResults.png
    python bench/benchMNIST.py --cap 5 --no-torch --out /tmp/r.md    # a quick run

The problem is exSingleLayerMNIST.py's: setupMNIST's split (the subset in
data/mnist, or --folder / MNIST_DIR), the single layer Z = tanh(Y K + b) with
the classifier bias S = [Z, 1] W, m = 100, cross entropy + 0.5 lam ||x||^2, and
the same start x0 for every method. Each method runs until its time budget
(--cap seconds) is used up, and records the validation accuracy after every
iteration (every epoch for SGD). The clock stops while a callback measures the
accuracy: the times are the optimisers' own. Methods:

- ``newtonCG``, our best option (adaptive CG tolerance, the last CG iterate,
  up to 50 CG iterations) and the course's defaults (tolCG 1e-2, maxIterCG 10);
- ``steepestDescent`` (the course's line search, steps of length <= 1);
- ``sgd``: batches of 100, learning rate 0.1, momentum 0.9 (the objective on all
  examples after each epoch, as ours computes it, is part of its time);
- SciPy's L-BFGS-B on ``singleLayerNNObjFun``'s value and gradient;
- the same model in PyTorch (float64, autograd), trained with torch.optim.SGD
  (the same batches, learning rate and momentum) and torch.optim.LBFGS (strong
  Wolfe line search), in a process of its own: PyTorch's OpenMP threads,
  spinning after each call, slow numpy's BLAS threads down when they share a
  process (measured in bench/bench.py). Skipped when ``import torch`` fails
  (``pip install torch==2.13.0``).
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.append(os.path.join(ROOT, "bench"))

from machineClass import describe  # noqa: E402

from genTikhonov import genTikhonov  # noqa: E402
from newtonCG import newtonCG  # noqa: E402
from setupMNIST import setupMNIST  # noqa: E402
from sgd import sgd  # noqa: E402
from singleLayer import singleLayer  # noqa: E402
from singleLayerNNObjFun import singleLayerNNObjFun, splitX  # noqa: E402
from steepestDescent import steepestDescent  # noqa: E402

TARGETS = (0.80, 0.85, 0.90)
SGD = {"batchSize": 100, "lr": 0.1, "momentum": 0.9}


# ---------------------------------------------------------------- the problem and the clock
def accuracy(x, Y, C, m):
    """The fraction of rows of Y whose most likely class is C's."""
    nf, nc = Y.shape[1], C.shape[1]
    K, b, W = splitX(x, nf, m, nc, bias=True)
    S = singleLayer(K, b, Y, doDerivative=False)[0] @ W[:m] + W[m]
    return float(np.mean(S.argmax(axis=1) == C.argmax(axis=1)))


def startingPoint(nf, m, nc, seed):
    """exSingleLayerMNIST.py's x0 = [K(:); b; W(:)]: K, W with entries of variance 1/fan-in, b = 0."""
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.standard_normal(nf * m) / np.sqrt(nf), [0.0],
                           rng.standard_normal((m + 1) * nc) / np.sqrt(m)])


def recorder(evaluate, cap):
    """``(callback, rows, start, exclude)``: callback(x) appends (solver seconds, validation accuracy) and
    returns True (stop) once the solver has used ``cap`` seconds; the clock stops while it evaluates.
    Call ``start(x0)`` right before the solver; ``exclude(seconds)`` takes time off the clock."""
    rows, clock = [], {"used": 0.0, "resumed": 0.0}

    def exclude(seconds):
        clock["used"] -= seconds

    def start(x0):
        rows.append((0.0, evaluate(x0)))
        clock["resumed"] = time.perf_counter()

    def callback(x):
        clock["used"] += time.perf_counter() - clock["resumed"]
        rows.append((clock["used"], evaluate(x)))
        clock["resumed"] = time.perf_counter()
        return clock["used"] >= cap

    return callback, rows, start, exclude


# ---------------------------------------------------------------- the methods (numpy and SciPy)
def runNumpyMethods(Y, C, Yv, Cv, x0, m, lam, cap, seed):
    """{method: rows} for our optimisers and L-BFGS-B, each from x0 for ``cap`` seconds."""
    from scipy.optimize import minimize

    n = Y.shape[0]
    reg = lambda x: genTikhonov(x, lam)
    fun = lambda x: singleLayerNNObjFun(x, Y, C, m, reg=reg, bias=True)
    evaluate = lambda x: accuracy(x, Yv, Cv, m)
    many = 100000                                   # iterations: the time budget stops every method
    runs = {
        "newtonCG (adaptive CG tolerance, last CG iterate, maxIterCG 50)": lambda cb: newtonCG(
            fun, x0, {"maxIter": many, "forcing": "adaptive", "maxIterCG": 50, "cgIterate": "last",
                      "verbose": 0, "storeIterates": False, "callback": cb}),
        "newtonCG (the course's defaults: tolCG 1e-2, maxIterCG 10)": lambda cb: newtonCG(
            fun, x0, {"maxIter": many, "verbose": 0, "storeIterates": False, "callback": cb}),
        "steepestDescent (the course's line search)": lambda cb: steepestDescent(
            fun, x0, {"maxIter": many, "verbose": 0, "storeIterates": False, "callback": cb}),
        "sgd (batches of 100, lr 0.1, momentum 0.9)": lambda cb: sgd(
            lambda x, idx: singleLayerNNObjFun(x, Y[idx], C[idx], m, reg=reg, bias=True), x0,
            {"n": n, **SGD, "maxEpochs": many, "rng": seed, "verbose": 0, "storeIterates": False,
             "callback": cb}),
        "scipy L-BFGS-B on singleLayerNNObjFun": lambda cb: minimize(
            lambda x: fun(x)[:2], x0, jac=True, method="L-BFGS-B", callback=stopWhen(cb),
            options={"maxiter": many, "maxfun": 10 * many}),
    }
    fun(x0)                                         # warm up (first calls of numpy and BLAS)
    results = {}
    for name, run in runs.items():
        callback, rows, start, _ = recorder(evaluate, cap)
        print(f"{name} ...", flush=True)
        start(x0)
        run(callback)
        results[name] = rows
        report(name, rows)
    return results


def stopWhen(callback):
    """SciPy's callback: ``callback(intermediate_result)``, raising StopIteration to stop."""
    def scipyCallback(intermediate_result):
        if callback(intermediate_result.x):
            raise StopIteration
    return scipyCallback


def report(name, rows):
    t, acc = rows[-1]
    print(f"  {len(rows) - 1} iterations in {t:.1f} s, validation accuracy {acc:.1%}", flush=True)


# ---------------------------------------------------------------- PyTorch, in a process of its own
def torchWorker(dataPath, outPath):
    """Train the same model in PyTorch (SGD and L-BFGS) on the data saved in ``dataPath``; write JSON."""
    import torch

    torch.set_num_threads(os.cpu_count())
    data = np.load(dataPath)
    cfg = json.loads(str(data["cfg"]))
    m, lam, cap, seed = cfg["m"], cfg["lam"], cfg["cap"], cfg["seed"]
    Y, C, Yv, Cv = (torch.from_numpy(data[k]) for k in ("Y", "C", "Yv", "Cv"))
    (n, nf), nc = Y.shape, C.shape[1]

    def unpack(x):     # x = [K(:); b; W(:)], column-major as ours: K nf x m, W (m+1) x nc
        return x[:nf * m].reshape(m, nf).T, x[nf * m], x[nf * m + 1:].reshape(nc, m + 1).T

    def objective(x, Yb, Cb):
        K, b, W = unpack(x)
        S = torch.tanh(Yb @ K + b) @ W[:m] + W[m]
        return -(Cb * torch.log_softmax(S, dim=1)).sum() / Yb.shape[0] + 0.5 * lam * (x * x).sum()

    def evaluate(x):
        with torch.no_grad():
            K, b, W = unpack(torch.from_numpy(x))
            S = torch.tanh(Yv @ K + b) @ W[:m] + W[m]
            return float((S.argmax(dim=1) == Cv.argmax(dim=1)).double().mean())

    x = torch.tensor(data["x0"], requires_grad=True)
    objective(x, Y, C).backward()                   # warm up: torch's first calls take a while
    results = {}
    # SGD: torch's momentum buffer v <- 0.9 v + g, x <- x - lr v is ours (dF <- 0.9 dF + lr g) for a fixed lr
    x = torch.tensor(data["x0"], requires_grad=True)
    opt, gen = torch.optim.SGD([x], lr=SGD["lr"], momentum=SGD["momentum"]), torch.Generator().manual_seed(seed)
    callback, rows, start, _ = recorder(evaluate, cap)
    start(data["x0"])
    while True:
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n, SGD["batchSize"]):
            idx = perm[i:i + SGD["batchSize"]]
            opt.zero_grad()
            objective(x, Y[idx], C[idx]).backward()
            opt.step()
        if callback(x.detach().numpy().copy()):
            break
    results[f"PyTorch {torch.__version__}: torch.optim.SGD (batches of 100, lr 0.1, momentum 0.9)"] = rows
    # L-BFGS on all examples, one iteration per step() so that the callback sees each iterate (the
    # memory persists between calls); each step() first re-evaluates f at the current x, which one long
    # run would not need: that evaluation is taken off the clock
    x = torch.tensor(data["x0"], requires_grad=True)
    opt = torch.optim.LBFGS([x], lr=1, max_iter=1, max_eval=20, history_size=10, line_search_fn="strong_wolfe")
    callback, rows, start, exclude = recorder(evaluate, cap)
    calls = [0]

    def closure():
        t0 = time.perf_counter()
        opt.zero_grad()
        f = objective(x, Y, C)
        f.backward()
        calls[0] += 1
        if calls[0] == 1:                           # step()'s re-evaluation at its start
            exclude(time.perf_counter() - t0)
        return f

    start(data["x0"])
    while True:
        calls[0] = 0
        opt.step(closure)
        if callback(x.detach().numpy().copy()):
            break
    results[f"PyTorch {torch.__version__}: torch.optim.LBFGS (strong Wolfe, history 10)"] = rows
    note = (f"PyTorch {torch.__version__} ({torch.backends.cpu.get_cpu_capability()}), "
            f"{torch.get_num_threads()} threads, float64, in a process of its own")
    with open(outPath, "w") as fh:
        json.dump({"results": results, "note": note}, fh)


def runTorch(Y, C, Yv, Cv, x0, m, lam, cap, seed):
    """({method: rows}, note) from torchWorker in a subprocess; ({}, why) when PyTorch is missing or fails."""
    with tempfile.TemporaryDirectory() as tmp:
        dataPath, outPath = os.path.join(tmp, "data.npz"), os.path.join(tmp, "torch.json")
        np.savez(dataPath, Y=Y, C=C, Yv=Yv, Cv=Cv, x0=x0,
                 cfg=json.dumps({"m": m, "lam": lam, "cap": cap, "seed": seed}))
        print("PyTorch (in a subprocess) ...", flush=True)
        result = subprocess.run([sys.executable, __file__, "--torch-worker", dataPath, outPath], cwd=ROOT,
                                text=True, capture_output=True)
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["?"])[-1]
            return {}, f"PyTorch skipped: {last} (pip install torch==2.13.0)"
        with open(outPath) as fh:
            out = json.load(fh)
    for name, rows in out["results"].items():
        print(name)
        report(name, rows)
    return out["results"], out["note"]


# ---------------------------------------------------------------- the table and the plot
def timeTo(rows, target):
    """The first time the validation accuracy reached ``target``, or None."""
    return next((t for t, acc in rows if acc >= target), None)


def table(results):
    head = ("| method | " + " | ".join(f"time to {t:.0%}" for t in TARGETS)
            + " | final validation accuracy | best (at) | iterations (epochs for SGD) | time used |")
    lines = [head, "|" + "---|" * (len(TARGETS) + 5)]
    for name, rows in results.items():
        cells = [f"{t:.1f} s" if (t := timeTo(rows, target)) is not None else "not reached"
                 for target in TARGETS]
        tBest, best = max(rows, key=lambda row: row[1])
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {rows[-1][1]:.1%} | {best:.1%} ({tBest:.1f} s) "
                     f"| {len(rows) - 1} | {rows[-1][0]:.1f} s |")
    return "\n".join(lines)


def plot(results, path, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 5))
    top = 0.0
    for name, rows in results.items():
        rows = np.array(rows)
        ax.plot(rows[:, 0], 100 * rows[:, 1], ".-" if len(rows) < 40 else "-", markersize=3, label=name)
        top = max(top, rows[:, 1].max())
    for target in TARGETS:
        ax.axhline(100 * target, color="gray", linewidth=0.6, linestyle=":")
    ax.set_xscale("symlog", linthresh=0.1)       # the first second decides the ranking: spread it out
    ax.set_xlim(0, None)
    ax.set_ylim(60, min(100, 100 * top + 2))
    ax.set_xlabel("time used by the optimiser [s] (symmetric log scale; accuracy evaluations excluded)")
    ax.set_ylabel("validation accuracy [%]")
    ax.set_title(title, fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize=8, ncol=2)
    fig.savefig(path, dpi=100, bbox_inches="tight")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cap", type=float, default=30.0, help="seconds per method (default 30)")
    parser.add_argument("--nTrain", type=int, default=None, help="training digits (default: setupMNIST's)")
    parser.add_argument("--nVal", type=int, default=None, help="validation digits (default: nTrain/5)")
    parser.add_argument("--folder", default=None, help="MNIST folder (default: MNIST_DIR, else data/mnist)")
    parser.add_argument("--m", type=int, default=100, help="width of the layer (default 100)")
    parser.add_argument("--lam", type=float, default=1e-3, help="regularisation 0.5 lam ||x||^2 (default 1e-3)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the split, the start and SGD (default 0)")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "mnistResults.md"),
                        help="the table (the plot goes next to it, .png)")
    parser.add_argument("--torch-worker", nargs=2, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.torch_worker:
        return torchWorker(*args.torch_worker)

    Y, C, Yv, Cv = setupMNIST(args.nTrain, args.nVal, folder=args.folder, seed=args.seed)
    (n, nf), nc, m = Y.shape, C.shape[1], args.m
    x0 = startingPoint(nf, m, nc, args.seed)
    setup = (f"{n} training and {Yv.shape[0]} validation digits (setupMNIST, seed {args.seed}), "
             f"m = {m}, classifier bias, lam = {args.lam:g}, {x0.size} unknowns, {args.cap:g} s per method")
    print(setup, flush=True)
    results = runNumpyMethods(Y, C, Yv, Cv, x0, m, args.lam, args.cap, args.seed)
    note = "PyTorch skipped (--no-torch)"
    if not args.no_torch:
        torchResults, note = runTorch(Y, C, Yv, Cv, x0, m, args.lam, args.cap, args.seed)
        results.update(torchResults)
    text = table(results)
    print("\n" + text)
    png = os.path.splitext(args.out)[0] + ".png"
    plot(results, png, "Single layer on MNIST: validation accuracy against time\n" + setup)
    with open(args.out, "w") as fh:
        fh.write(f"# Time to accuracy on MNIST\n\nRun `python bench/benchMNIST.py` "
                 f"({datetime.date.today().isoformat()}).\n\n"
                 f"Problem: {setup}. Every method starts from the same x0; the times are the optimisers' "
                 "own (the clock stops while the validation accuracy is measured after each iteration, "
                 "each epoch for SGD, so SGD's times to a target are rounded up to a whole epoch).\n\n"
                 "```\n" + describe() + "\n```\n\n" + note + ".\n\n" + text + "\n\n"
                 f"![validation accuracy against time]({os.path.basename(png)})\n")
    print(f"\nwrote {args.out} and {png}")


if __name__ == "__main__":
    main()
