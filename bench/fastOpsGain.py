"""What each helper of support/fastOps.py gains: value + gradient and H(v) with it and without it, same run.

    python bench/fastOpsGain.py            # writes bench/fastOpsGain.md
    python bench/fastOpsGain.py --sizes slide --reps 5 --out /tmp/g.md
    python bench/fastOpsGain.py --paired blocksPerCore --sizes n50k,mnist10k   # pairs of calls, ABBA

"Without" puts numpy's plain call back in the lecture file's place (the helper's name in that
module is pointed at the plain call), one helper at a time, all helpers off, and all on; the
variants take turns, batch by batch, and each keeps its best batch (ms). A ratio below 1 means
the helper pays.
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

from bench import SIZES, problem  # noqa: E402
from singleLayerNNObjFun import singleLayerNNObjFun  # noqa: E402
from support import fastOps  # noqa: E402

# each helper and how to put numpy's plain call back in its place: (module, name, plain)
PLAIN = {
    "blasThreadsBySize": [(fastOps, "SMALL_WORK", 0)],
    "examplesInParallel": [(fastOps, "PARALLEL_WORK", np.inf)],
    "blocksPerCore": [(fastOps, "BLOCK_ENTRIES", np.inf)],      # without: one block per core
}


@contextlib.contextmanager
def without(names):
    saved = [(module, name, getattr(module, name)) for key in names for module, name, _ in PLAIN[key]]
    for key in names:
        for module, name, plain in PLAIN[key]:
            setattr(module, name, plain)
    try:
        yield
    finally:
        for module, name, value in saved:
            setattr(module, name, value)


def timeVariants(Y, C, x, v, m, variants, reps, minBatch=0.05):
    """Best batch time (s) of value + gradient and of H(v) for each variant; the variants take turns."""
    best = {name: [np.inf, np.inf] for name in variants}
    outs = {}
    for name, off in variants.items():
        with without(off):
            outs[name] = singleLayerNNObjFun(x, Y, C, m)
            t0 = time.perf_counter()
            singleLayerNNObjFun(x, Y, C, m)
            once = time.perf_counter() - t0
    number = max(1, int(minBatch / max(once, 1e-6)))
    for _ in range(reps):
        for name, off in variants.items():
            with without(off):
                H = singleLayerNNObjFun(x, Y, C, m)[2]
                for k, f in enumerate((lambda: singleLayerNNObjFun(x, Y, C, m), lambda H=H: H(v))):
                    t0 = time.perf_counter()
                    for _ in range(number):
                        f()
                    best[name][k] = min(best[name][k], (time.perf_counter() - t0) / number)
    ref = outs["all helpers"]
    for name, out in outs.items():     # the helpers change the rounding only
        assert abs(out[0] - ref[0]) <= 1e-12 * abs(ref[0]), name
        assert np.linalg.norm(out[1] - ref[1]) <= 1e-12 * np.linalg.norm(ref[1]), name
    return best


def measureGains(sizes, reps):
    """{size: {variant: [value + gradient, H(v)] best times (s)}} for ``sizes`` ({name: (n, nf, m, nc)})."""
    variants = {"all helpers": []} | {f"without {k}": [k] for k in PLAIN} | {"no helper": list(PLAIN)}
    rows = {}
    for size, (n, nf, m, nc) in sizes.items():
        Y, C, x, v = problem((n, nf, m, nc), np.float64, np.random.default_rng(1))
        rows[size] = timeVariants(Y, C, x, v, m, variants, reps)
        print(size, {k: [round(1e3 * t, 3) for t in ts] for k, ts in rows[size].items()}, flush=True)
    return rows


def gainTables(rows):
    """The markdown tables of ``measureGains``' result: each helper's with / without ratio."""
    out = []
    for k, what in enumerate(("value + gradient", "H(v)")):
        out += [f"#### {what}", "", "| size | all helpers | no helper | all / none | "
                + " | ".join(f"with / without `{h}`" for h in PLAIN) + " |",
                "|---|---:|---:|---:|" + "---:|" * len(PLAIN)]
        for size, best in rows.items():
            allOn, none = best["all helpers"][k], best["no helper"][k]
            out.append(f"| {size} | {1e3 * allOn:.3f} | {1e3 * none:.3f} | {allOn / none:.2f} | " + " | ".join(
                f"{allOn / best[f'without {h}'][k]:.2f}" for h in PLAIN) + " |")
        out.append("")
    return out


def pairedGain(size, helper, pairs):
    """Per-call ratios with / without ``helper``, value + gradient and H(v), in ``pairs`` pairs.

    Each pair times one call with the helper and one without, the order alternating (ABBA): on a
    shared machine the load drifts within seconds, and a pair sees the same drift on both sides,
    where the best batch of each variant (``timeVariants``) can catch a quiet spell for one only.
    Returns the quartiles (25, 50, 75%) of the ratios, value + gradient and H(v).
    """
    m = size[2]
    Y, C, x, v = problem(size, np.float64, np.random.default_rng(1))

    def once(off):
        with without(off):
            t0 = time.perf_counter()
            H = singleLayerNNObjFun(x, Y, C, m)[2]
            t1 = time.perf_counter()
            H(v)
            return np.array([t1 - t0, time.perf_counter() - t1])

    withIt, withoutIt = (lambda: once([])), (lambda: once([helper]))
    withIt(), withoutIt()                                        # warm both up
    ratios = []
    for k in range(pairs):
        if k % 2 == 0:
            on, off = withIt(), withoutIt()
        else:
            off, on = withoutIt(), withIt()
        ratios.append(on / off)
    return np.percentile(np.array(ratios), [25, 50, 75], axis=0)


def parseSize(text):
    """A size of bench.py by name (``n50k``) or written out as ``n x nf x m x nc`` (``60000x784x500x10``)."""
    if text in SIZES:
        return text, SIZES[text]
    size = text.split("x")
    if len(size) != 4 or not all(k.isdigit() and int(k) > 0 for k in size):
        raise ValueError(f"--sizes: {text!r} is neither a size of bench.py ({', '.join(SIZES)}) "
                         "nor n x nf x m x nc written out, as 60000x784x500x10")
    return text, tuple(int(k) for k in size)


def header(title, argv, load0, t0):
    """A report's first lines: title, the command, when and under what load, the machine."""
    return [title, "", f"`python bench/fastOpsGain.py {' '.join(argv or sys.argv[1:])}`".replace(" `", "`"), "",
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {time.perf_counter() - t0:.0f} s; load average "
            f"(1 min) {load0:.2f} at the start, {os.getloadavg()[0]:.2f} at the end (a shared machine).", "",
            "```", *describe().splitlines(), "```", ""]


