"""newtonCG: convergence, the course's line search, history, fallbacks, statuses and the forcing term."""

import warnings

import numpy as np
import pytest
from helpers import orders

import newtonCG as newtonCGModule
from checkDerivative import checkDerivative
from newtonCG import forcingTerm, newtonCG
from Rosenbrock import Rosenbrock
from singleLayer import singleLayer
from singleLayerNNObjFun import singleLayerNNObjFun
from steepestDescent import steepestDescent
from support.pcg import pcg

QUIET = {"verbose": False}


def test_converges_on_rosenbrock_from_4_2():
    x, his, xAll = newtonCG(Rosenbrock, [4.0, 2.0], {"maxIter": 100, "gradTol": 1e-8, **QUIET})
    assert his["status"] == 1 and "gradient tolerance" in his["message"]
    np.testing.assert_allclose(x, [1.0, 1.0], atol=1e-8)
    assert np.all(np.diff(his["obj"]) < 0)            # the line search only accepts decrease


def test_rosenbrock_gradient_and_hessian_pass_the_taylor_test():
    """Rosenbrock's df and d2f, the optimisers' test function: E1 order 2, E2 order 3 (exact Hessian)."""
    passed, table = checkDerivative(Rosenbrock, np.array([-1.2, 1.0]), rng=0, verbose=False)
    assert passed
    order1 = orders(table[4:10, 2])
    order2 = orders(table[4:10, 3])
    assert np.all(order1 > 1.9), order1
    assert np.all(order2 > 2.8), order2


def test_history_shapes_follow_the_iterations():
    x, his, xAll = newtonCG(Rosenbrock, [4.0, 2.0], QUIET)    # course default: 10 iterations
    assert his["status"] == 0
    for key in ("obj", "normGrad", "mu", "lsIter", "cgIter", "cgRelRes"):
        assert his[key].shape == (11,), key
    assert xAll.shape == (11, 2)
    np.testing.assert_array_equal(xAll[0], [4.0, 2.0])
    np.testing.assert_array_equal(xAll[-1], x)
    assert his["obj"][-1] == Rosenbrock(x)[0]
    assert np.all(his["lsIter"][1:] >= 1) and np.all(his["cgIter"][1:] >= 0)


def test_step_grows_by_1_5_after_a_first_trial_accept_and_halves_on_failure():
    x, his, xAll = newtonCG(Rosenbrock, [4.0, 2.0], {"maxIter": 30, **QUIET})
    mu, ls = his["mu"][1:], his["lsIter"][1:]
    muNext = 1.0
    for k in range(len(mu)):
        assert mu[k] == muNext * 0.5 ** (ls[k] - 1)
        muNext = min(1.5 * mu[k], 1.0) if ls[k] == 1 else mu[k]


def test_reduces_the_inverse_crime_loss():
    rng = np.random.default_rng(5)
    n, nf, nc, m = 500, 50, 10, 40
    Wtrue, Ktrue = rng.standard_normal((m, nc)), rng.standard_normal((nf, m))
    Y = rng.standard_normal((n, nf))
    Cobs = np.exp(singleLayer(Ktrue, 0.1, Y)[0] @ Wtrue)
    Cobs /= Cobs.sum(axis=1, keepdims=True)
    Emin = -np.sum(Cobs * np.log(Cobs)) / n
    x0 = 0.1 * rng.standard_normal(nf * m + 1 + m * nc)
    x, his, xAll = newtonCG(lambda x: singleLayerNNObjFun(x, Y, Cobs, m), x0,
                            {"maxIter": 20, **QUIET})
    assert his["obj"][-1] - Emin < 0.05 * (his["obj"][0] - Emin)
    assert xAll.shape == (21, x0.size)


def test_non_descent_cg_direction_falls_back_to_steepest_descent():
    def concaveH(x):       # f convex, but the "Hessian" handed over is negative definite
        return 0.5 * x @ x, x, -np.eye(x.size)

    x0 = np.array([1.0, -2.0])
    x, his, xAll = newtonCG(concaveH, x0, {"maxIter": 1, **QUIET})
    step = xAll[1] - xAll[0]
    np.testing.assert_allclose(step / np.linalg.norm(step), -x0 / np.linalg.norm(x0))


