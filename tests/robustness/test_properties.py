"""Property-based tests: random shapes (n, nf, m, nc from 1 to 40), both float dtypes, random data.

For every generated problem:

- every transposed Jacobian passes the adjoint test ``u'(J v) = v'(J' u)`` at the
  dtype's tolerance, and every Hessian mat-vec is symmetric and positive semi-definite;
- every derivative passes the Taylor test (E1 = O(h^2), order about 2);
- the invariants of the cross entropy hold: E and its gradient are unchanged when a
  constant is added to a row of S, and when the examples are permuted together with C;
  E >= the entropy of C (equality iff the softmax of S is C);
- results keep the shapes of the lecture and the dtype of the inputs.

Hypothesis runs derandomized (the same examples on every run, so CI is reproducible)
with a budget per property; each example is counted in the run's summary.
Runtime target: < 30 s for this module on one core.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from robustnessCounts import recordNote, recordProperty

from checkDerivative import adjointTest, checkDerivative
from crossEntropy import crossEntropy
from genTikhonov import genTikhonov
from sinActivation import sinActivation
from singleLayer import singleLayer
from singleLayerNNObjFun import singleLayerNNObjFun
from smoothRelU import smoothRelU
from softMax import softMax
from support.vecmat import vec
from tanhActivation import tanhActivation

BUDGET = settings(max_examples=100, deadline=None, derandomize=True, database=None)

dims = st.integers(1, 40)
dtypes = st.sampled_from([np.float64, np.float32])
seeds = st.integers(0, 2 ** 32 - 1)


def probabilities(rng, n, nc, dtype):
    """Rows that sum to 1: dense, one-hot, or with zeros."""
    kind = rng.integers(3)
    if kind == 0:
        C = rng.random((n, nc))
    elif kind == 1:
        C = np.eye(nc)[rng.integers(nc, size=n)]
    else:
        C = rng.random((n, nc)) * (rng.random((n, nc)) < 0.5)
        C[np.arange(n), rng.integers(nc, size=n)] += 0.5
    return (C / C.sum(axis=1, keepdims=True)).astype(dtype)


def problem(n, nf, m, nc, dtype, seed):
    rng = np.random.default_rng(seed)
    data = dict(K=rng.standard_normal((nf, m)) / np.sqrt(nf), b=float(rng.standard_normal()),
                Y=rng.standard_normal((n, nf)), W=rng.standard_normal((m, nc)),
                Z=np.tanh(rng.standard_normal((n, m))))
    data = {k: (v.astype(dtype) if isinstance(v, np.ndarray) else v) for k, v in data.items()}
    data["C"] = probabilities(rng, n, nc, dtype)
    return data, rng


def direction(rng, shape, dtype):
    """A random direction of unit norm: the Taylor test's h then is the size of the step."""
    v = rng.standard_normal(shape)
    return (v / max(np.linalg.norm(v), 1e-300)).astype(dtype)


def alongV(fun, x0, v):
    """J v from what ``fun(x0)`` returns: a closure, or the gradient of a scalar f."""
    dF = fun(x0)[1]
    return np.asarray(dF(v) if callable(dF) else np.vdot(dF, v), dtype=np.float64)


def taylor(make, dtype, rng):
    """Taylor test of ``fun, x0 = make(dtype)`` along a random unit direction.

    In float64 the test must pass. float32 leaves E1 = c h^2 only a few halvings
    above its rounding floor: a 1% error of J v along a direction of small |J v|
    can hide below it, and a direction of small curvature c can leave too few
    steps to measure the order (about 1 random direction in 100 of the
    objective). So a float32 problem must also pass in float64 (its float32
    data, exactly), with the same J v to float32 rounding; its own float32 test
    must pass too, or else is counted as inconclusive in the summary.
    """
    fun, x0 = make(dtype)
    v = direction(rng, np.shape(x0), dtype)
    passed, table = checkDerivative(fun, x0, v=v, verbose=False)
    if dtype == np.float64:
        if passed:
            recordNote("Taylor tests passed in float64")
        return passed, table
    fun64, x64 = make(np.float64)
    v64 = v.astype(np.float64)
    passed64, table64 = checkDerivative(fun64, x64, v=v64, verbose=False)
    Jv32, Jv64 = alongV(fun, x0, v), alongV(fun64, x64, v64)
    agree = np.abs(Jv32 - Jv64).max() <= 1e3 * np.finfo(np.float32).eps * max(np.abs(Jv64).max(), 1e-30)
    if passed64 and agree:
        recordNote("float32 Taylor tests passed (and in float64)" if passed else
                   "float32 Taylor tests inconclusive at float32's noise, passed in float64, same J v")
    return passed64 and agree, (table, table64)


