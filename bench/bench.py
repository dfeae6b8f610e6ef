"""Benchmark of the lecture's objective and of newtonCG: kernel floor, PyTorch, Octave, L-BFGS-B, machine classes.

Run from the repository root (about 10 minutes on 2 cores; ``--quick`` for a smoke run):

    python bench/bench.py                 # writes bench/results.md and bench/results.png
    python bench/bench.py --quick --no-torch --no-octave --classes native --out /tmp/r.md

What is measured, every ratio from timings of the same run (best of several):

1. ``singleLayerNNObjFun`` value + gradient and one Gauss-Newton product ``H(v)``
   against their *kernel floor* (the matrix products and elementwise passes the
   formulas need, each timed alone on the same data), against PyTorch autograd
   (optional: ``pip install torch==2.13.0``) and the course's
   ``singleLayerNNObjFun.m`` in Octave (optional: Octave and ``NUMDL_MATLAB``);
2. the same on each *machine class*: this machine as it is, and, when it has
   AVX-512, emulated as the common AVX2-only class (numpy's X86_V3, OpenBLAS's
   Haswell kernel, PyTorch's AVX2; ``machineClass.py``) in a subprocess;
3. before and after the slide-first redesign of the lecture files
   (``--before REV``, ``beforeAfter.py``), against the same floor;
4. ``newtonCG`` (the course's defaults, and our best Newton-type option) against
   SciPy's L-BFGS-B on the slides' inverse crime over several seeds: the wall
   time until the first iterate with E - Emin <= 1e-2 and <= 3e-3 (a callback
   records it), with BLAS at its default threads and on one thread.
"""

import argparse
import contextlib
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

from machineClass import describe, emulationEnv, machineClass  # noqa: E402

from experiments import learningTheWeights  # noqa: E402
from newtonCG import newtonCG  # noqa: E402
from singleLayerNNObjFun import singleLayerNNObjFun, splitX, xLength  # noqa: E402

SIZES = {"slide": (500, 50, 40, 10), "n50k": (50000, 50, 40, 10),
         "mnist10k": (10000, 784, 200, 10), "mnist10k500": (10000, 784, 500, 10)}
QUICK_SIZES = {"slide": (500, 50, 40, 10), "small": (2000, 60, 30, 10)}
MNIST = ("mnist10k", "mnist10k500")       # the sizes of the 1.3x-floor targets
TARGETS = (1e-2, 3e-3)
BEFORE = "08b8cf2"                          # the last commit before the slide-first redesign
# our best Newton-type option on the inverse crime (see newtonCG's docstring and the section below): with
# maxIterCG 20 it needs about half the work of maxIterCG 100 to each target (measured on seeds 0-4, counted
# in evaluations and H v products: 1.2-1.6x L-BFGS-B's work to 1e-2 against 1.6-3.6x)
BEST = {"forcing": "adaptive", "maxIterCG": 20, "cgIterate": "last"}
METHODS = {"newtonCG, the course's defaults": {},
           "newtonCG, " + ", ".join(f"{k}={v!r}" for k, v in BEST.items()): BEST}


# ---------------------------------------------------------------- timing helpers
def bestTime(f, reps, minBatch=0.02):
    """Best of ``reps`` batches of the time of one call of ``f`` (seconds).

    A batch repeats ``f`` until it has run ``minBatch`` seconds, so a call of
    a few microseconds is not lost in the clock's resolution.
    """
    t0 = time.perf_counter()
    f()
    once = time.perf_counter() - t0
    number = max(1, int(minBatch / max(once, 1e-7)))
    best = np.inf
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(number):
            f()
        best = min(best, (time.perf_counter() - t0) / number)
    return best


def problem(size, dtype, rng):
    """Data of one size: Y (n x nf), one-hot C (n x nc), x = [K(:); b; W(:)] and a direction v."""
    n, nf, m, nc = size
    Y = rng.standard_normal((n, nf)).astype(dtype)
    C = np.eye(nc, dtype=dtype)[rng.integers(nc, size=n)]
    x = np.concatenate([rng.standard_normal(nf * m) / np.sqrt(nf), [0.1],
                        rng.standard_normal(m * nc) / np.sqrt(m)]).astype(dtype)
    v = rng.standard_normal(x.size).astype(dtype)
    return Y, C, x, v