def write(out, path):
    with open(path, "w") as fh:
        fh.write("\n".join(out))
    print("\n".join(out))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(SIZES))
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--out", default=None, help="default bench/fastOpsGain.md "
                        "(bench/fastOpsGain-HELPER.md with --paired)")
    parser.add_argument("--paired", choices=list(PLAIN), default=None,
                        help="one helper, with / without in alternating pairs of calls (see pairedGain)")
    parser.add_argument("--pairs", type=int, default=30, help="with --paired: pairs per size")
    args = parser.parse_args(argv)
    load0, t0 = os.getloadavg()[0], time.perf_counter()
    if args.paired:
        return mainPaired(args, argv, load0, t0)
    args.out = args.out or os.path.join(ROOT, "bench", "fastOpsGain.md")
    rows = measureGains({s: SIZES[s] for s in args.sizes.split(",")}, args.reps)
    out = header("# What each helper of support/fastOps.py gains", argv, load0, t0) + [
           "float64, ms, best batch of each variant, the variants taking turns in one process. "
           "Ratio = with the helper / without it (numpy's plain call in its place): below 1, the helper pays.", ""]
    return write(out + gainTables(rows), args.out)


def blocksShown(size):
    """Blocks per core of singleLayerNNObjFun at ``size`` on this machine, as examplesInParallel
    chooses them; "-" where the examples are not split (small problem, or one core)."""
    n, nf, m, nc = size
    cores = fastOps.splitCores(n, nf * m + 1 + m * nc)
    return fastOps.blocksPerCore(n, cores, m) if cores > 1 else "-"


def mainPaired(args, argv, load0, t0):
    """``--paired HELPER``: the quartiles of the per-pair ratios with / without it, per size."""
    args.out = args.out or os.path.join(ROOT, "bench", f"fastOpsGain-{args.paired}.md")
    rows = []
    for name, size in map(parseSize, args.sizes.split(",")):
        q = pairedGain(size, args.paired, args.pairs)
        rows.append(f"| {name} {size} | {blocksShown(size)} | {q[1, 0]:.2f} ({q[0, 0]:.2f}-{q[2, 0]:.2f}) | "
                    f"{q[1, 1]:.2f} ({q[0, 1]:.2f}-{q[2, 1]:.2f}) |")
        print(rows[-1], flush=True)
    out = header(f"# What `{args.paired}` of support/fastOps.py gains, in pairs of calls", argv, load0, t0) + [
           f"float64. Each pair: one call with `{args.paired}` and one without (numpy's plain way in its place), "
           f"the order alternating; {args.pairs} pairs per size. Median ratio with / without over the pairs, "
           "and in brackets the middle half of the ratios (25-75%): below 1, the helper pays. "
           "*Blocks per core*: `fastOps.blocksPerCore` with all helpers on, on this machine's cores ('-': "
           "not split); with `--paired blocksPerCore`, where it is 1 the two calls of a pair run the same "
           "code, and their ratios show the noise of the measurement.", "",
           "| size (n, nf, m, nc) | blocks per core | value + gradient | H(v) |", "|---|---:|---:|---:|", *rows, ""]
    return write(out, args.out)


if __name__ == "__main__":
    sys.exit(main())
