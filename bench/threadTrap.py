"""The BLAS thread trap: every course experiment and example script, one and two BLAS threads, in one run.

    python bench/threadTrap.py                   # writes bench/threadTrap.md
    python bench/threadTrap.py --busy 0 --before none --scripts exSingleLayerNN.py

Each script runs as a student runs it (headless, its default flags) with OpenBLAS's thread
count set to 1 and to 2 (``OPENBLAS_NUM_THREADS``; ``NN_BLAS_THREADS`` too, which the
scripts of earlier revisions read), for the lecture files now and,
with ``--before REV``, for those of ``REV`` (default: the commit before the thread choice by
problem size), the runs taking turns. ``--busy 1`` (default) keeps one core busy with a
spinning process of its own for the whole run: a 2-core machine shared with one other job,
the situation of the trap. Wall time in seconds; "> T" when a run hit the time limit.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.append(os.path.join(ROOT, "bench"))

from machineClass import describe  # noqa: E402

SCRIPTS = ["ESingleLayer_PeaksNewtonCG.py", "ESingleLayer_PeaksSGD.py", "ESingleLayer_PeaksVarPro.py",
           "ESingleLayer_PlotObjective.py", "exSingleLayerNN.py", "exSingleLayerPeaks.py", "exAdversarial.py",
           "exSingleLayerMNIST.py", "exLearningTheWeights.py", "EELM_Peaks.py"]
BEFORE = "4abfc0d"      # main before the thread choice by problem size and the fastOps helpers


def extract(rev, into):
    """The repository's files at ``rev`` into the folder ``into`` (git archive)."""
    os.makedirs(into, exist_ok=True)
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", into], input=archive, check=True)
    data = os.path.join(ROOT, "data")           # data files (MNIST) are shared, not versioned copies
    if os.path.isdir(data):
        subprocess.run(["cp", "-rn", data, into], check=True)


def runOnce(folder, script, threads, limit):
    env = {**os.environ, "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": str(threads),
           "NN_BLAS_THREADS": str(threads)}      # read by the scripts of earlier revisions (--before)
    t0 = time.perf_counter()
    try:
        result = subprocess.run([sys.executable, script], cwd=folder, env=env, capture_output=True, text=True,
                                timeout=limit)
    except subprocess.TimeoutExpired:
        return None, "time limit"
    seconds = time.perf_counter() - t0
    if result.returncode != 0:
        return None, (result.stderr.strip().splitlines() or ["?"])[-1][:120]
    return seconds, ""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scripts", default=None, help="comma-separated; default every course experiment and ex*")
    parser.add_argument("--before", default=BEFORE, help=f"git revision to compare with (default {BEFORE}; 'none')")
    parser.add_argument("--busy", type=int, default=1, help="spinning processes of our own beside the runs")
    parser.add_argument("--limit", type=float, default=240.0, help="time limit of one run (s)")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "threadTrap.md"))
    args = parser.parse_args(argv)
    scripts = args.scripts.split(",") if args.scripts else [s for s in SCRIPTS if os.path.exists(os.path.join(ROOT, s))]
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)]
    load0, t0 = os.getloadavg()[0], time.perf_counter()
    times, notes = {}, []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folders = {"now": ROOT}
            if args.before != "none":
                folders[f"before ({args.before})"] = os.path.join(tmp, "before")
                extract(args.before, folders[f"before ({args.before})"])
            for script in scripts:
                for version, folder in folders.items():
                    for threads in (1, 2):
                        seconds, why = runOnce(folder, script, threads, args.limit)
                        times[(script, version, threads)] = seconds
                        if why:
                            notes.append(f"{script}, {version}, {threads} thread(s): {why}")
                        print(f"{script:32} {version:18} {threads} thread(s): "
                              + (f"{seconds:7.1f} s" if seconds else why), flush=True)
    finally:
        for p in spinners:
            p.kill()
    loadEnd = os.getloadavg()[0]

    def fmt(t):
        return f"{t:.1f}" if t else f"> {args.limit:g}"

    out = ["# The BLAS thread trap: every script, one and two BLAS threads", "",
           f"`python bench/threadTrap.py {' '.join(argv if argv is not None else sys.argv[1:])}`".replace(" `", "`"),
           "", f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {time.perf_counter() - t0:.0f} s; "
           f"{args.busy} spinning process(es) of this run beside the scripts; load average (1 min) {load0:.2f} "
           f"at the start, {loadEnd:.2f} at the end (a shared machine: other jobs ran too).", "",
           "```", *describe().splitlines(), "```", "",
           "Wall time of each script with its default flags (s); 2 / 1 = the time with two BLAS threads over "
           "the time with one.", "",
           "| script | " + " | ".join(f"{v}, 1 thread | {v}, 2 threads | {v}, 2 / 1" for v in folders) + " |",
           "|---|" + "---:|---:|---:|" * len(folders)]
    for script in scripts:
        cells = []
        for version in folders:
            one, two = times[(script, version, 1)], times[(script, version, 2)]
            cells += [fmt(one), fmt(two), f"{two / one:.2f}" if one and two else "-"]
        out.append(f"| {script} | " + " | ".join(cells) + " |")
    out += [""] + [f"- {n}" for n in notes] + [""]
    with open(args.out, "w") as fh:
        fh.write("\n".join(out))
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