def cast(d, dtype):
    """The problem's data in another dtype (the float32 values, exactly, in float64)."""
    return {k: (v.astype(dtype) if isinstance(v, np.ndarray) else v) for k, v in d.items()}


def adjoint(J, Jt, shapeV, shapeU, rng, dtype):
    return adjointTest(J, Jt, rng.standard_normal(shapeV).astype(dtype),
                       rng.standard_normal(shapeU).astype(dtype))


def psd(Hv, v, dtype):
    """v'Hv >= 0 up to rounding in the dtype."""
    Hv = np.asarray(Hv, dtype=np.float64)
    return np.vdot(v, Hv) >= -100 * np.finfo(dtype).eps * np.linalg.norm(v) * np.linalg.norm(Hv)


# --------------------------------------------------------------------------------------------
# singleLayer: adjoint tests of the three transposes and Taylor tests of the three Jacobians
# --------------------------------------------------------------------------------------------

@BUDGET
@given(n=dims, nf=dims, m=dims, dtype=dtypes, seed=seeds)
def test_layer_transposes_pass_the_adjoint_test(n, nf, m, dtype, seed):
    recordProperty("singleLayer: JKt, Jbt, JYt adjoint to JK, Jb, JY")
    d, rng = problem(n, nf, m, 1, dtype, seed)
    Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(d["K"], d["b"], d["Y"])
    assert Z.shape == (n, m) and Z.dtype == dtype
    for J, Jt, shapeV in [(JK, JKt, (nf, m)), (Jb, Jbt, ()), (JY, JYt, (n, nf))]:
        passed, relErr = adjoint(J, Jt, shapeV, (n, m), rng, dtype)
        assert passed, (J.__name__, relErr)
        assert J(rng.standard_normal(shapeV).astype(dtype)).shape == (n, m)
    assert JKt(Z).shape == (nf, m) and JYt(Z).shape == (n, nf) and np.ndim(Jbt(Z)) == 0


@BUDGET
@given(n=dims, nf=dims, m=dims, dtype=dtypes, seed=seeds)
def test_layer_jacobians_pass_the_taylor_test(n, nf, m, dtype, seed):
    recordProperty("singleLayer: Taylor test of JK, Jb, JY")
    d, rng = problem(n, nf, m, 1, dtype, seed)

    def JK(dt):
        e = cast(d, dt)
        return lambda K: singleLayer(K, e["b"], e["Y"])[0::4][:2], e["K"]

    def Jb(dt):
        e = cast(d, dt)
        return lambda b: singleLayer(e["K"], b, e["Y"])[0::5], np.array(e["b"], dtype=dt)

    def JY(dt):
        e = cast(d, dt)
        return lambda Y: (singleLayer(e["K"], e["b"], Y)[0], singleLayer(e["K"], e["b"], Y)[6]), e["Y"]

    for make in (JK, Jb, JY):
        passed, table = taylor(make, dtype, rng)
        assert passed, (make.__name__, table)


@BUDGET
@given(n=dims, nf=dims, dtype=dtypes, seed=seeds,
       act=st.sampled_from([tanhActivation, sinActivation, smoothRelU]))
