"""The course's extreme-learning scripts run in GNU Octave beside ours, on the same data and random weights.

    python crosscheck/courseEELM.py [--quick] [--experiments Peaks MNIST] [--seed S]

prints, for EELM_Peaks (each of sin, tanh, relu) and EELM_MNIST, the training and
validation errors of

- the course: its own .m files (``$NUMDL_MATLAB``, unmodified: ``classObjFun``,
  ``softMax``, ``genTikhonov``, ``newtoncg``, ``singleLayer``), called by our small
  drivers in ``crosscheck/courseEELM/`` exactly as the course's scripts call them;
  the drivers only take the script's data and random K, b, W0 from Python
  (numpy's and Octave's random generators differ) and leave out its figures;
- ours with the course's algorithm (for Peaks: W trained on all points, as
  ``EELM_Peaks.py --faithful``);
- ours by default (Peaks: W trained on the 80% split; its validation error on
  the 20%, the test error on the 2000 separate points),

with the largest relative difference between our W and the course's. As the
course's script, "val" of EELM_Peaks is the error on the separate test points.
"""

import argparse
import pathlib
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crosscheck.courseLayout import fromCourse, toCourse  # noqa: E402
from crosscheck.courseSession import driverSession, octaveString  # noqa: E402
from experiments.extremeLearning import (  # noqa: E402
    COURSE_MNIST,
    COURSE_PEAKS,
    activation,
    errorW,
    features,
    mnistData,
    peaksData,
    randomWeights,
    trainW,
)

DRIVERS = ROOT / "crosscheck" / "courseEELM"


def relDiff(a, b):
    """max |a - b| / max |b|."""
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))) / np.max(np.abs(b)))


def runCourse(session, driver, data, K, b, W0, extra, param):
    """A driver on our data and weights (course layout): W in our layout, the two errors, the time."""
    inputs = dict(zip(("Y", "C", "Yv", "Cv"), (toCourse(A) for A in data)), K=toCourse(K), b=float(b),
                  W0=toCourse(W0), maxIter=float(param["maxIter"]), maxIterCG=float(param["maxIterCG"]))
    args = "Y, C, Yv, Cv, K, b, W0" + (f", {octaveString(extra)}" if extra else "") + ", maxIter, maxIterCG"
    call = f"[W, e1, e2] = {driver}({args});"
    t = time.perf_counter()
    out = session.call(f"evalc({octaveString(call)}); OUT.W = W; OUT.e1 = e1; OUT.e2 = e2;", **inputs)
    return dict(W=fromCourse(out["W"], W0.shape), err=(float(out["e1"]), float(out["e2"])),
                seconds=time.perf_counter() - t)


def runOurs(Z, C, Zv, Cv, W0, lam, param):
    """Our trainW on the same features and start: W, the two errors, the time."""
    t = time.perf_counter()
    W, _ = trainW(Z, C, W0, lam, param)
    return dict(W=W, err=(errorW(W, Z, C), errorW(W, Zv, Cv)), seconds=time.perf_counter() - t)


def comparePeaks(session, seed=COURSE_PEAKS["seed"], np_=COURSE_PEAKS["np"], npTest=COURSE_PEAKS["npTest"],
                 m=COURSE_PEAKS["m"], param=None, acts=("sin", "tanh", "relu")):
    """EELM_Peaks on both sides: {act: {"course", "faithful", "default"}} with errors, W and time."""
    param = param or COURSE_PEAKS["param"]
    rng = np.random.default_rng(seed)
    Y, C, iTrain, iVal, Yt, Ct = peaksData(rng, np_, COURSE_PEAKS["nc"], COURSE_PEAKS["ns"], npTest=npTest)
    K, b, W0 = randomWeights(rng, Y.shape[1], m, C.shape[1])
    lam, results = COURSE_PEAKS["lam"], {}
    for a in acts:
        act = activation(a)
        course = runCourse(session, "courseEELMPeaks", (Y, C, Yt, Ct), K, b, W0, a, param)
        faithful = runOurs(features(Y, K, b, act), C, features(Yt, K, b, act), Ct, W0, lam, param)
        default = runOurs(features(Y[iTrain], K, b, act), C[iTrain], features(Y[iVal], K, b, act), C[iVal],
                          W0, lam, param)
        default["test"] = errorW(default["W"], features(Yt, K, b, act), Ct)
        faithful["diff"] = relDiff(faithful["W"], course["W"])
        results[a] = dict(course=course, faithful=faithful, default=default)
    return results


