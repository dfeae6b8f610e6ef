"""Cross-check every lecture function against its .m counterpart run in GNU Octave.

Run ``python crosscheck/octaveParity.py`` for the parity table (function,
quantity, max relative difference, tolerance, pass/fail); the tests in
``tests/test_octave_parity.py`` assert the same rows. ``NN_MFILES=/path``
checks another folder of .m files (a student's homework, the course code).

Each comparison pushes the same numpy inputs to Octave (bitwise exact), calls
the function on both sides and compares with

    max |python - octave| / max |octave|  <=  tol.

Tolerances: 1e-12 for single evaluations. Octave's ``tanh``/``exp`` differ from
numpy's by a few ulp and its reference BLAS sums in another order than
OpenBLAS (about 1e-14 relative for these sizes), so 1e-12 leaves a margin of
~100 without hiding a wrong formula (a wrong term shows up at 1e-3 or more).
Quantities that difference two nearly equal values (the Taylor table's E0, E1,
E2 at small h) inherit the absolute error of f: they are compared with
``|a - b| <= 1e-12 (|b| + |f(x0)|)``. Iterates of an optimiser amplify
rounding through the iterations; see ``historyRows``.
"""

import argparse
import sys

import numpy as np

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))

from checkDerivative import checkDerivative  # noqa: E402
from newtonCG import newtonCG  # noqa: E402
from nnutils import vec  # noqa: E402
from rosenbrock import rosenbrock  # noqa: E402
from singleLayer import singleLayer  # noqa: E402
from singleLayerNNObjFun import singleLayerNNObjFun  # noqa: E402
from softMax import softMax  # noqa: E402

TOL = 1e-12


def relDiff(py, oc):
    """max |py - oc| / max |oc| (0 when both are 0)."""
    py, oc = np.asarray(py, dtype=float), np.asarray(oc, dtype=float)
    if py.size != oc.size:
        return np.inf
    oc = oc.reshape(py.shape, order="F") if oc.shape != py.shape else oc
    scale = np.max(np.abs(oc)) if oc.size else 0.0
    diff = np.max(np.abs(py - oc)) if oc.size else 0.0
    return diff / scale if scale > 0 else diff


def row(function, quantity, py, oc, tol=TOL):
    d = relDiff(py, oc)
    return (function, quantity, d, tol, bool(d <= tol))


def pull(session, *names):
    return [session.pull(name) for name in names]


def paritySingleLayer(session, rng):
    n, nf, m = 30, 7, 5
    data = dict(K=rng.standard_normal((nf, m)), b=0.3, Y=rng.standard_normal((n, nf)),
                U=rng.standard_normal((n, m)), V=rng.standard_normal((nf, m)),
                VY=rng.standard_normal((n, nf)), vb=-0.7)
    for name, value in data.items():
        session.push(name, value)
    session.eval("[Z,JKt,Jbt,JYt,JK,Jb,JY] = singleLayer(K,b,Y);"
                 "r1 = JKt(U); r2 = Jbt(U); r3 = JYt(U); r4 = JK(V); r5 = Jb(vb); r6 = JY(VY);"
                 "q1 = JKt(U(:)); q2 = Jbt(U(:)); q3 = JYt(U(:)); q4 = JK(V(:)); q6 = JY(VY(:));"
                 "[A, dA] = tanhActivation(Y*K+b);", verbose=False)
    Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(data["K"], data["b"], data["Y"])
    U, V, VY = data["U"], data["V"], data["VY"]
    py = {"Z": Z, "JKt(U)": JKt(U), "Jbt(U)": Jbt(U), "JYt(U)": JYt(U), "JK(V)": JK(V),
          "Jb(v)": Jb(data["vb"]), "JY(V)": JY(VY)}
    octave = pull(session, "Z", "r1", "r2", "r3", "r4", "r5", "r6")
    rows = [row("singleLayer", q, p, o) for (q, p), o in zip(py.items(), octave)]
    vecForms = pull(session, "q1", "q2", "q3", "q4", "q6")
    pyVec = [JKt(vec(U)), Jbt(vec(U)), JYt(vec(U)), JK(vec(V)), JY(vec(VY))]
    for q, p, o in zip(["JKt(U(:))", "Jbt(U(:))", "JYt(U(:))", "JK(V(:))", "JY(V(:))"], pyVec, vecForms):
        if np.ndim(p) == 2 and np.shape(o) != np.shape(p):
            rows.append(("singleLayer", q + " shape", np.inf, TOL, False))
        rows.append(row("singleLayer", q, p, o))
    A, dA = pull(session, "A", "dA")
    from tanhActivation import tanhActivation
    pA, pdA = tanhActivation(data["Y"] @ data["K"] + data["b"])
    rows += [row("tanhActivation", "A", pA, A), row("tanhActivation", "dA", pdA, dA)]
    return rows


