"""Value + gradient and H(v) of two versions of the lecture files, against the same kernel floor, in one run.

    python bench/beforeAfter.py --before 08b8cf2            # that commit against the working tree
    python bench/beforeAfter.py --before 08b8cf2 --after HEAD --sizes mnist10k,mnist10k500

Each version's root ``*.py`` files are taken from git (the working tree for
``--after .``) into a temporary folder and timed in a subprocess of its own
(``--worker``), the versions taking turns ``--rounds`` times; the best time of
every round counts. The kernel floor (``bench.py``'s: the essential matrix
products and elementwise passes, each timed alone) is timed in this process.
Prints a markdown table; ``--out`` also writes it to a file.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = {"slide": (500, 50, 40, 10), "n50k": (50000, 50, 40, 10),
         "mnist10k": (10000, 784, 200, 10), "mnist10k500": (10000, 784, 500, 10)}


def worker(folder, sizes, reps):
    """Time ``singleLayerNNObjFun`` (value + gradient) and one ``H(v)`` of the files in ``folder``."""

    sys.path.insert(0, os.path.join(ROOT, "bench"))
    from bench import bestTime, problem  # imports the lecture files of ROOT: drop them again

    def ours(mod):  # a lecture file or a support/ module of ROOT; not a package of a venv inside ROOT
        path = os.path.abspath(getattr(mod, "__file__", None) or "/")
        return os.path.dirname(path) == ROOT or path.startswith(os.path.join(ROOT, "support") + os.sep)

    for name in [k for k, mod in sys.modules.items() if ours(mod)]:
        del sys.modules[name]
    sys.path[:] = [folder] + [p for p in sys.path if os.path.abspath(p or ".") != ROOT]
    from singleLayerNNObjFun import singleLayerNNObjFun
    assert os.path.dirname(sys.modules["singleLayerNNObjFun"].__file__) == folder

    out = {name: timeOne(singleLayerNNObjFun, SIZES[name], reps, bestTime, problem) for name in sizes}
    print(json.dumps(out))


def timeOne(objFun, size, reps, bestTime, problem):
    """Best times of value + gradient (as an optimiser's loop calls it) and of one H(v) at ``size``."""
    import numpy as np

    Y, C, x, v = problem(size, np.float64, np.random.default_rng(1))
    held = {}

    def valGrad():
        held["out"] = objFun(x, Y, C, size[2])

    valGrad()
    H = held["out"][2]
    return bestTime(valGrad, reps), bestTime(lambda: H(v), reps)


def extract(rev, into):
    """The root .py files and the support/ folder of ``rev`` (``.``: the working tree) copied into ``into``."""
    os.makedirs(into)
    if rev == ".":
        for f in os.listdir(ROOT):
            if f.endswith(".py"):
                shutil.copy(os.path.join(ROOT, f), into)
        if os.path.isdir(os.path.join(ROOT, "support")):
            shutil.copytree(os.path.join(ROOT, "support"), os.path.join(into, "support"),
                            ignore=shutil.ignore_patterns("__pycache__"))
        return
    files = subprocess.run(["git", "-C", ROOT, "ls-tree", "-r", "--name-only", rev], capture_output=True, text=True,
                           check=True).stdout.split()
    for f in (f for f in files if f.endswith(".py") and (os.sep not in f or f.startswith("support" + os.sep))):
        text = subprocess.run(["git", "-C", ROOT, "show", f"{rev}:{f}"], capture_output=True, text=True,
                              check=True).stdout
        os.makedirs(os.path.dirname(os.path.join(into, f)), exist_ok=True)
        with open(os.path.join(into, f), "w") as fh:
            fh.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", required=False, help="git revision of the 'before' version")
    parser.add_argument("--after", default=".", help="revision of 'after' (. the working tree)")
    parser.add_argument("--sizes", default="mnist10k,mnist10k500", help=f"among {sorted(SIZES)}")
    parser.add_argument("--rounds", type=int, default=3, help="turns each version takes")
    parser.add_argument("--reps", type=int, default=5, help="samples per timing in a turn")
    parser.add_argument("--out", default=None, help="also write the table here")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = args.sizes.split(",")
    unknown = set(sizes) - set(SIZES)
    if unknown:
        parser.error(f"unknown sizes {sorted(unknown)}; known: {sorted(SIZES)}")
    if args.worker:
        return worker(args.worker, sizes, args.reps)
    if not args.before:
        parser.error("--before REV is required")

    import numpy as np
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    from bench import kernelFloor, problem

    t0, load = time.perf_counter(), os.getloadavg()[0]
    tmp = tempfile.mkdtemp()
    versions = {"before": args.before, "after": args.after}
    folders = {k: os.path.join(tmp, k) for k in versions}
    for key, rev in versions.items():
        extract(rev, folders[key])
    best = {k: {s: [np.inf, np.inf] for s in sizes} for k in versions}
    for _ in range(args.rounds):
        for key in versions:
            out = subprocess.run([sys.executable, __file__, "--worker", folders[key], "--sizes", args.sizes,
                                  "--reps", str(args.reps)], capture_output=True, text=True, check=True)
            for s, (tv, th) in json.loads(out.stdout.strip().splitlines()[-1]).items():
                best[key][s] = [min(best[key][s][0], tv), min(best[key][s][1], th)]
    shutil.rmtree(tmp)
    floors = {}
    for s in sizes:
        Y, C, x, v = problem(SIZES[s], np.float64, np.random.default_rng(1))
        grad, hess = kernelFloor(Y, C, x, v, SIZES[s][2], args.reps)
        floors[s] = (sum(grad.values()), sum(hess.values()))

    command = (f"python bench/beforeAfter.py --before {args.before} --after {args.after} --sizes {args.sizes}"
               " "
               f"--rounds {args.rounds} --reps {args.reps}")
    lines = [f"Command: `{command}` ({time.perf_counter() - t0:.0f} s, load {load:.2f} at start); float64, "
             "times in ms (best of all turns).", "",
             "| size (n, nf, m, nc) | floor | before | after | before/floor | after/floor "
             "| H floor | H before | H after | before/floor | after/floor |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in sizes:
        (fv, fh), (bv, bh), (av, ah) = floors[s], best["before"][s], best["after"][s]
        lines.append(f"| {s} {SIZES[s]} | {1e3 * fv:.2f} | {1e3 * bv:.2f} | {1e3 * av:.2f} | {bv / fv:.2f} | "
                     f"{av / fv:.2f} | {1e3 * fh:.2f} | {1e3 * bh:.2f} | {1e3 * ah:.2f} | {bh / fh:.2f} | "
                     f"{ah / fh:.2f} |")
    text = "\n".join(lines)
    print(text)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text + "\n")


if __name__ == "__main__":
    main()