def kernelFloor(Y, C, x, v, m, reps):
    """The essential kernels of value + gradient and of H(v), each timed alone (seconds)."""
    n, nf = Y.shape
    nc = C.shape[1]
    K, b, W = (np.ascontiguousarray(a) if np.ndim(a) else a for a in splitX(x, nf, m, nc))
    VK, vb, VW = (np.ascontiguousarray(a) if np.ndim(a) else a for a in splitX(v, nf, m, nc))
    A = Y @ K + b
    Z = np.tanh(A)
    S = Z @ W
    P = np.exp(S - S.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    dS = (P - C) / n
    dZ = dS @ W.T
    dA = 1 - Z * Z
    work = np.empty_like(A)
    grad = {"Y@K": lambda: Y @ K,
            "tanh (in place)": lambda: np.tanh(A, out=work),
            "Z@W": lambda: Z @ W,
            "exp (n x nc)": lambda: np.exp(S),
            "dS@W.T": lambda: dS @ W.T,
            "Z.T@dS": lambda: Z.T @ dS,
            ".* (n x m)": lambda: np.multiply(dA, dZ, out=work),
            "Y.T@dZ": lambda: Y.T @ dZ}
    hess = {"Y@VK": lambda: Y @ VK,
            "dA.*(.)": lambda: np.multiply(dA, A, out=work),
            "(.)@W": lambda: A @ W,
            "Z@VW": lambda: Z @ VW,
            "P.*(.) (n x nc)": lambda: P * dS,
            "U@W.T": lambda: dS @ W.T,
            "dA.*dZ": lambda: np.multiply(dA, dZ, out=work),
            "Y.T@(.)": lambda: Y.T @ dZ,
            "Z.T@U": lambda: Z.T @ dS}
    return ({k: bestTime(f, reps) for k, f in grad.items()},
            {k: bestTime(f, reps) for k, f in hess.items()})


def torchValGrad(torch, Y, C, m):
    """PyTorch autograd value + gradient of the same objective, x in the same column-major order."""
    n, nf = Y.shape
    nc = C.shape[1]
    Yt, Ct = torch.from_numpy(Y), torch.from_numpy(C)

    def valGrad(x):
        xt = torch.from_numpy(x).requires_grad_(True)
        K = xt[:nf * m].reshape(m, nf).T          # column-major vec, as MATLAB's K(:)
        b = xt[nf * m]
        W = xt[nf * m + 1:].reshape(nc, m).T
        S = torch.tanh(Yt @ K + b) @ W
        E = -(Ct * torch.log_softmax(S, dim=1)).sum() / n
        (g,) = torch.autograd.grad(E, xt)
        return E.item(), g.numpy()

    return valGrad


def torchGaussNewton(torch, Y, C, x, m):
    """PyTorch's Gauss-Newton product at x, as a closure like our H: ``v -> J' (Hess_S E) J v``.

    J v and J' u of S(x) = tanh(Y K + b) W come from ``torch.func.linearize`` and ``torch.func.vjp``,
    set up once at x (as our H reuses sigma' and the softmax), Hess_S E from the softmax P.
    The set-up (tracing, about seconds) is not timed: only the product, as for ours.
    """
    n, nf = Y.shape
    nc = C.shape[1]
    Yt = torch.from_numpy(Y)

    def scores(xt):
        K = xt[:nf * m].reshape(m, nf).T
        W = xt[nf * m + 1:].reshape(nc, m).T
        return torch.tanh(Yt @ K + xt[nf * m]) @ W

    xt = torch.from_numpy(x)
    S, J = torch.func.linearize(scores, xt)
    _, Jt = torch.func.vjp(scores, xt)
    P = torch.softmax(S, dim=1)

    def H(v):
        PV = P * J(torch.from_numpy(v))
        return Jt((PV - P * PV.sum(dim=1, keepdim=True)) / n)[0].numpy()

    return H


def startOctave():
    """A session with the course's toolbox (crosscheck/courseSession.py), or (None, why not)."""
    try:
        from crosscheck.courseSession import CourseSession
        session = CourseSession()
        return session, "GNU Octave " + str(session.call("OUT.v = version();")["v"])
    except Exception as err:  # noqa: BLE001 - the column is optional: say why it is missing
        return None, f"{type(err).__name__}: {str(err)[:160]}"


def octaveTime(session, Y, C, x, m, reps):
    """Best-of time of the course's ``[Ec,dE,H] = singleLayerNNObjFun(x,Y,C,m)`` inside Octave (tic/toc)."""
    from crosscheck.courseLayout import toCourse, xToCourse

    n, nf = Y.shape
    nc = C.shape[1]
    out = session.call(f"OUT.tBest = inf; for k = 1:{reps}, t0 = tic; [Ec,dE,H] = singleLayerNNObjFun(x,Y,C,m); "
                       "OUT.tBest = min(OUT.tBest, toc(t0)); end; OUT.Ec = Ec;", Y=toCourse(Y), C=toCourse(C),
                       x=xToCourse(x, nf, m, nc), m=float(m))
    return float(out["tBest"]), float(out["Ec"])


# ---------------------------------------------------------------- one machine class
def measureSize(name, size, dtype, reps, octave):
    Y, C, x, v = problem(size, dtype, np.random.default_rng(1))
    m = size[2]
    held = {}

    def ours():  # as in an optimiser's loop, "Ec, dE, H = fun(x)" replaces the previous result
        held["out"] = singleLayerNNObjFun(x, Y, C, m)

    ours()
    Ec, dE, H = held["out"]
    row = dict(name=name, size=list(size), dtype=np.dtype(dtype).name)
    row["valGrad"] = bestTime(ours, 2 * reps)
    row["H"] = bestTime(lambda: H(v), 2 * reps)
    from support.fastOps import SMALL_WORK, oneBlasThread
    with oneBlasThread() if size[0] * x.size < SMALL_WORK else contextlib.nullcontext():   # the objective's setting
        row["floorGrad"], row["floorH"] = kernelFloor(Y, C, x, v, m, reps)
    row["floorGradSum"], row["floorHSum"] = sum(row["floorGrad"].values()), sum(row["floorH"].values())
    row["torch"] = row["torchRelDiff"] = row["torchH"] = row["torchHRelDiff"] = row["octave"] = None
    if octave is not None and size[0] * size[1] <= 3_000_000 and dtype == np.float64:
        row["octave"], Eo = octaveTime(octave, Y, C, x, m, max(3, reps))
        row["octaveRelDiff"] = abs(Eo - Ec) / abs(Ec)
    print(f"{name:>11} {row['dtype']:>7}: value+grad {1e3 * row['valGrad']:9.3f} ms (floor "
          f"{1e3 * row['floorGradSum']:9.3f}), H {1e3 * row['H']:9.3f} ms (floor {1e3 * row['floorHSum']:9.3f})"
          + (f", octave {1e3 * row['octave']:9.3f} ms" if row["octave"] else ""), flush=True)
    return row


def measureClass(sizes, quick, withTorch, withOctave):
    """Every size in float64 (and the largest in float32) on this process's machine class.

    PyTorch runs in a subprocess of its own: its OpenMP threads, spinning after each
    call, starve OpenBLAS's threads in the same process (measured: matrix products
    then take a scheduler time slice, about 12 ms, instead of microseconds).
    """
    notes, octave = [], None
    if withOctave:
        octave, why = startOctave()
        notes.append(why if octave else f"Octave column skipped: {why}")
    plan = [(name, size, np.float64, 2 if quick else (3 if np.prod(size[:3], dtype=float) > 1e9 else 7))
            for name, size in sizes.items()]
    largest = max(sizes, key=lambda k: np.prod(sizes[k], dtype=float))
    plan.append((largest, sizes[largest], np.float32, 2 if quick else 3))
    rows = [measureSize(name, size, dtype, reps, octave) for name, size, dtype, reps in plan]
    if octave is not None:
        octave.exit()
    if withTorch:
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "torch.json")
            with open(out, "w") as fh:
                json.dump([(name, list(size), np.dtype(dtype).name, reps) for name, size, dtype, reps in plan], fh)
            result = subprocess.run([sys.executable, __file__, "--torch-only", out], cwd=ROOT, text=True,
                                    capture_output=True)
            if result.returncode == 0:
                with open(out) as fh:
                    torchRows = json.load(fh)
                notes.append(torchRows.pop())
                for row, (t, diff, tH, diffH) in zip(rows, torchRows):
                    row["torch"], row["torchRelDiff"], row["torchH"], row["torchHRelDiff"] = t, diff, tH, diffH
            else:
                notes.append("PyTorch column skipped: " + (result.stderr.strip().splitlines() or ["?"])[-1])
    return dict(info=machineClass(), describe=describe(), notes=notes, rows=rows)