def test_activation_derivatives_pass_the_taylor_test(n, nf, dtype, seed, act):
    recordProperty("activations: Taylor test of dA")
    Y = np.random.default_rng(seed).standard_normal((n, nf))
    if act is smoothRelU and dtype == np.float32:
        # C^1 only: within d of a joint (+-eta = +-0.1) the h^2 regime starts at h ~ d; float32's
        # noise floor then leaves fewer than 3 steps to measure the order. Keep d >= 0.05.
        nearJoint = np.abs(np.abs(Y) - 0.1) < 0.05
        Y = np.where(nearJoint, Y + 0.1 * np.sign(Y), Y)

    def fun(Y):
        A, dA = act(Y)
        return A, lambda V: dA * V

    Y = Y.astype(dtype)
    passed, table = taylor(lambda dt: (fun, Y.astype(dt)), dtype, np.random.default_rng(seed + 1))
    assert passed, table
    assert act(Y)[0].dtype == dtype


# --------------------------------------------------------------------------------------------
# crossEntropy and softMax: gradients, exact Hessians (symmetric PSD), invariants
# --------------------------------------------------------------------------------------------

@BUDGET
@given(n=dims, nc=dims, dtype=dtypes, seed=seeds, scale=st.sampled_from([1e-3, 1.0, 30.0]))
def test_cross_entropy_gradient_passes_and_hessian_is_symmetric_psd(n, nc, dtype, seed, scale):
    recordProperty("crossEntropy: Taylor test; Hessian symmetric PSD")
    d, rng = problem(n, 1, 1, nc, dtype, seed)
    S = (scale * rng.standard_normal((n, nc))).astype(dtype)
    C = d["C"]
    passed, table = taylor(lambda dt: (lambda S: crossEntropy(S, C.astype(dt)), S.astype(dt)), dtype, rng)
    assert passed, table
    E, dES, d2ES = crossEntropy(S, d["C"])
    assert dES.shape == (n, nc) and dES.dtype == dtype
    passed, relErr = adjoint(d2ES, d2ES, (n, nc), (n, nc), rng, dtype)
    assert passed, relErr
    v = rng.standard_normal((n, nc)).astype(dtype)
    assert psd(d2ES(v), v, dtype)


@BUDGET
@given(n=dims, m=dims, nc=dims, dtype=dtypes, seed=seeds)
def test_softmax_gradients_pass_and_hessians_are_symmetric_psd(n, m, nc, dtype, seed):
    recordProperty("softMax: Taylor tests of dEW, dEZ; Hessians symmetric PSD")
    d, rng = problem(n, 1, m, nc, dtype, seed)
    W, Z, C = d["W"], d["Z"], d["C"]

    def ofW(dt):
        e = cast(d, dt)
        return lambda W: softMax(W, e["Z"], e["C"])[0:3], e["W"]

    def ofZ(dt):
        e = cast(d, dt)
        return lambda Z: softMax(e["W"], Z, e["C"])[0:5:3] + softMax(e["W"], Z, e["C"])[4:5], e["Z"]

    for make in (ofW, ofZ):
        passed, table = taylor(make, dtype, rng)
        assert passed, (make.__name__, table)
    E, dEW, d2EW, dEZ, d2EZ = softMax(W, Z, C)
    assert dEW.shape == (m, nc) and dEZ.shape == (n, m)
    for d2E, shape in [(d2EW, (m, nc)), (d2EZ, (n, m))]:
        passed, relErr = adjoint(d2E, d2E, shape, shape, rng, dtype)
        assert passed, relErr
        v = rng.standard_normal(shape).astype(dtype)
        assert psd(d2E(v), v, dtype)


