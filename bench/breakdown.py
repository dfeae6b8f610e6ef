"""Where each millisecond of singleLayerNNObjFun goes: each formula line against its kernel alone, per size.

    python bench/breakdown.py                  # writes bench/breakdown.md
    python bench/breakdown.py --sizes slide,n50k --reps 5 --out /tmp/b.md

For value + gradient and for one Gauss-Newton product H(v), the lines of ``singleLayer``,
``tanhActivation``, ``crossEntropy`` and ``singleLayerNNObjFun`` are run here one by one, as the
files write them (same helpers, same order, same thread setting: ``support/fastOps.py``'s choice
by problem size), and each is timed alone (best of ``--reps`` batches, ms), beside the kernel it
cannot do without (the matrix product or the one elementwise pass, timed alone on the same data).
The run checks that these lines give the objective's value, gradient and H(v) (to 1e-12), so the
table describes the code as it is. The sum of the lines is compared with the whole call.
"""

import argparse
import contextlib
import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.append(os.path.join(ROOT, "bench"))

from machineClass import describe  # noqa: E402

from bench import SIZES, bestTime, problem  # noqa: E402
from singleLayerNNObjFun import singleLayerNNObjFun, splitX  # noqa: E402
from support.fastOps import SMALL_WORK, byColumns, firstRowMax, oneBlasThread, rowSum, tanh  # noqa: E402
from support.vecmat import vec  # noqa: E402


def valueGradientLines(Y, C, x, m):
    """The lines of value + gradient as (file, line, run it, its kernel alone); ``s`` holds the results."""
    (n, nf), nc = Y.shape, C.shape[1]
    s = {}
    work = np.empty((n, m))
    workS = np.empty((n, nc))

    def put(key, f):
        def run():
            s[key] = f()
        return run

    def dES():
        d = (s["P"] * s["c"] - C) / n
        d[s["isMax"]] = -rowSum(d, where=~s["isMax"])
        return d

    lines = [
        ("singleLayerNNObjFun", "K, b, W = splitX(x)", put("KbW", lambda: splitX(x, nf, m, nc)), None),
        ("singleLayer", "Y @ K + b", put("YK", lambda: Y @ s["KbW"][0] + s["KbW"][1]),
         lambda: Y @ s["KbW"][0]),
        ("tanhActivation", "A = tanh(Y)", put("Z", lambda: tanh(s["YK"])),
         lambda: np.tanh(s["YK"], out=work)),
        ("tanhActivation", "dA = 1 - A**2", put("dA", lambda: 1 - s["Z"] ** 2),
         lambda: np.multiply(s["Z"], s["Z"], out=work)),
        ("singleLayerNNObjFun", "S = Z @ W", put("S0", lambda: s["Z"] @ s["KbW"][2]),
         lambda: s["Z"] @ s["KbW"][2]),
        ("crossEntropy", "S = byColumns(S)", put("SF", lambda: byColumns(s["S0"])), None),
        ("crossEntropy", "S = S - S.max(axis=1, keepdims=True)",
         put("S", lambda: s["SF"] - s["SF"].max(axis=1, keepdims=True)), None),
        ("crossEntropy", "isMax = firstRowMax(S)", put("isMax", lambda: firstRowMax(s["S"])), None),
        ("crossEntropy", "expS = np.exp(S)", put("expS", lambda: np.exp(s["S"])),
         lambda: np.exp(s["S"], out=workS)),
        ("crossEntropy", "logSumExp = np.log1p(rowSum(expS, where=~isMax))",
         put("lse", lambda: np.log1p(rowSum(s["expS"], where=~s["isMax"], keepdims=True))), None),
        ("crossEntropy", "logP = S - logSumExp", put("logP", lambda: s["S"] - s["lse"]), None),
        ("crossEntropy", "E = -np.sum(C * logP) / n", put("E", lambda: -np.sum(C * s["logP"]) / n), None),
        ("crossEntropy", "P = expS / np.exp(logSumExp)", put("P", lambda: s["expS"] / np.exp(s["lse"])), None),
        ("crossEntropy", "c = rowSum(C)", put("c", lambda: rowSum(C, keepdims=True)), None),
        ("crossEntropy", "dES = (P * c - C) / n; dES[isMax] = -rowSum(dES, where=~isMax)", put("dES", dES), None),
        ("singleLayerNNObjFun", "1. dEZ = dES @ WZ.T", put("dEZ", lambda: s["dES"] @ s["KbW"][2].T),
         lambda: s["dES"] @ s["KbW"][2].T),
        ("singleLayer", "2. JKt: Y.T @ (dA * U)", put("dEK", lambda: Y.T @ (s["dA"] * s["dEZ"])),
         lambda: Y.T @ s["dEZ"]),
        ("singleLayer", "3. Jbt: np.vdot(dA, U)", put("dEb", lambda: np.vdot(s["dA"], s["dEZ"])),
         lambda: np.multiply(s["dA"], s["dEZ"], out=work)),
        ("singleLayerNNObjFun", "4. dEW = Z.T @ dES", put("dEW", lambda: s["Z"].T @ s["dES"]),
         lambda: s["Z"].T @ s["dES"]),
        ("singleLayerNNObjFun", "dE = np.concatenate(...)",
         put("dE", lambda: np.concatenate([vec(s["dEK"]), [s["dEb"]], vec(s["dEW"])])), None),
    ]
    return lines, s