def measureTorch(path):
    """(time, |grad_torch - grad_ours| / |grad_ours|, the same for H(v)) for each problem in ``path``; then a note."""
    import torch

    torch.set_num_threads(os.cpu_count())
    with open(path) as fh:
        plan = json.load(fh)
    out = []
    for name, size, dtype, reps in plan:
        Y, C, x, v = problem(tuple(size), np.dtype(dtype), np.random.default_rng(1))
        valGrad = torchValGrad(torch, Y, C, size[2])
        _, dE, H = singleLayerNNObjFun(x, Y, C, size[2])
        Ht, Hv = torchGaussNewton(torch, Y, C, x, size[2]), H(v)
        out.append((bestTime(lambda valGrad=valGrad, x=x: valGrad(x), 2 * reps),
                    float(np.linalg.norm(valGrad(x)[1] - dE) / np.linalg.norm(dE)),
                    bestTime(lambda Ht=Ht, v=v: Ht(v), 2 * reps),
                    float(np.linalg.norm(Ht(v) - Hv) / np.linalg.norm(Hv))))
        print(f"{name:>11} {dtype:>7}: torch {1e3 * out[-1][0]:9.3f} ms, H(v) {1e3 * out[-1][2]:9.3f} ms", flush=True)
    out.append(f"PyTorch {torch.__version__} ({torch.backends.cpu.get_cpu_capability()}), "
               f"{torch.get_num_threads()} threads, in a process of its own")
    with open(path, "w") as fh:
        json.dump(out, fh)


def measureEmulated(args):
    """measureClass in a subprocess that runs as the AVX2-only class (X86_V3), or None with why."""
    if not machineClass()["avx512"]:
        return None, "this machine is already AVX2-only: no emulation needed"
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "x86v3.json")
        command = [sys.executable, __file__, "--measure-only", out, "--sizes", ",".join(args.sizesUsed)]
        command += ["--quick"] * args.quick + ["--no-torch"] * args.no_torch + ["--no-octave"]
        result = subprocess.run(command, env=emulationEnv(), cwd=ROOT, text=True, capture_output=True)
        print(result.stdout, end="")
        if result.returncode != 0:
            return None, f"the emulated run failed: {result.stderr[-500:]}"
        with open(out) as fh:
            return json.load(fh), ""


# ---------------------------------------------------------------- before and after the redesign
def beforeAfter(rev, sizes, quick):
    """Value + gradient and H(v) of the lecture files at ``rev`` and now, in subprocesses taking turns."""
    import beforeAfter as ba  # noqa: N813 (the module is named after what it measures)

    names = [s for s in sizes if s in ba.SIZES]
    with tempfile.TemporaryDirectory() as tmp:
        folders = {"before": os.path.join(tmp, "before"), "after": os.path.join(tmp, "after")}
        ba.extract(rev, folders["before"])
        ba.extract(".", folders["after"])
        best = {k: {s: [np.inf, np.inf] for s in names} for k in folders}
        for _ in range(1 if quick else 3):
            for key, folder in folders.items():
                out = subprocess.run([sys.executable, ba.__file__, "--worker", folder, "--sizes", ",".join(names),
                                      "--reps", "2" if quick else "5"], capture_output=True, text=True)
                if out.returncode != 0:
                    raise RuntimeError(f"timing the {key} version in {folder} failed:\n{out.stderr[-2000:]}")
                for s, times in json.loads(out.stdout.strip().splitlines()[-1]).items():
                    best[key][s] = list(np.minimum(best[key][s], times))
    return best