@BUDGET
@given(n=dims, nc=dims, dtype=dtypes, seed=seeds, shift=st.floats(-1e3, 1e3))
def test_cross_entropy_is_invariant_to_adding_a_constant_to_a_row_of_S(n, nc, dtype, seed, shift):
    recordProperty("crossEntropy: E, grad unchanged by S(i,:) + c")
    d, rng = problem(n, 1, 1, nc, dtype, seed)
    S = (3 * rng.standard_normal((n, nc))).astype(dtype)
    i = rng.integers(n)
    S2 = S.copy()
    S2[i] += dtype(shift)
    E, dES, _ = crossEntropy(S, d["C"])
    E2, dES2, _ = crossEntropy(S2, d["C"])
    # S2 - S is not exactly the shift after rounding: the tolerance is that of |S2| in the dtype
    tol = 20 * np.finfo(dtype).eps * (np.abs(S2).max() + 1)
    assert abs(E2 - E) <= tol, (E, E2)
    np.testing.assert_allclose(dES2, dES, rtol=0, atol=tol)


@BUDGET
@given(n=dims, nf=dims, m=dims, nc=dims, dtype=dtypes, seed=seeds)
def test_objective_is_invariant_to_permuting_the_examples_with_C(n, nf, m, nc, dtype, seed):
    recordProperty("singleLayerNNObjFun: E, grad unchanged by permuting Y and C together")
    d, rng = problem(n, nf, m, nc, dtype, seed)
    x = (0.5 * rng.standard_normal(nf * m + 1 + m * nc)).astype(dtype)
    perm = rng.permutation(n)
    E, dE, H = singleLayerNNObjFun(x, d["Y"], d["C"], m)
    Ep, dEp, Hp = singleLayerNNObjFun(x, d["Y"][perm], d["C"][perm], m)
    eps = np.finfo(dtype).eps
    assert abs(Ep - E) <= 100 * eps * max(abs(E), 1)
    np.testing.assert_allclose(dEp, dE, rtol=0, atol=100 * eps * max(np.abs(dE).max(), 1e-3))
    v = rng.standard_normal(x.size).astype(dtype)
    np.testing.assert_allclose(Hp(v), H(v), rtol=0, atol=1000 * eps * max(np.abs(H(v)).max(), 1e-3))