def paritySoftMax(session, rng):
    n, m, nc = 40, 6, 4
    C = rng.random((n, nc))
    data = dict(W=rng.standard_normal((m, nc)), Z=rng.standard_normal((n, m)),
                C=C / C.sum(axis=1, keepdims=True), VW=rng.standard_normal((m, nc)),
                VZ=rng.standard_normal((n, m)))
    for name, value in data.items():
        session.push(name, value)
    session.eval("[E,dEW,d2EW,dEZ,d2EZ] = softMax(W,Z,C); hW = d2EW(VW); hZ = d2EZ(VZ);", verbose=False)
    E, dEW, d2EW, dEZ, d2EZ = softMax(data["W"], data["Z"], data["C"])
    py = {"E": E, "dEW": dEW, "d2EW(V)": d2EW(data["VW"]), "dEZ": dEZ, "d2EZ(V)": d2EZ(data["VZ"])}
    octave = pull(session, "E", "dEW", "hW", "dEZ", "hZ")
    return [row("softMax", q, p, o) for (q, p), o in zip(py.items(), octave)]


def objectiveData(rng, n=50, nf=6, m=5, nc=3):
    Y = rng.standard_normal((n, nf))
    C = np.eye(nc)[rng.integers(nc, size=n)]
    return dict(x=rng.standard_normal(nf * m + 1 + m * nc), Y=Y, C=C, m=m)


def parityObjective(session, rng):
    data = objectiveData(rng)
    v = rng.standard_normal(data["x"].size)
    for name, value in {**data, "v": v}.items():
        session.push(name, value)
    session.eval("[Ec,dE,H] = singleLayerNNObjFun(x,Y,C,m); Hv = H(v);", verbose=False)
    Ec, dE, H = singleLayerNNObjFun(data["x"], data["Y"], data["C"], data["m"])
    octave = pull(session, "Ec", "dE", "Hv")
    return [row("singleLayerNNObjFun", q, p, o)
            for q, p, o in zip(["Ec", "dE", "H(v)"], [Ec, dE, H(v)], octave)]


def tableRow(function, quantity, py, oc, f0):
    """Taylor tables: entries are differences of f values, compared at 1e-12 (|b| + |f(x0)|)."""
    py, oc = np.asarray(py), np.asarray(oc)
    if py.shape != oc.shape:
        return (function, quantity + f" shape {oc.shape} vs {py.shape}", np.inf, TOL, False)
    err = np.max(np.abs(py - oc) / (np.abs(oc) + np.linalg.norm(f0)))
    return (function, quantity, err, TOL, bool(err <= TOL))


def parityCheckDerivative(session, rng):
    data = objectiveData(rng)
    v = rng.standard_normal(data["x"].size)
    for name, value in {**data, "v": v}.items():
        session.push(name, value)
    session.eval("[Ec,dE,H] = singleLayerNNObjFun(x,Y,C,m);"
                 "fun = @(x) singleLayerNNObjFun(x,Y,C,m); [passed, T] = checkDerivative(fun, x, v, 20);"
                 "[adjOK, adjErr] = adjointTest(@(w) H(w), @(w) H(w), v, dE);", verbose=False)
    f0 = singleLayerNNObjFun(data["x"], data["Y"], data["C"], data["m"])[0]
    passed, T = checkDerivative(lambda x: singleLayerNNObjFun(x, data["Y"], data["C"], data["m"]),
                                data["x"], v=v, nSteps=20, verbose=False)
    passedOc, Toc = pull(session, "passed", "T")
    adjOK, adjErr = pull(session, "adjOK", "adjErr")
    rows = [tableRow("checkDerivative", "objective table [h E0 E1 E2]", T, Toc, f0),
            verdictRow("checkDerivative", "objective verdict", passed, passedOc),
            verdictRow("adjointTest", "H symmetric verdict", True, adjOK)]
    # the Jacobian closure of the layer, on a matrix x0 (K)
    n, nf, m = 20, 6, 4
    K, Y, V = rng.standard_normal((nf, m)), rng.standard_normal((n, nf)), rng.standard_normal((nf, m))
    for name, value in dict(K=K, Yl=Y, V=V).items():
        session.push(name, value)
    session.eval("[passedK, TK] = checkDerivative(@(K) layerOfK(K, 0.1, Yl), K, V, 20);", verbose=False)

    def layerOfK(K):
        Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(K, 0.1, Y)
        return Z, JK

    passedK, TK = checkDerivative(layerOfK, K, v=V, nSteps=20, verbose=False)
    passedKOc, TKOc = pull(session, "passedK", "TK")
    rows += [tableRow("checkDerivative", "J_K table [h E0 E1]", TK, TKOc, singleLayer(K, 0.1, Y)[0]),
             verdictRow("checkDerivative", "J_K verdict", passedK, passedKOc)]
    return rows


def verdictRow(function, quantity, py, oc):
    same = bool(py) == bool(oc)
    return (function, quantity + f" ({'pass' if py else 'fail'})", 0.0 if same else np.inf, 0.0, same)