# ---------------------------------------------------------------- newtonCG against L-BFGS-B
def inverseCrime(seed):
    """The slides' test problem (n=500, nf=50, nc=10, m=40, btrue=0.1), seeded; returns fun, x0, Emin.

    The data as in exLearningTheWeights.py; x0 = 0.1 randn, drawn after the data from the same seed.
    """
    crime = learningTheWeights.inverseCrime(seed)
    Y, C, m = crime["Y"], crime["C"], crime["m"]
    x0 = 0.1 * crime["rng"].standard_normal(xLength(Y.shape[1], m, C.shape[1]))
    return (lambda x: singleLayerNNObjFun(x, Y, C, m)), x0, crime["Emin"]


class Recorder:
    """Wall time and work of each accepted iterate's ``E - Emin``; says stop at the last target or the cap.

    Work is counted as well as time: objective evaluations (value + gradient)
    and Gauss-Newton products H v, which a loaded machine does not change.
    """

    def __init__(self, Emin, cap):
        self.Emin, self.cap, self.t0 = Emin, cap, time.perf_counter()
        self.curve, self.hits, self.work = [], {}, {}
        self.evaluations = self.products = 0

    def counted(self, fun):
        """``fun`` counting its calls and the products of the H it returns."""
        def funCounted(x):
            self.evaluations += 1
            f, g, H = fun(x)

            def Hcounted(v):
                self.products += 1
                return H(v)
            return f, g, Hcounted
        return funCounted

    def __call__(self, f):
        t, gap = time.perf_counter() - self.t0, f - self.Emin
        self.curve.append((t, gap))
        for target in TARGETS:
            if gap <= target and target not in self.hits:
                self.hits[target], self.work[target] = t, (self.evaluations, self.products)
        return min(TARGETS) in self.hits or t > self.cap


def runNewtonCG(fun, x0, Emin, cap, param):
    last, rec = {}, Recorder(Emin, cap)
    fun = rec.counted(fun)

    def funRecorded(x):
        out = fun(x)
        last["f"] = out[0]  # newtonCG's callback follows the evaluation of the accepted iterate
        return out

    x, his, _ = newtonCG(funRecorded, x0, {"maxIter": 10**6, "verbose": 0, "storeIterates": False,
                                           "callback": lambda x: rec(last["f"]), **param})
    rec.his = his
    return rec


def runLBFGSB(fun, x0, Emin, cap):
    from scipy.optimize import minimize

    rec = Recorder(Emin, cap)
    fun = rec.counted(fun)

    def callback(intermediate_result):
        if rec(intermediate_result.fun):
            raise StopIteration

    minimize(lambda x: fun(x)[:2], x0, jac=True, method="L-BFGS-B", callback=callback,
             options={"maxiter": 10**6})
    return rec


def benchOptimisers(seeds, cap, threads=None):
    """Each method on the inverse crime of each seed; ``threads`` limits BLAS's threads (threadpoolctl)."""
    from threadpoolctl import threadpool_limits

    results = {}
    for seed in seeds:
        fun, x0, Emin = inverseCrime(seed)
        runs = {name: (lambda p=p, fun=fun, x0=x0, Emin=Emin: runNewtonCG(fun, x0, Emin, cap, p))
                for name, p in METHODS.items()}
        runs["scipy L-BFGS-B"] = lambda fun=fun, x0=x0, Emin=Emin: runLBFGSB(fun, x0, Emin, cap)
        for name, run in runs.items():
            with threadpool_limits(threads, user_api="blas"):
                rec = run()
            results[(seed, name)] = dict(hits={str(t): rec.hits.get(t) for t in TARGETS}, iterations=len(rec.curve),
                                         final=rec.curve[-1][1], curve=rec.curve,
                                         work={str(t): rec.work.get(t) for t in TARGETS}, trace=trace(rec, Emin))
            print(f"seed {seed} {name:>62} (BLAS threads {threads or 'default'}): " + ", ".join(
                f"<= {t:g} after {rec.hits[t]:.3f} s" if t in rec.hits else f"<= {t:g} not in {cap:g} s"
                for t in TARGETS) + f" ({len(rec.curve)} iterations)", flush=True)
    return results


def trace(rec, Emin):
    """newtonCG's iterations as (E - Emin, step mu, line-search trials, CG iterations, CG relative residual)."""
    his = getattr(rec, "his", None)
    if his is None:
        return None
    return [(float(his["obj"][k] - Emin), float(his["mu"][k]), int(his["lsIter"][k]), int(his["cgIter"][k]),
             float(his["cgRelRes"][k])) for k in range(1, len(his["obj"]))]


# ---------------------------------------------------------------- report
def ratio(a, b):
    return a / b if a and b else float("nan")


def fmtMs(t):
    return "-" if t is None else (f"{1e3 * t:.3f}" if t < 0.1 else f"{1e3 * t:.1f}")


