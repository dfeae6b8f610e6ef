"""newtonCG: convergence, the course's line search, history, fallbacks and statuses."""

import warnings

import numpy as np
import pytest

from newtonCG import newtonCG
from Rosenbrock import Rosenbrock
from singleLayer import singleLayer
from singleLayerNNObjFun import singleLayerNNObjFun
from support.pcg import pcg

QUIET = {"verbose": False}


def test_converges_on_rosenbrock_from_4_2():
    x, his, xAll = newtonCG(Rosenbrock, [4.0, 2.0], {"maxIter": 100, "gradTol": 1e-8, **QUIET})
    assert his["status"] == 1 and "gradient tolerance" in his["message"]
    np.testing.assert_allclose(x, [1.0, 1.0], atol=1e-8)
    assert np.all(np.diff(his["obj"]) < 0)            # the line search only accepts decrease


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


def cgIterates(A, b, k):
    """Plain CG, written out as a reference: all iterates x_0 = 0, ..., x_k and residual norms."""
    x, r = np.zeros_like(b), b.copy()
    p, xs, res = r.copy(), [np.zeros_like(b)], [np.linalg.norm(b)]
    for _ in range(k):
        alpha = (r @ r) / (p @ A @ p)
        x = x + alpha * p
        rNew = r - alpha * A @ p
        p = rNew + (rNew @ rNew) / (r @ r) * p
        r = rNew
        xs.append(x)
        res.append(np.linalg.norm(b - A @ x))
    return xs, np.array(res)


def test_pcg_returns_the_minimum_residual_iterate_like_matlab_pcg():
    rng = np.random.default_rng(6)
    Q = np.linalg.qr(rng.standard_normal((60, 60)))[0]
    A = Q @ np.diag(np.logspace(0, 5, 60)) @ Q.T          # ill-conditioned: residuals oscillate
    g = rng.standard_normal(60)
    xs, res = cgIterates(A, -g, 8)
    assert np.argmin(res) != 8, "the test needs a case where the last residual is not the smallest"
    s, flag, relres, it = pcg(A, -g, 1e-12, 8)
    assert flag == 1                                      # not converged in 8 steps
    best = len(res) - 1 - np.argmin(res[::-1])            # pcg prefers the later one on ties
    assert it == best
    np.testing.assert_allclose(s, xs[best], rtol=1e-8)
    np.testing.assert_allclose(relres, res[best] / np.linalg.norm(g), rtol=1e-6)


def test_pcg_on_convergence_returns_the_solution():
    A = np.diag([1.0, 2.0, 3.0])
    s, flag, relres, it = pcg(A, -np.ones(3), 1e-10, 10)
    np.testing.assert_allclose(s, -1 / np.diag(A))
    assert it == 3 and relres < 1e-10 and flag == 0


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
    x, his, _ = newtonCG(Rosenbrock, [4.0, 2.0], {"maxIter": 20, "c1": 1e-4, **QUIET})
    assert np.all(np.diff(his["obj"]) < 0)


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