def parityNewtonCG(session, rng, maxIter=12):
    """newtonCG's history on Rosenbrock and on the slides' inverse crime, maxIter iterations."""
    quiet = {"maxIter": maxIter, "verbose": False}
    session.push("x0", np.array([4.0, 2.0]))
    session.eval(f"param = struct('maxIter', {maxIter}, 'verbose', false);"
                 "[xr, hisr, xAllr] = newtonCG(@rosenbrock, x0, param);", verbose=False)
    runs = [newtonCG(rosenbrock, x0, quiet) for x0 in ([4.0, 2.0], onePastEach([4.0, 2.0]))]
    rows = historyRows("newtonCG (Rosenbrock)", runs, *pull(session, "hisr", "xAllr"))

    n, nf, nc, m = 500, 50, 10, 40
    Wtrue, Ktrue = rng.standard_normal((m, nc)), rng.standard_normal((nf, m))
    Y = rng.standard_normal((n, nf))
    Cobs = np.exp(singleLayer(Ktrue, 0.1, Y)[0] @ Wtrue)
    Cobs /= Cobs.sum(axis=1, keepdims=True)
    x0 = 0.1 * rng.standard_normal(nf * m + 1 + m * nc)
    for name, value in dict(Yc=Y, Cobs=Cobs, xc0=x0).items():
        session.push(name, value)
    session.eval(f"param = struct('maxIter', {maxIter}, 'verbose', false);"
                 f"[xc, hisc, xAllc] = newtonCG(@(x) singleLayerNNObjFun(x,Yc,Cobs,{m}), xc0, param);",
                 verbose=False)
    runs = [newtonCG(lambda x, Y=Y: singleLayerNNObjFun(x, Y, Cobs, m), x0, quiet)
            for Y, x0 in [(Y, x0), (Y, onePastEach(x0)), (onePastEach(Y), x0)]]
    rows += historyRows("newtonCG (inverse crime)", runs, *pull(session, "hisc", "xAllc"))
    return rows


def onePastEach(a):
    """Each entry moved by one ulp: the smallest change of the input there is."""
    return np.nextafter(np.asarray(a, dtype=float), np.inf)


def historyRows(function, runs, hisOc, xAllOc):
    """Compare the history and iterates of Python (runs[0]) with Octave.

    The iterates of Newton-CG amplify rounding (the CG solves stop early on an
    ill-conditioned H), so the tolerance is measured, not chosen: the spread
    of Python's own history when its inputs move by one ulp (runs[1:]), times
    10 for the several independent ulp differences of Octave's tanh, exp and
    BLAS; never below 1e-12. The discrete decisions (line-search trials, the
    CG iterate returned) must agree exactly.
    """
    (_, his, xAll), perturbed = runs[0], runs[1:]
    hisOc, xAllOc = np.atleast_2d(hisOc), np.asarray(xAllOc).T
    k = f" ({len(his['obj']) - 1} it.)"

    def tolerance(get):
        spread = max(relDiff(get(*run), get(*runs[0])) for run in perturbed)
        return max(TOL, 10 * spread)

    rows = []
    for j, key in [(0, "obj"), (1, "normGrad"), (5, "cgRelRes")]:
        first = 0 if key != "cgRelRes" else 1
        tol = tolerance(lambda x, his, xAll, key=key, first=first: his[key][first:])
        rows.append(row(function, key + k, his[key][first:], hisOc[first:, j], tol))
    for j, key in [(2, "mu"), (3, "lsIter"), (4, "cgIter")]:
        rows.append(row(function, key + " (exact)", his[key][1:], hisOc[1:, j], 0.0))
    rows.append(row(function, "iterates xAll", xAll, xAllOc, tolerance(lambda x, his, xAll: xAll)))
    return rows


CHECKS = {"singleLayer": paritySingleLayer, "softMax": paritySoftMax,
          "singleLayerNNObjFun": parityObjective, "checkDerivative": parityCheckDerivative,
          "newtonCG": parityNewtonCG}


def formatTable(rows):
    lines = [f"| {'function':<26} | {'quantity':<34} | {'max rel. diff':>13} | {'tol':>7} | pass |",
             f"|{'-' * 28}|{'-' * 36}|{'-' * 14}:|{'-' * 8}:|------|"]
    for function, quantity, diff, tol, ok in rows:
        lines.append(f"| {function:<26} | {quantity:<34} | {diff:13.2e} | {tol:7.1e} | "
                     f"{'yes' if ok else '**NO**':<4} |")
    return "\n".join(lines)


def main():
    from octaveSession import REQUIRED, MFileError, OctaveSession, OctaveUnavailableError

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="seed of the random inputs")
    args = parser.parse_args()
    try:
        session = OctaveSession()
    except OctaveUnavailableError as err:
        print(err)
        return 0
    try:
        for name in REQUIRED:
            session.checkFunction(name)
        rows = []
        for check in CHECKS.values():
            rows += check(session, np.random.default_rng(args.seed))
    except MFileError as err:
        print(err)
        return 1
    finally:
        session.exit()
    print(f"Python vs the .m files in {session.folder}, run in GNU Octave")
    print(formatTable(rows))
    return 0 if all(r[4] for r in rows) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
    sys.exit(main())
