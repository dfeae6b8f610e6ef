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
Quantities that difference two nearly equal values (the Taylor table's E0,
E1, E2 at small h) inherit the absolute error of f: they are compared with
``|a - b| <= 1e-12 (|b| + |f(x0)|)``. The verdicts of checkDerivative and
adjointTest must be equal on both sides (and be the verdict the case expects:
right derivatives pass, 1%-wrong ones fail). Iterates of an optimiser amplify
rounding through the iterations; see ``historyRows``.
"""

import argparse
import sys

import numpy as np

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))

from checkDerivative import adjointTest, checkDerivative  # noqa: E402
from crossEntropy import crossEntropy  # noqa: E402
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
    return rows + parityVerdicts(session, rng, data)


def taylorRows(session, quantity, octaveFun, pyFun, x0, v, expected, table=True):
    """checkDerivative's table and verdict for one function on both sides.

    ``octaveFun`` is the Octave expression of ``fun(x)`` (variables already
    pushed), ``pyFun`` its Python twin; the verdict must equal ``expected``
    on both sides.
    """
    session.push("xT", x0)
    session.push("vT", v)
    session.eval(f"[passedT, TT] = checkDerivative(@(x) {octaveFun}, xT, vT, 20);", verbose=False)
    passedOc, Toc = pull(session, "passedT", "TT")
    passed, T = checkDerivative(pyFun, x0, v=v, nSteps=20, verbose=False)
    rows = [tableRow("checkDerivative", quantity + " table", T, Toc, pyFun(x0)[0])] if table else []
    return rows + [verdictRow("checkDerivative", quantity + " verdict", passed, passedOc, expected)]


def parityVerdicts(session, rng, data):
    """The verdicts of checkDerivative and adjointTest where their rules decide.

    Right derivatives must pass and 1%-wrong ones fail on both sides. Two
    cases pass only by the rules made for rounding (the .m files' former rule
    fails them): a kink crossed by the largest h only (no order measurable,
    J v verified below it) and an adjoint test with u orthogonal to J v (u'J v
    is rounding, relative to ||u|| ||J v||). A float32 cross entropy checks
    that the single-precision path (eps of single, measured plateau) agrees.
    """
    Y, C, m = data["Y"], data["C"], data["m"]

    def objective(x):
        return singleLayerNNObjFun(x, Y, C, m)[:2]

    rows = taylorRows(session, "1%-wrong gradient",
                      "scaledDerivative(@(x) singleLayerNNObjFun(x,Y,C,m), x, 1.01)",
                      lambda x: (objective(x)[0], 1.01 * objective(x)[1]), data["x"],
                      rng.standard_normal(data["x"].size), expected=False)
    # a linear function, its Jacobian given as a matrix: E1 is rounding for every h
    A, c = rng.standard_normal((8, 5)), rng.standard_normal(8)
    xl, vl = rng.standard_normal(5), rng.standard_normal(5)
    session.push("A", A)
    session.push("c", c)
    rows += taylorRows(session, "linear, matrix J", "deal(A*x + c, A)",
                       lambda x: (A @ x + c, A), xl, vl, expected=True)
    rows += taylorRows(session, "linear, 1%-wrong J", "deal(A*x + c, 1.01*A)",
                       lambda x: (A @ x + c, 1.01 * A), xl, vl, expected=False)
    # a ReLU sum whose entry 0 crosses its kink only for h = 1/2: f is linear below
    xk, vk = np.array([0.3, -2.0, 1.0]), np.array([-1.0, 0.5, 2.0])
    rows += taylorRows(session, "kink at h=1/2", "deal(sum(max(x,0)), double(x>0))",
                       lambda x: (np.sum(np.maximum(x, 0)), (x > 0).astype(float)), xk, vk, expected=True)
    rows += taylorRows(session, "kink, wrong slope", "deal(sum(max(x,0)), 1.01*double(x>0))",
                       lambda x: (np.sum(np.maximum(x, 0)), 1.01 * (x > 0)), xk, vk, expected=False)
    # float32 (pushed as single): the tables differ at single rounding, so the verdict only
    S = rng.standard_normal((35, 11)).astype(np.float32)
    Cs = rng.random((35, 11))
    Cs = (Cs / Cs.sum(axis=1, keepdims=True)).astype(np.float32)
    vs = rng.standard_normal((35, 11))
    vs = (vs / np.linalg.norm(vs)).astype(np.float32)
    session.push("Cs", Cs)
    rows += taylorRows(session, "float32 crossEnt.", "crossEntropy(x, Cs)",
                       lambda S: crossEntropy(S, Cs)[:2], S, vs, expected=True, table=False)

    # adjointTest on A and a right / wrong transpose
    va, ua = rng.standard_normal(5), rng.standard_normal(8)
    Av = A @ va
    uo = ua - (ua @ Av) / (Av @ Av) * Av                       # u orthogonal to J v
    for name, value in dict(va=va, ua=ua, uo=uo).items():
        session.push(name, value)
    session.eval("[okR, errR] = adjointTest(@(w) A*w, @(w) A'*w, va, ua);"
                 "[okW, errW] = adjointTest(@(w) A*w, @(w) 1.01*(A'*w), va, ua);"
                 "[okO, errO] = adjointTest(@(w) A*w, @(w) A'*w, va, uo);", verbose=False)
    okR, errR, okW, errW, okO = pull(session, "okR", "errR", "okW", "errW", "okO")
    pyR, pyErrR = adjointTest(lambda w: A @ w, lambda w: A.T @ w, va, ua)
    pyW, pyErrW = adjointTest(lambda w: A @ w, lambda w: 1.01 * (A.T @ w), va, ua)
    pyO, _ = adjointTest(lambda w: A @ w, lambda w: A.T @ w, va, uo)
    # relErr of a right transpose is rounding over |u'J v|, a few eps: Octave's
    # BLAS sums in another order, so the two values agree in magnitude, not in
    # digits (any relative tolerance would be arbitrary). Compare only that both
    # are below the default tolerance 1e4 eps. For a wrong transpose relErr ~ 1e-2
    # is a property of J and Jt; a - t cancels two digits, leaving ~1e-14, so it
    # is compared at 1e-12 relative like any single evaluation. With u orthogonal
    # to J v, relErr is rounding over rounding: the verdict only.
    tolRight = 1e4 * np.finfo(float).eps
    both = max(pyErrR, float(errR))
    rows += [verdictRow("adjointTest", "right Jt verdict", pyR, okR, True),
             ("adjointTest", "right Jt relErr (both <= tol)", both, tolRight, bool(both <= tolRight)),
             verdictRow("adjointTest", "1%-wrong Jt verdict", pyW, okW, False),
             row("adjointTest", "1%-wrong Jt relErr", pyErrW, errW),
             verdictRow("adjointTest", "u orthog. to J v verdict", pyO, okO, True)]
    return rows


def verdictRow(function, quantity, py, oc, expected=None):
    """The verdicts agree (and, when ``expected`` is given, are that verdict)."""
    same = bool(py) == bool(oc) and (expected is None or bool(py) == expected)
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
    runs += [newtonCG(roundedDifferently(lambda x: singleLayerNNObjFun(x, Y, Cobs, m), seed), x0, quiet)
             for seed in range(3)]
    rows += historyRows("newtonCG (inverse crime)", runs, *pull(session, "hisc", "xAllc"))
    return rows


def roundedDifferently(fun, seed):
    """``fun`` with every output entry (f, g and H v) moved by up to one ulp at random.

    A model of another implementation of the same formulas (Octave's tanh, exp
    and BLAS round differently at every evaluation, not only once at the input).
    """
    rng, eps = np.random.default_rng(seed), np.finfo(float).eps

    def jitter(a):
        return a * (1 + eps * rng.uniform(-1, 1, np.shape(a)))

    def noisyFun(x):
        f, g, H = fun(x)
        return jitter(f), jitter(g), lambda v: jitter(H(v))

    return noisyFun


def onePastEach(a):
    """Each entry moved by one ulp: the smallest change of the input there is."""
    return np.nextafter(np.asarray(a, dtype=float), np.inf)


def historyRows(function, runs, hisOc, xAllOc):
    """Compare the history and iterates of Python (runs[0]) with Octave.

    The iterates of Newton-CG amplify rounding (the CG solves stop early on an
    ill-conditioned H), so the tolerance is measured, not chosen: the spread
    of Python's own history when its inputs move by one ulp, or when every
    evaluation is rounded differently (runs[1:]), times 10; never below 1e-12.
    Over seeds 0-11 of the inverse crime, Octave's difference was 0.9-6 times
    that spread (it ranges from 1e-11 to 3e-4 with the seed: the iteration is
    that sensitive). The discrete decisions (line-search trials, the CG
    iterate returned) must agree exactly.
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