@BUDGET
@given(n=dims, nc=dims, dtype=dtypes, seed=seeds, scale=st.sampled_from([0.0, 1.0, 100.0]))
def test_cross_entropy_is_at_least_the_entropy_of_C(n, nc, dtype, seed, scale):
    recordProperty("crossEntropy: E >= entropy(C), = iff softmax(S) = C")
    d, rng = problem(n, 1, 1, nc, dtype, seed)
    C = d["C"].astype(np.float64)
    S = (scale * rng.standard_normal((n, nc))).astype(dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.sum(np.where(C > 0, C * np.log(C), 0.0)) / n
    tol = 10 * np.finfo(dtype).eps * (1 + abs(entropy) + scale)
    assert crossEntropy(S, d["C"])[0] >= entropy - tol
    if (C > 0).all():       # S = log C: the softmax of S is C, and E is the entropy
        Elog = crossEntropy(np.log(C).astype(dtype), d["C"])[0]
        assert abs(Elog - entropy) <= 100 * np.finfo(dtype).eps * (1 + abs(entropy) + np.abs(np.log(C)).max())


# --------------------------------------------------------------------------------------------
# singleLayerNNObjFun: gradient (Taylor) and the Gauss-Newton H (symmetric PSD); genTikhonov
# --------------------------------------------------------------------------------------------

@BUDGET
@given(n=dims, nf=dims, m=dims, nc=dims, dtype=dtypes, seed=seeds)
def test_objective_gradient_passes_and_H_is_symmetric_psd(n, nf, m, nc, dtype, seed):
    recordProperty("singleLayerNNObjFun: Taylor test of dE; H symmetric PSD")
    d, rng = problem(n, nf, m, nc, dtype, seed)
    nx = nf * m + 1 + m * nc
    x = (rng.standard_normal(nx) / np.sqrt(max(nf, m))).astype(dtype)

    def objective(dt):
        e = cast(d, dt)
        return lambda x: singleLayerNNObjFun(x, e["Y"], e["C"], m)[:2], x.astype(dt)

    passed, table = taylor(objective, dtype, rng)
    assert passed, table
    E, dE, H = singleLayerNNObjFun(x, d["Y"], d["C"], m)
    assert dE.shape == (nx,) and dE.dtype == dtype and np.ndim(E) == 0
    passed, relErr = adjoint(H, H, (nx,), (nx,), rng, dtype)
    assert passed, relErr
    v = rng.standard_normal(nx).astype(dtype)
    assert H(v).shape == (nx,) and psd(H(v), v, dtype)


@BUDGET
@given(q=st.integers(1, 40), k=st.integers(1, 5), rows=st.integers(1, 40), dtype=dtypes, seed=seeds)
def test_tikhonov_gradient_and_hessian_pass_the_taylor_test(q, k, rows, dtype, seed):
    recordProperty("genTikhonov: Taylor test of dR and d2R; d2R symmetric PSD")
    rng = np.random.default_rng(seed)
    L = rng.standard_normal((rows, q))
    x = rng.standard_normal(q * k).astype(dtype)
    passed, table = taylor(lambda dt: (lambda x: genTikhonov(x, 0.3, L), x.astype(dt)), dtype, rng)
    assert passed, table
    # R is quadratic: E2 = |R(x+hv) - R - h dR'v - h^2/2 v'd2R v| is 0 but for rounding (no order 3 to
    # measure), at every h. Checked in float64 (float32's data, exactly): rounding is a few eps of the
    # terms' size S >= |R(x + hv)|, |h dR'v|, |h^2/2 v'd2R v| (v has unit norm, h <= 1/2).
    table64 = table[1] if isinstance(table, tuple) else table
    S = 0.5 * 0.3 * (np.linalg.norm(L) * (np.linalg.norm(x.astype(np.float64)) + 1)) ** 2
    assert np.all(table64[:, 3] <= 100 * np.finfo(np.float64).eps * S), (table64[:, 3], S)
    d2R = genTikhonov(x, 0.3, L)[2]
    passed, relErr = adjoint(d2R, d2R, x.shape, x.shape, rng, dtype)
    assert passed, relErr
    v = rng.standard_normal(x.shape).astype(dtype)
    assert psd(d2R(v), v, dtype)


def wrongObjective(d, x, factor):
    """``make(dtype)`` for the objective whose gradient is ``factor`` times the right one."""
    def make(dt):
        e = cast(d, dt)

        def fun(x):
            E, dE, H = singleLayerNNObjFun(x, e["Y"], e["C"], 4)
            return E, factor * dE

        return fun, x.astype(dt)

    return make


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_checks_of_the_properties_fail_on_wrong_derivatives(dtype):
    """The properties above can fail: the same checks reject a 1% JKt and a 1% gradient."""
    rng = np.random.default_rng(0)
    d, _ = problem(7, 5, 4, 3, dtype, 1)
    Z, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(d["K"], d["b"], d["Y"])
    assert adjoint(JK, JKt, (5, 4), (7, 4), rng, dtype)[0]
    assert not adjoint(JK, lambda U: 1.01 * JKt(U), (5, 4), (7, 4), rng, dtype)[0]
    x = (0.5 * rng.standard_normal(5 * 4 + 1 + 4 * 3)).astype(dtype)
    assert taylor(wrongObjective(d, x, 1.0), dtype, rng)[0]
    for seed in range(10):       # wrong along every direction; in float32 possibly via float64
        assert not taylor(wrongObjective(d, x, 1.01), dtype, np.random.default_rng(seed))[0]
    v = rng.standard_normal((7, 4)).astype(dtype)
    w = 1 + Z * Z                                                       # positive weights: diag(w) is SPD
    assert not psd(-w * v, v, dtype) and psd(w * v, v, dtype)           # psd() says no, and yes
    assert psd(0 * v, v, dtype)                                         # PSD, singular: v'Hv = 0
    assert vec(np.arange(6).reshape(2, 3)).tolist() == [0, 3, 1, 4, 2, 5]