def classTable(title, measured):
    out = [f"### {title}", "", "```", measured["describe"], "```", ""] + [f"- {n}" for n in measured["notes"]]
    out += ["", "| size (n, nf, m, nc) | dtype | value+grad | floor | ratio | H(v) | H floor | ratio "
            "| PyTorch | ours/PyTorch | PyTorch H(v) | ours/PyTorch H(v) | Octave (course) | ours/Octave |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in measured["rows"]:
        out.append(f"| {r['name']} {tuple(r['size'])} | {r['dtype']} | {fmtMs(r['valGrad'])} | "
                   f"{fmtMs(r['floorGradSum'])} | {ratio(r['valGrad'], r['floorGradSum']):.2f} | "
                   f"{fmtMs(r['H'])} | {fmtMs(r['floorHSum'])} | {ratio(r['H'], r['floorHSum']):.2f} | "
                   f"{fmtMs(r['torch'])} | {ratio(r['valGrad'], r['torch']):.2f} | "
                   f"{fmtMs(r.get('torchH'))} | {ratio(r['H'], r.get('torchH')):.2f} | "
                   f"{fmtMs(r['octave'])} | {ratio(r['valGrad'], r['octave']):.2f} |")
    checks = [f"{r['name']} {r['dtype']}: |grad_torch - grad_ours|/|grad_ours| = {r['torchRelDiff']:.1e}"
              for r in measured["rows"] if r.get("torchRelDiff") is not None]
    checks += [f"{r['name']} {r['dtype']}: |Hv_torch - Hv_ours|/|Hv_ours| = {r['torchHRelDiff']:.1e}"
               for r in measured["rows"] if r.get("torchHRelDiff") is not None]
    checks += [f"{r['name']}: |E_course - E_ours|/|E_ours| = {r['octaveRelDiff']:.1e}"
               for r in measured["rows"] if r.get("octaveRelDiff") is not None]
    out += ["", "Same numbers: " + "; ".join(checks) + "." if checks else "", "",
            "Kernel floor, per kernel (ms), value + gradient | H(v):", ""]
    rows = measured["rows"]
    for key in ("floorGrad", "floorH"):
        names = list(rows[0][key])
        out += ["| size | dtype | " + " | ".join(f"`{k}`" for k in names) + " |", "|---|---|" + "---:|" * len(names)]
        out += [f"| {r['name']} | {r['dtype']} | " + " | ".join(fmtMs(r[key][k]) for k in names) + " |" for r in rows]
        out.append("")
    return out


def report(args, classes, before, optim, loads, elapsed, gains=None):
    out = ["# Benchmark: singleLayerNNObjFun, its Gauss-Newton H and newtonCG", "",
           f"Command: `{' '.join(args.command)}` ({elapsed:.0f} s, {datetime.date.today().isoformat()}); "
           f"load average (1 min) {loads[0]:.2f} at the start, {loads[1]:.2f} at the end (which counts this "
           "benchmark's own threads). Times in ms, best of several; the floor is the essential kernels "
           "of the call, each timed alone in the same run.", "",
           "## Value + gradient and H(v), per machine class", ""]
    for title, measured in classes.items():
        out += classTable(title, measured) if measured else [f"### {title}", "", "not measured", ""]
    kept = sorted(f for f in os.listdir(os.path.join(ROOT, "bench")) if f.startswith("results-") and f.endswith(".md"))
    if kept:
        out += ["### Other machine classes, measured elsewhere", "",
                "Kept from runs on machines of another class (each file says which, when and how): "
                + ", ".join(f"[`bench/{f}`]({f})" for f in kept) + ".", ""]
    if gains:
        from fastOpsGain import gainTables
        out += ["## What each helper of support/fastOps.py gains (this machine as it is)", "",
                "Value + gradient and H(v) with every helper, with none, and with each one replaced by numpy's "
                "plain call (`python bench/fastOpsGain.py` alone; float64, ms, the variants taking turns in this "
                "run). Ratio with / without: below 1 the helper pays. Where the time goes line by line: "
                "`python bench/breakdown.py` (bench/breakdown.md); the thread choice on every script: "
                "`python bench/threadTrap.py` (bench/threadTrap.md).", ""] + gainTables(gains)
    if before:
        out += ["## Before and after the slide-first redesign (this machine as it is)", "",
                f"The lecture files at `{args.before}` (before) and now (after), each timed in a subprocess of its "
                "own, taking turns; float64, ms. The redesign keeps no speed trick: the functions are the slides' "
                "formulas (no in-place tricks, no fused passes, no skipped checks), so there is no trick whose "
                "gain to report; the table shows what giving them all up costs.", "",
                "| size | floor | before | after | before/floor | after/floor | H floor | H before | H after "
                "| before/floor | after/floor |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        floors = {r["name"]: r for r in classes["this machine"]["rows"] if r["dtype"] == "float64"}
        for s, (bv, bh) in before["before"].items():
            (av, ah), f = before["after"][s], floors[s]
            out.append(f"| {s} | {fmtMs(f['floorGradSum'])} | {fmtMs(bv)} | {fmtMs(av)} | "
                       f"{ratio(bv, f['floorGradSum']):.2f} | {ratio(av, f['floorGradSum']):.2f} | "
                       f"{fmtMs(f['floorHSum'])} | {fmtMs(bh)} | {fmtMs(ah)} | {ratio(bh, f['floorHSum']):.2f} | "
                       f"{ratio(ah, f['floorHSum']):.2f} |")
        out.append("")
    if optim:
        slide = [r for m in classes.values() if m for r in m["rows"] if r["name"] == "slide"]
        productCost = ratio(slide[0]["H"], slide[0]["valGrad"]) if slide else 0.7
        out += optimTables(args, optim, productCost)
    out += targets(classes, before, optim)
    return "\n".join(out) + "\n"


def fmtWork(work):
    return "-" if not work else f"{work[0]} + {work[1]} Hv"


def optimTables(args, optim, productCost):
    out = ["## newtonCG against L-BFGS-B on the slides' inverse crime (n=500, nf=50, nc=10, m=40)", "",
           f"Seeds {', '.join(map(str, args.seeds))}; wall time (s) until the first iterate with E - Emin <= "
           f"the target (a callback records it), and the work done until then: objective evaluations (value + "
           f"gradient) + Gauss-Newton products H v, which a loaded machine does not change. Each run stops at "
           f"the last target or after {args.cap:g} s.", "",
           "| BLAS threads | seed | method | " + " | ".join(f"E-Emin <= {t:g}" for t in TARGETS)
           + " | " + " | ".join(f"work to {t:g}" for t in TARGETS) + " | iterations | final E-Emin |",
           "|---|---|---|" + "---:|" * (2 * len(TARGETS) + 2)]
    for threads, runs in optim.items():
        for (seed, name), r in runs.items():
            out.append(f"| {threads} | {seed} | {name} | " + " | ".join(
                f"{r['hits'][str(t)]:.3f}" if r["hits"][str(t)] else f"> {args.cap:g}" for t in TARGETS)
                + " | " + " | ".join(fmtWork(r["work"][str(t)]) for t in TARGETS)
                + f" | {r['iterations']} | {r['final']:.2e} |")
    out += [""] + fairFooting(optim) + whereNewtonSpends(optim, productCost)
    return out


def bestSetting(runs, name, seeds):
    """The BLAS thread setting at which ``name`` reaches the last target soonest (median over the seeds)."""
    def median(threads):
        hits = [runs[threads][(seed, name)]["hits"][str(min(TARGETS))] for seed in seeds]
        return np.median([h if h else np.inf for h in hits])
    return min(runs, key=median)


def fairFooting(optim):
    """Each method at its own best BLAS thread setting, seed by seed: time and work to each target."""
    seeds = sorted({seed for seed, _ in next(iter(optim.values()))})
    names = [*METHODS, "scipy L-BFGS-B"][1:]            # our best option and L-BFGS-B
    best = {name: bestSetting(optim, name, seeds) for name in names}
    newton, lbfgsb = names
    out = ["### Each at its best BLAS thread setting", "",
           "The setting (default threads or one) at which each method reaches E - Emin <= "
           f"{min(TARGETS):g} soonest, median over the seeds: " + "; ".join(f"{n}: {best[n]}" for n in names)
           + ". Time (s) and work (evaluations + H v products) to each target; ratio = Newton-CG / L-BFGS-B.", "",
           "| seed | " + " | ".join(f"Newton-CG to {t:g} | L-BFGS-B to {t:g} | ratio" for t in TARGETS)
           + " | " + " | ".join(f"work to {t:g}, Newton-CG | L-BFGS-B" for t in TARGETS) + " |",
           "|---|" + "---:|---:|---:|" * len(TARGETS) + "---:|---:|" * len(TARGETS)]
    ratios = {t: [] for t in TARGETS}
    for seed in seeds:
        a, b = optim[best[newton]][(seed, newton)], optim[best[lbfgsb]][(seed, lbfgsb)]
        cells = []
        for t in TARGETS:
            ta, tb = a["hits"][str(t)], b["hits"][str(t)]
            r = ta / tb if ta and tb else (0.0 if ta else np.inf)
            ratios[t].append(r)
            cells += [f"{ta:.3f}" if ta else "-", f"{tb:.3f}" if tb else "-", f"{r:.2f}"]
        cells += [f"{fmtWork(a['work'][str(t)])} | {fmtWork(b['work'][str(t)])}" for t in TARGETS]
        out.append(f"| {seed} | " + " | ".join(cells) + " |")
    out += ["", "Newton-CG's time over L-BFGS-B's, each at its best setting: " + "; ".join(
        f"to {t:g} median {np.median(ratios[t]):.2f} (range {min(ratios[t]):.2f}-{max(ratios[t]):.2f}), "
        f"ahead on {sum(r < 1 for r in ratios[t])} of {len(seeds)} seeds" for t in TARGETS) + ".", ""]
    return out


def whereNewtonSpends(optim, productCost):
    """What newtonCG's best option spends its work on, against L-BFGS-B, from the runs above."""
    runs = optim.get("1") or next(iter(optim.values()))
    best, seeds = list(METHODS)[-1], sorted({seed for seed, _ in runs})

    def cost(work):     # evaluation-equivalents: an H v costs productCost evaluations (measured above)
        return np.inf if not work else work[0] + productCost * work[1]

    out = ["### Where Newton-CG's work goes, against L-BFGS-B's", "",
           f"Work in evaluation-equivalents (an evaluation of value + gradient = 1; an H v = {productCost:.2f}, "
           "the ratio of their times at this size measured above), median over the seeds, and what "
           f"`{best}` does in each phase (its iterations whose start lies in the phase):", "",
           "| phase (E - Emin) | L-BFGS-B work | Newton-CG work | Newton / L-BFGS-B | Newton iterations (all seeds) "
           "| mean step mu | first trial rejected | mean CG iterations | CG stopped at maxIterCG | "
           "mean CG rel. residual |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    edges = (np.inf, *TARGETS)

    def phaseCost(name, seed, hi, lo):   # the work from reaching hi to reaching lo
        work = runs[(seed, name)]["work"]
        return cost(work[str(lo)]) - (0 if hi == np.inf else cost(work[str(hi)]))

    for hi, lo in zip(edges[:-1], edges[1:]):
        lbfgs = np.median([phaseCost("scipy L-BFGS-B", s, hi, lo) for s in seeds])
        newton = np.median([phaseCost(best, s, hi, lo) for s in seeds])
        steps = [it for s in seeds for prev, it in zip([(np.inf,)] + runs[(s, best)]["trace"][:-1],
                                                         runs[(s, best)]["trace"]) if lo < prev[0] <= hi]
        if not steps:
            continue
        steps = np.array(steps)
        out.append(f"| {'start' if hi == np.inf else f'{hi:g}'} to {lo:g} | {lbfgs:.0f} | {newton:.0f} | "
                   f"{newton / lbfgs:.2f} | {len(steps)} | {steps[:, 1].mean():.2f} | "
                   f"{np.mean(steps[:, 2] > 1):.0%} | {steps[:, 3].mean():.0f} | "
                   f"{np.mean(steps[:, 3] >= BEST['maxIterCG']):.0%} | {steps[:, 4].mean():.2f} |")
    out += ["", "A Newton step costs one evaluation per line-search trial plus one H v per CG iteration; it buys "
            "curvature that L-BFGS-B estimates for free from the gradients it computes anyway. The columns "
            "show where the work goes: how far the line search cuts the Gauss-Newton step (mu; the "
            "second-order term of tanh, which Gauss-Newton drops, is not small away from the minimiser), and "
            "how many products CG spends per step. Capping CG at 20 products halves the work of the cap of "
            "100 (the forcing term sqrt(|g_k|/|g_0|) stays near 0.2 to 0.5 because the gradient shrinks "
            "slowly, and CG's late products buy little); variants that attack the line search and the "
            "damping (mu reset to 1 with Armijo's condition; Levenberg-Marquardt) do not do better "
            "(`python bench/newtonVariants.py`, bench/newtonVariants.md). With the work about equal to "
            "L-BFGS-B's, the time ratio is decided by the cost per evaluation: 0.3x L-BFGS-B's time to 1e-2 "
            "holds where L-BFGS-B's many small BLAS calls pay for a second thread, not with one thread.", ""]
    return out


def targets(classes, before, optim):
    """The issues' targets, each with its measured figure."""
    lines = ["## Targets", "", "| target | measured | met |", "|---|---|---|"]

    def add(what, value, ok):
        lines.append(f"| {what} | {value} | {'yes' if ok else 'NO'} |")

    for title, measured in classes.items():
        for r in (measured or {}).get("rows", []):
            if r["name"] in MNIST and r["dtype"] == "float64":
                g, h = ratio(r["valGrad"], r["floorGradSum"]), ratio(r["H"], r["floorHSum"])
                add(f"{title}: value+grad <= 1.3x floor, {r['name']}", f"{g:.2f}x", g <= 1.3)
                add(f"{title}: H(v) <= 1.3x floor, {r['name']}", f"{h:.2f}x", h <= 1.3)
            if r["name"] in ("n50k", *MNIST) and r["torch"]:
                t = ratio(r["valGrad"], r["torch"])
                add(f"{title}: value+grad at most PyTorch's time, {r['name']} {r['dtype']}", f"{t:.2f}x", t <= 1.0)
            if r["name"] in ("n50k", *MNIST) and r.get("torchH"):
                t = ratio(r["H"], r["torchH"])
                add(f"{title}: H(v) at most PyTorch's time, {r['name']} {r['dtype']}", f"{t:.2f}x", t <= 1.0)
    for threads, runs in (optim or {}).items():
        seeds = sorted({seed for seed, _ in runs})
        best = METHODS and list(METHODS)[-1]
        for target, limit in ((3e-3, 1.0), (1e-2, 0.3)):
            ratios = []
            for seed in seeds:
                a, b = runs[(seed, best)]["hits"][str(target)], runs[(seed, "scipy L-BFGS-B")]["hits"][str(target)]
                ratios.append(a / b if a and b else (0.0 if a else np.inf))
            worst = max(ratios)
            add(f"{best}: E-Emin <= {target:g} in <= {limit}x L-BFGS-B's time, every seed (BLAS threads {threads})",
                "worst " + (f"{worst:.2f}x" if np.isfinite(worst) else "not reached") + " (" +
                ", ".join(f"{r:.2f}" if np.isfinite(r) else "-" for r in ratios) + ")", worst <= limit)
    return lines + [""]


def plot(classes, optim, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8))
    ax = axes[0]
    labels, series = [], {"value+grad / floor": [], "H(v) / floor": [], "value+grad / PyTorch": []}
    for title, measured in classes.items():
        for r in (measured or {}).get("rows", []):
            labels.append(f"{r['name']}\n{r['dtype']}\n{'AVX2' if 'AVX2' in title else 'native'}")
            series["value+grad / floor"].append(ratio(r["valGrad"], r["floorGradSum"]))
            series["H(v) / floor"].append(ratio(r["H"], r["floorHSum"]))
            series["value+grad / PyTorch"].append(ratio(r["valGrad"], r["torch"]))
    width = 0.8 / len(series)
    for i, (label, values) in enumerate(series.items()):
        ax.bar(np.arange(len(labels)) + (i - 1) * width, np.nan_to_num(values), width, label=label)
    ax.axhline(1.3, color="k", ls="--", lw=1, label="1.3x the floor")
    ax.axhline(1.0, color="gray", ls=":", lw=1, label="PyTorch's time")
    ax.set_xticks(np.arange(len(labels)), labels, fontsize=7)
    ax.set_ylabel("time ratio (lower is better)")
    ax.set_title("singleLayerNNObjFun: ratios of the same run")
    top = max([v for values in series.values() for v in values if np.isfinite(v)] + [1.3])
    ax.set_ylim(0, 1.35 * top)                               # room above the bars for the legend
    ax.legend(fontsize=8, loc="upper center", ncol=3)
    ax = axes[1]
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for (seed, name), r in (optim or {}).get("default", {}).items():
        t, gap = np.array(r["curve"]).T
        colour = colours[list(METHODS).index(name) if name in METHODS else len(METHODS)]
        ax.loglog(t, gap, color=colour, lw=1, label=name if seed == min(s for s, _ in optim["default"]) else None)
    for target in TARGETS:
        ax.axhline(target, color="k", ls=":", lw=1)
    ax.set_xlabel("wall time [s]")
    ax.set_ylabel("E - Emin (distance to the global minimum)")
    ax.set_title("inverse crime, every seed: E - Emin against time")
    if optim:
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2)   # below: no curve hidden
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and short runs (smoke run)")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "results.md"),
                        help="markdown output; the plot goes beside it with .png")
    parser.add_argument("--sizes", default=None, help=f"comma-separated names among {sorted(SIZES)} (default all)")
    parser.add_argument("--classes", default="native,x86v3",
                        help="machine classes: native (this machine), x86v3 (emulated AVX2-only); default both")
    parser.add_argument("--before", default=BEFORE, help=f"git revision for 'before the redesign' (default {BEFORE}; "
                                                         "'none' skips it)")
    parser.add_argument("--seeds", default="0,1,2,3,4", help="seeds of the inverse crime (default 0,1,2,3,4)")
    parser.add_argument("--cap", type=float, default=None, help="time cap (s) of each optimiser run")
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch column")
    parser.add_argument("--no-octave", action="store_true", help="skip the Octave column")
    parser.add_argument("--no-optim", action="store_true", help="skip newtonCG against L-BFGS-B")
    parser.add_argument("--no-gains", action="store_true", help="skip each fastOps helper with and without")
    parser.add_argument("--measure-only", default=None, help=argparse.SUPPRESS)   # the emulated subprocess
    parser.add_argument("--torch-only", default=None, help=argparse.SUPPRESS)     # PyTorch's subprocess
    args = parser.parse_args(argv)
    args.command = ["python", "bench/bench.py"] + list(sys.argv[1:] if argv is None else argv)
    sizes = QUICK_SIZES if args.quick else SIZES
    if args.sizes:
        unknown = set(args.sizes.split(",")) - set(SIZES) - set(QUICK_SIZES)
        if unknown:
            parser.error(f"unknown sizes {sorted(unknown)}; known: {sorted(SIZES)}")
        sizes = {k: {**SIZES, **QUICK_SIZES}[k] for k in args.sizes.split(",")}
    args.sizesUsed = list(sizes)
    args.seeds = [int(s) for s in args.seeds.split(",")][:1 if args.quick else None]
    args.cap = args.cap if args.cap is not None else (1.0 if args.quick else 20.0)
    if args.torch_only:
        return measureTorch(args.torch_only)
    if args.measure_only:
        with open(args.measure_only, "w") as fh:
            json.dump(measureClass(sizes, args.quick, not args.no_torch, not args.no_octave), fh)
        return 0

    loads, t0 = [os.getloadavg()[0]], time.perf_counter()
    classes = {}
    wanted = args.classes.split(",")
    if "native" in wanted:
        classes["this machine"] = measureClass(sizes, args.quick, not args.no_torch, not args.no_octave)
    if "x86v3" in wanted:
        emulated, why = measureEmulated(args)
        if emulated is None:
            print(f"X86_V3 class not measured: {why}")
        classes["AVX2-only class (X86_V3), emulated on this machine"] = emulated
    gains = None
    if not args.no_gains and "this machine" in classes:
        from fastOpsGain import measureGains
        gains = measureGains(sizes, 2 if args.quick else 3)
    before = None
    if args.before != "none" and "this machine" in classes:
        before = beforeAfter(args.before, sizes, args.quick)
    optim = None
    if not args.no_optim:
        optim = {"default": benchOptimisers(args.seeds, args.cap), "1": benchOptimisers(args.seeds, args.cap, 1)}
    loads.append(os.getloadavg()[0])
    text = report(args, classes, before, optim, loads, time.perf_counter() - t0, gains)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as fh:
        fh.write(text)
    plot(classes, optim, os.path.splitext(args.out)[0] + ".png")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