def test_zero_cg_step_falls_back_to_normalised_gradient():
    def zeroH(x):
        return 0.5 * x @ x, x, np.zeros((x.size, x.size))

    x0 = np.array([3.0, 4.0])
    with np.errstate(all="ignore"):
        x, his, xAll = newtonCG(zeroH, x0, {"maxIter": 1, **QUIET})
    np.testing.assert_allclose(xAll[1] - xAll[0], -x0 / 5)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_trial_objective_is_a_failed_trial(bad):
    def undefinedBeyond2(x):    # f = (x - 3)^2, but NaN/inf for x > 2: the full step overshoots
        f = bad if x[0] > 2 else (x[0] - 3) ** 2
        return f, 2 * (x - 3), 2 * np.eye(1)

    x, his, xAll = newtonCG(undefinedBeyond2, [0.0], {"maxIter": 4, **QUIET})
    assert np.all(np.isfinite(his["obj"])) and np.all(xAll <= 2)
    assert his["lsIter"][1] == 2 and xAll[1, 0] == 1.5     # 3 failed, 1.5 accepted


def test_line_search_failure_is_reported_and_returns_last_iterate():
    def wrongGradient(x):
        return x @ x, -x, np.eye(x.size)                  # the step goes uphill

    with pytest.warns(UserWarning, match="line search failed"):
        x, his, xAll = newtonCG(wrongGradient, [1.0, 1.0], {"maxIter": 3, **QUIET})
    assert his["status"] == 2 and "line search" in his["message"]
    np.testing.assert_array_equal(x, [1.0, 1.0])


def test_callback_can_stop_and_keyboard_interrupt_returns_the_last_iterate():
    seen = []
    x, his, _ = newtonCG(Rosenbrock, [4.0, 2.0], {"callback": lambda x: seen.append(x) or len(seen) == 3,
                                                  **QUIET})
    assert his["status"] == 3 and len(seen) == 3 and len(his["obj"]) == 4

    calls = []

    def interrupted(x):
        calls.append(1)
        if len(calls) == 6:
            raise KeyboardInterrupt
        return Rosenbrock(x)

    x, his, xAll = newtonCG(interrupted, [4.0, 2.0], {"maxIter": 50, **QUIET})
    assert his["status"] == 4 and "interrupted" in his["message"]
    np.testing.assert_array_equal(x, xAll[-1])
    assert his["obj"][-1] == Rosenbrock(x)[0]


def test_sufficient_decrease_constant_is_honoured():
    """Every accepted step mu s = x_k+1 - x_k satisfies f_k+1 < f_k + c1 g_k'(mu s) with c1 = 0.1.

    Not just any decrease: with c1 ignored (any decrease accepted) some step on the way from [4, 2]
    decreases f by less than c1 asks.
    """
    c1 = 0.1
    x, his, xAll = newtonCG(Rosenbrock, [4.0, 2.0], {"maxIter": 20, "c1": c1, **QUIET})
    for k in range(len(xAll) - 1):
        g = Rosenbrock(xAll[k])[1]
        assert his["obj"][k + 1] < his["obj"][k] + c1 * np.vdot(g, xAll[k + 1] - xAll[k]), k


def test_prints_one_line_per_iteration_by_default(capsys):
    x, his, _ = newtonCG(Rosenbrock, [4.0, 2.0], {"maxIter": 2})
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["iter", "obj", "norm(grad)", "mu", "LS", "CG", "CG", "relres"]
    assert [line.split()[0] for line in out[1:4]] == ["0", "1", "2"]
    assert float(out[3].split()[1]) == pytest.approx(his["obj"][2], rel=1e-6)
    assert int(out[3].split()[4]) == his["lsIter"][2]


def test_verbose_2_prints_the_courses_table_with_every_trial(capsys):
    x, his, _ = newtonCG(Rosenbrock, [4.0, 2.0], {"maxIter": 2, "verbose": 2})
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["=== newtonCG (maxIter: 2) ===", "iter\t obj func\tnorm(grad)"]
    assert out[2] == f"  1.0\t{his['obj'][0]:3.2e}\t{his['normGrad'][0]:3.2e}"   # '%3d.0\t%3.2e\t%3.2e'
    trials = [line for line in out if line.startswith("  2.") and not line.startswith("  2.0")]
    assert len(trials) == his["lsIter"][2]                       # one line per line-search trial ...
    last = f"  2.{his['lsIter'][2]}\t{his['obj'][2]:3.2e}\t{his['normGrad'][2]:3.2e}"
    assert trials[-1] == last                                    # ... the last one accepted


def test_bad_parameters_are_rejected():
    with pytest.raises(ValueError, match="unknown entries.*maxiter"):
        newtonCG(Rosenbrock, [4.0, 2.0], {"maxiter": 3})
    with pytest.raises(TypeError, match="maxIterCG"):
        newtonCG(Rosenbrock, [4.0, 2.0], {"maxIterCG": 2.5})
    with pytest.raises(TypeError, match="callback"):
        newtonCG(Rosenbrock, [4.0, 2.0], {"callback": 3})
    with pytest.raises(ValueError, match="gradient with shape"):
        newtonCG(lambda x: (0.0, np.zeros(3), np.eye(2)), [4.0, 2.0], QUIET)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        newtonCG(Rosenbrock, np.array([4, 2]), QUIET)       # integers are fine