def hessianLines(Y, C, x, v, m, s):
    """The lines of H(v) (the full Gauss-Newton product), after ``valueGradientLines`` filled ``s``."""
    (n, nf), nc = Y.shape, C.shape[1]
    h = {}
    work = np.empty((n, m))
    K, b, W = s["KbW"]
    dA, Z, P, c, isMax = s["dA"], s["Z"], s["P"], s["c"], s["isMax"]

    def put(key, f):
        def run():
            h[key] = f()
        return run

    lines = [
        ("singleLayerNNObjFun", "vK, vb, vW = splitX(v)", put("v", lambda: splitX(v, nf, m, nc)), None),
        ("singleLayer", "JK(vK) = dA * (Y @ vK)", put("JK", lambda: dA * (Y @ h["v"][0])), lambda: Y @ h["v"][0]),
        ("singleLayer", "Jb(vb) = dA * vb", put("Jb", lambda: dA * h["v"][1]),
         lambda: np.multiply(dA, h["v"][1], out=work)),
        ("singleLayerNNObjFun", "(JK + Jb) @ WZ + Z @ vW", put("Jv", lambda: (h["JK"] + h["Jb"]) @ W + Z @ h["v"][2]),
         lambda: Z @ h["v"][2]),
        ("crossEntropy", "d2ES: V = V - rowSum(V, where=isMax)",
         put("V", lambda: h["Jv"] - rowSum(h["Jv"], where=isMax, keepdims=True)), None),
        ("crossEntropy", "d2ES: PV = P * V", put("PV", lambda: P * h["V"]), None),
        ("crossEntropy", "d2ES: c / n * (PV - P * rowSum(PV))",
         put("U", lambda: c / n * (h["PV"] - P * rowSum(h["PV"], keepdims=True))), lambda: P * h["PV"]),
        ("singleLayerNNObjFun", "dZ = U @ WZ.T", put("dZ", lambda: h["U"] @ W.T), lambda: h["U"] @ W.T),
        ("singleLayer", "JKt(dZ) = Y.T @ (dA * dZ)", put("HK", lambda: Y.T @ (dA * h["dZ"])), lambda: Y.T @ h["dZ"]),
        ("singleLayer", "Jbt(dZ) = np.vdot(dA, dZ)", put("Hb", lambda: np.vdot(dA, h["dZ"])),
         lambda: np.multiply(dA, h["dZ"], out=work)),
        ("singleLayerNNObjFun", "Z.T @ U", put("HW", lambda: Z.T @ h["U"]), lambda: Z.T @ h["U"]),
        ("singleLayerNNObjFun", "Hv = np.concatenate(...)",
         put("Hv", lambda: np.concatenate([vec(h["HK"]), [h["Hb"]], vec(h["HW"])])), None),
    ]
    return lines, h


