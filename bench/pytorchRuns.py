"""Ours against PyTorch in several runs back to back, and their median: the figures the README quotes.

Run from the repository root (about 2-3 minutes on 2 cores; needs ``pip install torch==2.13.0``):

    python bench/pytorchRuns.py        # 3 runs; writes bench/pytorchRuns.md (pytorchRuns-avx512.md on that class)
    python bench/pytorchRuns.py --runs 5 --sizes n50k,mnist10k --out /tmp/runs.md

Each run is ``bench.py``'s measurement of this machine (``measureClass``: our value + gradient
and one ``H(v)``, each the best of several calls, and PyTorch float64 autograd on the same
problem in a process of its own). One run on a shared machine can be off by 20-30%, so the
figures quoted are the median of the runs' ratios ours / PyTorch. The file ends with the
speed target, per size and per machine class: value + gradient and ``H(v)`` in at most
PyTorch's time at n50k and the MNIST sizes (median over the runs).
"""

import argparse
import datetime
import os
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))

from machineClass import machineClass  # noqa: E402

import bench  # noqa: E402  (bench.py beside this file)

TARGET_SIZES = ("n50k", *bench.MNIST)     # where ours must take at most PyTorch's time


def onePass(Y, doDerivative=True):
    """Not an activation to train with: one cheap elementwise pass where ``np.tanh`` is, and
    sigma' as ``tanhActivation`` computes it, to time the objective without ``np.tanh``'s cost."""
    A = Y * 0.25
    return A, (1 - A**2 if doDerivative else None)


onePass.isCourseActivation = True   # called as the course's activations are: its outputs are not re-checked


def withoutTanh(sizes):
    """{size: best value + gradient time (s) with ``onePass`` in place of tanh}, float64, as measureClass."""
    out = {}
    for name, size in sizes.items():
        reps = 3 if np.prod(size[:3], dtype=float) > 1e9 else 7
        Y, C, x, _ = bench.problem(size, np.float64, np.random.default_rng(1))
        held = {}

        def ours(x=x, Y=Y, C=C, m=size[2], held=held):  # as in measureSize: the result replaces the last
            held["out"] = bench.singleLayerNNObjFun(x, Y, C, m, act=onePass)

        out[name] = bench.bestTime(ours, 2 * reps)
    return out


def byRow(runs, value):
    """{(size, dtype): [value(row) in each run]}, over the rows where ``value`` is not None."""
    out = {}
    for run in runs:
        for r in run["rows"]:
            v = value(r)
            if v is not None:
                out.setdefault((r["name"], r["dtype"]), []).append(v)
    return out


def fmtRange(values):
    if not values:
        return "-"
    lo, hi = bench.fmtMs(min(values)), bench.fmtMs(max(values))
    return lo if lo == hi else f"{lo}-{hi}"


def medianTable(runs):
    """The table of the median ratios (the one the README quotes) and the target verdicts, as lines."""
    grad = byRow(runs, lambda r: bench.ratio(r["valGrad"], r.get("torch")))
    hess = byRow(runs, lambda r: bench.ratio(r["H"], r.get("torchH")))
    noTanh = byRow(runs, lambda r: r.get("noTanh") and bench.ratio(r["noTanh"], r.get("torch")))
    ms = {k: byRow(runs, lambda r, k=k: r.get(k)) for k in ("valGrad", "torch", "H", "torchH")}
    lines = ["| size (n, nf, m, nc) | dtype | value+grad: ours / PyTorch, each run | median | "
             "H(v): ours / PyTorch, each run | median | ours value+grad (ms) | PyTorch (ms) | "
             "ours H(v) (ms) | PyTorch H(v) (ms) | value+grad without `np.tanh`: ours / PyTorch, median |",
             "|---|---|---|---:|---|---:|---:|---:|---:|---:|---:|"]
    verdicts = []
    for (name, dtype), g in grad.items():
        h = hess[(name, dtype)]
        size = tuple(bench.SIZES.get(name) or bench.QUICK_SIZES.get(name, ()))
        mg, mh = float(np.median(g)), float(np.median(h))
        lines.append(f"| {name} {size} | {dtype} | {', '.join(f'{r:.2f}' for r in g)} | {mg:.2f} | "
                     f"{', '.join(f'{r:.2f}' for r in h)} | {mh:.2f} | "
                     + " | ".join(fmtRange(ms[k].get((name, dtype), [])) for k in ("valGrad", "torch", "H", "torchH"))
                     + (f" | {np.median(noTanh[(name, dtype)]):.2f} |" if (name, dtype) in noTanh else " | - |"))
        if name in TARGET_SIZES and dtype == "float64":
            verdicts.append((f"{name}, value + gradient", mg))
            verdicts.append((f"{name}, H(v)", mh))
    return lines, verdicts