def compareMNIST(session, seed=0, nTrain=None, nVal=None, m=COURSE_MNIST["m"], param=None, folder=None):
    """EELM_MNIST on both sides: {"course", "ours"} with errors, W and time, and the sizes used."""
    param = param or COURSE_MNIST["param"]
    Y, C, Yv, Cv, sizes = mnistData(nTrain, nVal, folder, seed)
    nf, nc = Y.shape[1], C.shape[1]
    K, b, W0 = randomWeights(np.random.default_rng(seed), nf, m, nc, 1 / np.sqrt(nf * m), 1 / np.sqrt(nc * m))
    course = runCourse(session, "courseEELMMNIST", (Y, C, Yv, Cv), K, b, W0, None, param)
    ours = runOurs(features(Y, K, b), C, features(Yv, K, b), Cv, W0, COURSE_MNIST["lam"], param)
    ours["diff"] = relDiff(ours["W"], course["W"])
    return dict(course=course, ours=ours, sizes=sizes)


def formatPeaks(results):
    lines = ["EELM_Peaks (train/val as the course prints them: 'train' on all points it trains on, 'val' on "
             "the separate test points)",
             f"  {'act':5} {'course (Octave)':>17} {'ours, course algorithm':>23} {'W rel. diff':>11}   "
             f"{'ours, default: train/val/test':>30}"]
    for a, r in results.items():
        c, f, d = r["course"], r["faithful"], r["default"]
        lines.append(f"  {a:5} {c['err'][0]:7.2f}% /{c['err'][1]:6.2f}% "
                     f"{f['err'][0]:12.2f}% /{f['err'][1]:6.2f}% "
                     f"{f['diff']:11.1e}   {d['err'][0]:14.2f}% /{d['err'][1]:6.2f}% /{d['test']:6.2f}%")
    return "\n".join(lines)


def formatMNIST(result):
    c, o = result["course"], result["ours"]
    return "\n".join([f"EELM_MNIST ({result['sizes']})",
                      f"  course (Octave): training error {c['err'][0]:.2f}% "
                      f"validation error {c['err'][1]:.2f}% "
                      f"({c['seconds']:.0f} s)",
                      f"  ours:            training error {o['err'][0]:.2f}% "
                      f"validation error {o['err'][1]:.2f}% "
                      f"({o['seconds']:.0f} s); W rel. diff {o['diff']:.1e}"])


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=None, help="seed (default: 42 for Peaks, 0 for MNIST)")
    parser.add_argument("--quick", action="store_true", help="small sizes and few iterations (seconds)")
    parser.add_argument("--experiments", nargs="+", choices=("Peaks", "MNIST"), default=["Peaks", "MNIST"])
    args = parser.parse_args()
    session = driverSession(DRIVERS, "courseEELM")
    print(f"GNU Octave {session.version}; the course's toolbox: {session.toolbox}", flush=True)
    quick = {"maxIter": 3, "maxIterCG": 10} if args.quick else None
    try:
        if "Peaks" in args.experiments:
            seed = COURSE_PEAKS["seed"] if args.seed is None else args.seed
            kwargs = {}
            if quick:
                kwargs = dict(np_=1000, npTest=500, m=50, param={**COURSE_PEAKS["param"], **quick})
            print(formatPeaks(comparePeaks(session, seed, **kwargs)), flush=True)
        if "MNIST" in args.experiments:
            kwargs = {}
            if quick:
                kwargs = dict(nTrain=500, nVal=200, m=100, param={**COURSE_MNIST["param"], **quick})
            seed = 0 if args.seed is None else args.seed
            print(formatMNIST(compareMNIST(session, seed, **kwargs)), flush=True)
    finally:
        session.exit()


if __name__ == "__main__":
    main()