def measure(size, reps):
    Y, C, x, v = problem(SIZES[size], np.float64, np.random.default_rng(1))
    n, nf, m, nc = SIZES[size]
    small = n * x.size < SMALL_WORK                   # the objective's own thread choice
    with oneBlasThread() if small else contextlib.nullcontext():
        Ec, dE, H = singleLayerNNObjFun.__wrapped__(x, Y, C, m)
        Hv = H(v)
        whole = (bestTime(lambda: singleLayerNNObjFun.__wrapped__(x, Y, C, m), reps),
                 bestTime(lambda: H(v), reps))
        vg, s = valueGradientLines(Y, C, x, m)
        for _, _, run, _ in vg:
            run()
        hl, h = hessianLines(Y, C, x, v, m, s)
        for _, _, run, _ in hl:
            run()
        assert abs(s["E"] - Ec) <= 1e-12 * abs(Ec) and np.linalg.norm(s["dE"] - dE) <= 1e-12 * np.linalg.norm(dE)
        assert np.linalg.norm(h["Hv"] - Hv) <= 1e-12 * np.linalg.norm(Hv)
        tables = []
        for lines in (vg, hl):
            tables.append([(f, text, bestTime(run, reps), bestTime(kernel, reps) if kernel else None)
                           for f, text, run, kernel in lines])
    return dict(whole=whole, tables=tables, threads="1 (small problem)" if small else "default")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(SIZES))
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "breakdown.md"))
    args = parser.parse_args(argv)
    load0, t0 = os.getloadavg()[0], time.perf_counter()
    results = {}
    for size in args.sizes.split(","):
        results[size] = measure(size, args.reps)
        print(size, "done", flush=True)
    out = ["# Where the time of singleLayerNNObjFun goes, line by line", "",
           f"`python bench/breakdown.py {' '.join(argv if argv is not None else sys.argv[1:])}`".replace(" `", "`"), "",
           f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {time.perf_counter() - t0:.0f} s; load average "
           f"(1 min) {load0:.2f} at the start, {os.getloadavg()[0]:.2f} at the end (a shared machine).", "",
           "```", *describe().splitlines(), "```", "",
           "float64, ms, best of several batches. *line*: the formula line as the file writes it, timed alone; "
           "*kernel*: what it cannot do without (its matrix product, or its one elementwise pass into a "
           "preallocated array), timed alone on the same data; *line / kernel*: what the line costs beyond "
           "it. `tanh` runs on all cores (support/fastOps.py), its kernel on one. The lines were checked to "
           "give the objective's value, gradient and H(v).", ""]
    for size, r in results.items():
        n, nf, m, nc = SIZES[size]
        out += [f"## {size} (n={n}, nf={nf}, m={m}, nc={nc}), BLAS threads: {r['threads']}", ""]
        for (what, whole), rows in zip((("value + gradient", r["whole"][0]), ("H(v)", r["whole"][1])), r["tables"]):
            total = sum(t for _, _, t, _ in rows)
            kernels = sum(k for _, _, _, k in rows if k)
            out += [f"### {what}: the whole call {1e3 * whole:.3f} ms; its lines {1e3 * total:.3f} ms; "
                    f"their kernels {1e3 * kernels:.3f} ms", "",
                    "| file | line | line (ms) | kernel (ms) | line / kernel | share of the lines |",
                    "|---|---|---:|---:|---:|---:|"]
            for f, text, t, k in rows:
                out.append(f"| {f} | `{text}` | {1e3 * t:.3f} | " + (f"{1e3 * k:.3f} | {t / k:.2f}" if k else "- | -")
                           + f" | {t / total:.0%} |")
            out.append("")
    with open(args.out, "w") as fh:
        fh.write("\n".join(out))
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