def report(runs, args, loads, elapsed, commit):
    info = machineClass()
    cls = "the AVX-512 class" if info["avx512"] else "the AVX2-only class, no AVX-512"
    table, verdicts = medianTable(runs)
    text = [f"# Ours against PyTorch: {len(runs)} runs back to back",
            "",
            f"Command: `{' '.join(args.command)}` ({elapsed:.0f} s, "
            f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit}); "
            f"load average (1 min) before each run and at the end: {', '.join(f'{x:.2f}' for x in loads)} "
            "(a shared machine; the benchmark's own threads count in it). Machine class: "
            f"**{cls}**.",
            "",
            "```", runs[0]["describe"], "```",
            "",
            "## Median over the runs",
            "",
            "Ours / PyTorch float64 in each run (each time the best of several calls), their median, and "
            "the range of the times over the runs. PyTorch's H(v) is its Gauss-Newton product from "
            "`torch.func` (linearize + vjp, set up once at x, as ours reuses sigma'). The last column "
            "times our value + gradient with one cheap elementwise pass (`Y * 0.25`) where `np.tanh` is "
            "(`onePass` in bench/pytorchRuns.py), against the same run's PyTorch: what the rest of the "
            "call costs, so what `np.tanh` alone costs on this class.",
            "",
            *table,
            "",
            f"## Target on this machine: {cls}",
            "",
            "Value + gradient and H(v) in at most PyTorch's time (median over the runs), float64:",
            "",
            "| size, call | median ours / PyTorch | met |",
            "|---|---:|---|",
            *(f"| {what} | {r:.2f} | {'yes' if r <= 1.0 else 'NO'} |" for what, r in verdicts),
            ""]
    for k, run in enumerate(runs, 1):
        text += [f"## Run {k}", ""] + bench.classTable("this machine", run)[6:] + [""]
    return "\n".join(text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs back to back (default 3)")
    parser.add_argument("--sizes", default=",".join(bench.SIZES),
                        help=f"comma-separated names among {sorted(bench.SIZES)} (default all)")
    parser.add_argument("--out", default=None, help="markdown output (default bench/pytorchRuns.md, or "
                                                    "bench/pytorchRuns-avx512.md on the AVX-512 class)")
    args = parser.parse_args(argv)
    args.command = ["python", "bench/pytorchRuns.py"] + list(sys.argv[1:] if argv is None else argv)
    unknown = set(args.sizes.split(",")) - set(bench.SIZES)
    if unknown:
        parser.error(f"--sizes: unknown {sorted(unknown)}; known: {sorted(bench.SIZES)}")
    if args.runs < 1:
        parser.error(f"--runs must be at least 1, got {args.runs}")
    if subprocess.run([sys.executable, "-c", "import torch"], capture_output=True).returncode != 0:
        print("pytorchRuns.py compares against PyTorch: install it first with "
              "`pip install torch==2.13.0` (pinned: an unpinned torch pulls a CUDA build)", file=sys.stderr)
        return 2
    sizes = {k: bench.SIZES[k] for k in args.sizes.split(",")}
    out = args.out or os.path.join(ROOT, "bench", "pytorchRuns-avx512.md" if machineClass()["avx512"]
                                   else "pytorchRuns.md")
    runs, loads, t0 = [], [], time.perf_counter()
    for k in range(args.runs):
        loads.append(os.getloadavg()[0])
        print(f"run {k + 1} of {args.runs}", flush=True)
        runs.append(bench.measureClass(sizes, quick=False, withTorch=True, withOctave=False))
        noTanh = withoutTanh(sizes)
        for r in runs[-1]["rows"]:
            if r["dtype"] == "float64":
                r["noTanh"] = noTanh[r["name"]]
    loads.append(os.getloadavg()[0])
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip() or "?"
    text = report(runs, args, loads, time.perf_counter() - t0, commit)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as fh:
        fh.write(text)
    print(text)
    print(f"\nwritten: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