# ---------------------------------------------------------- the adaptive forcing term, the last CG iterate
def illConditioned(n=60, seed=0, smallest=1e-6):
    """An SPD matrix with eigenvalues from ``smallest`` to 1 and a right-hand side."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = (Q * np.logspace(np.log10(smallest), 0, n)) @ Q.T
    return (A + A.T) / 2, rng.standard_normal(n)


def test_forcingTerm_is_min_half_sqrt_of_the_relative_gradient():
    assert forcingTerm(1.0, 1.0) == 0.5
    assert forcingTerm(4.0, 1.0) == 0.5
    assert forcingTerm(1e-2, 1.0) == pytest.approx(0.1, rel=1e-15)
    assert forcingTerm(1e-6, 1e-2) == pytest.approx(1e-2, rel=1e-15)


def test_adaptive_forcing_hands_eta_k_to_cg(monkeypatch):
    A, c = illConditioned(smallest=1e-2)
    tols = []

    def recordingPcg(H, b, tolCG, maxIterCG, lastIterate=False):
        tols.append(tolCG)
        return pcg(H, b, tolCG, maxIterCG, lastIterate)

    monkeypatch.setattr(newtonCGModule, "pcg", recordingPcg)
    quadratic = lambda x: (0.5 * x @ A @ x - c @ x, A @ x - c, A)  # noqa: E731
    _, his, _ = newtonCG(quadratic, np.zeros(c.size),
                         {"maxIter": 6, "forcing": "adaptive", "maxIterCG": 5, "verbose": False})
    normGrad = his["normGrad"]
    expected = np.minimum(0.5, np.sqrt(normGrad[:-1] / normGrad[0]))
    np.testing.assert_allclose(tols, expected, rtol=1e-15)
    assert tols[0] == 0.5 and min(tols) < 0.5      # loose first, tighter as the gradient drops


def test_default_keeps_the_course_tolerance(monkeypatch):
    A, c = illConditioned()
    tols = []
    def recordingPcg(H, b, tol, maxit, lastIterate=False):
        tols.append(tol)
        return pcg(H, b, tol, maxit, lastIterate)

    monkeypatch.setattr(newtonCGModule, "pcg", recordingPcg)
    newtonCG(lambda x: (0.5 * x @ A @ x - c @ x, A @ x - c, A), np.zeros(c.size),
             {"maxIter": 3, "verbose": False})
    assert tols == [1e-2] * 3


@pytest.mark.parametrize("entry, value", [("forcing", "fast"), ("forcing", 0.1), ("cgIterate", "best")])
def test_unknown_option_values_are_rejected_naming_the_entry(entry, value):
    with pytest.raises(ValueError, match=f"param\\['{entry}'\\]"):
        newtonCG(lambda x: (x @ x, 2 * x, 2 * np.eye(x.size)), np.ones(3), {entry: value, "verbose": False})


def test_adaptive_last_iterate_fits_the_inverse_crime_better_than_the_course_defaults():
    rng = np.random.default_rng(3)
    n, nf, nc, m = 500, 50, 10, 40                     # the slides' test problem
    Wtrue, Ktrue, Y = rng.standard_normal((m, nc)), rng.standard_normal((nf, m)), rng.standard_normal((n, nf))
    Cobs = np.exp(singleLayer(Ktrue, 0.1, Y)[0] @ Wtrue)
    Cobs /= Cobs.sum(axis=1, keepdims=True)
    Emin = -np.sum(Cobs * np.log(Cobs)) / n
    x0 = 0.1 * rng.standard_normal(nf * m + 1 + m * nc)
    fun = lambda x: singleLayerNNObjFun(x, Y, Cobs, m)  # noqa: E731
    common = {"maxIter": 25, "verbose": False, "storeIterates": False}
    _, course, _ = newtonCG(fun, x0, common)
    _, adaptive, _ = newtonCG(fun, x0, {**common, "forcing": "adaptive", "maxIterCG": 20,
                                        "cgIterate": "last"})
    assert adaptive["obj"][-1] - Emin < 0.5 * (course["obj"][-1] - Emin)


# ---------------------------------------------------------- sufficient decrease, tolCG, the last status
def bowlWithHessian(h):
    """f = 0.5 x^2 with a Hessian h that is wrong on purpose: the Newton step is -x/h."""
    return lambda x: (0.5 * float(x @ x), x.copy(), np.array([[h]]))


def test_a_first_trial_that_increases_f_is_rejected_with_c1_positive():
    """h = 0.4: the first trial lands at -1.5 x, f grows from 0.5 to 1.125; mu = 1/2 decreases f.

    Catches a line search that takes the first trial. Not a flipped sign, f(x) - c1 mu g's: with
    c1 = 0.1 that allows f to grow only to 0.75 and rejects this trial too;
    test_sufficient_decrease_rejects_an_increase_that_a_flipped_sign_would_accept catches it.
    """
    _, his, _ = newtonCG(bowlWithHessian(0.4), np.ones(1), {"maxIter": 1, "c1": 0.1, **QUIET})
    assert his["lsIter"][1] == 2 and his["obj"][1] < his["obj"][0]


def test_the_sufficient_decrease_constant_decides_between_two_decreasing_trials():
    """h = 0.55: the first trial decreases f to 0.669 f, less than c1 = 0.1 asks (0.636 f)."""
    _, his0, _ = newtonCG(bowlWithHessian(0.55), np.ones(1), {"maxIter": 1, "c1": 0.0, **QUIET})
    _, his1, _ = newtonCG(bowlWithHessian(0.55), np.ones(1), {"maxIter": 1, "c1": 0.1, **QUIET})
    assert his0["lsIter"][1] == 1 and his0["obj"][1] == pytest.approx(0.5 * (1 - 1 / 0.55) ** 2)
    assert his1["lsIter"][1] == 2


def illConditioned1e3(n=40, seed=0):
    rng = np.random.default_rng(seed)
    Q = np.linalg.qr(rng.standard_normal((n, n)))[0]
    return Q @ np.diag(np.logspace(0, 3, n)) @ Q.T, rng.standard_normal(n)


def test_newtonCG_hands_tolCG_to_the_cg_solve(monkeypatch):
    A, c = illConditioned1e3()
    tols, its = [], []

    def recordingPcg(H, b, tol, maxit, lastIterate=False):
        tols.append(tol)
        out = pcg(H, b, tol, maxit, lastIterate)
        its.append(out[3])
        return out

    monkeypatch.setattr(newtonCGModule, "pcg", recordingPcg)
    quadratic = lambda x: (0.5 * x @ A @ x - c @ x, A @ x - c, A)   # noqa: E731
    newtonCG(quadratic, np.zeros(c.size), {"maxIter": 1, "tolCG": 0.3, "maxIterCG": 100, **QUIET})
    newtonCG(quadratic, np.zeros(c.size), {"maxIter": 1, "tolCG": 1e-8, "maxIterCG": 100, **QUIET})
    assert tols == [0.3, 1e-8] and its[0] < its[1]


@pytest.mark.parametrize("optimiser", [newtonCG, steepestDescent])
def test_the_gradient_tolerance_met_on_the_last_allowed_iteration_is_status_1(optimiser):
    """Catches reporting 'maximum number of iterations' when gradTol was reached by the last one."""
    def bowl(x):
        return 0.5 * float(x @ x), x.copy(), np.eye(x.size)

    param = {"maxIter": 1, "gradTol": 1e-12, **QUIET}
    if optimiser is steepestDescent:
        param["maxStep"] = 10.0                    # the full step -g reaches the minimiser at once
    _, his, _ = optimiser(bowl, np.array([3.0, -4.0]), param)
    assert len(his["obj"]) == 2 and his["normGrad"][-1] <= 1e-12
    assert his["status"] == 1, his["message"]


def test_sufficient_decrease_rejects_an_increase_that_a_flipped_sign_would_accept():
    """f = 0.5 x^2 with a wrong Hessian 0.4 (step -2.5 x), c1 = 0.5: the first trial raises f from 0.5 to
    1.125, below f - c1 mu g's = 1.75, so f(x + mu s) < f(x) - c1 mu g's (the sign flipped) accepts it;
    the rule f(x) + c1 mu g's accepts only mu = 1/4 (f = 0.0703 < 0.1875; mu = 1/2 gives 0.031 > -0.125)."""
    _, his, _ = newtonCG(lambda x: (0.5 * float(x @ x), x.copy(), np.array([[0.4]])), np.ones(1),
                         {"maxIter": 1, "c1": 0.5, "verbose": 0})
    assert his["lsIter"][1] == 3 and his["mu"][1] == 0.25
    assert his["obj"][1] == pytest.approx(0.5 * 0.375 ** 2)
