"""experiments/classProblems.py: the exercise check tells a right answer from a wrong one, and says so."""

import numpy as np
import pytest

from experiments.classProblems import checkClassProblem

n, nf, m = 9, 4, 3

RIGHT = {   # the answers of singleLayer.py, written as a student would
    "JK": lambda V, Y, K, dA: dA * (Y @ V),
    "JKt": lambda U, Y, K, dA: Y.T @ (dA * U),
    "Jb": lambda v, Y, K, dA: dA * v,
    "Jbt": lambda U, Y, K, dA: np.sum(dA * U),
    "JY": lambda V, Y, K, dA: dA * (V @ K),
    "JYt": lambda U, Y, K, dA: (dA * U) @ K.T,
}
WITHOUT_SIGMA_PRIME = {   # the most common mistake: the chain rule stops before sigma'
    "JK": lambda V, Y, K, dA: Y @ V,
    "JKt": lambda U, Y, K, dA: Y.T @ U,
    "Jb": lambda v, Y, K, dA: v * np.ones_like(dA),
    "Jbt": lambda U, Y, K, dA: np.sum(U),
    "JY": lambda V, Y, K, dA: V @ K,
    "JYt": lambda U, Y, K, dA: U @ K.T,
}


@pytest.fixture
def point():
    rng = np.random.default_rng(5)
    return rng.standard_normal((nf, m)), 0.2, rng.standard_normal((n, nf))


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_right_answer_reaches_order_2(point, name, capsys):
    passed, message = checkClassProblem(name, RIGHT[name], *point)
    assert passed is True
    assert "order 2 reached: this is the derivative" in message
    assert message in capsys.readouterr().out
    if name.endswith("t"):
        assert "this is the transpose" in message


@pytest.mark.parametrize("name", sorted(WITHOUT_SIGMA_PRIME))
def test_answer_without_sigma_prime_is_not_the_derivative(point, name):
    passed, message = checkClassProblem(name, WITHOUT_SIGMA_PRIME[name], *point)
    assert passed is False
    assert "not the derivative: E1 falls only like h" in message
    assert f"the solution is {name} in singleLayer.py" in message
    if name.endswith("t"):
        assert "not the transpose" in message


def test_JKt_without_sigma_prime_fails_the_adjoint_test_by_far(point):
    message = checkClassProblem("JKt", WITHOUT_SIGMA_PRIME["JKt"], *point)[1]
    relErr = float(message.split("relative error ")[1].split(":")[0])
    assert relErr > 1e-3


def test_untouched_stub_says_no_answer_yet(point):
    def stub(U, Y, K, dA):
        raise NotImplementedError("exercise 1: a hint")

    passed, message = checkClassProblem("JKt", stub, *point)
    assert passed is None
    assert "no answer yet" in message


def test_answer_that_crashes_is_reported_not_raised(point):
    def typo(U, Y, K, dA):
        return Y.T @ (dB * U)   # noqa: F821 (the typo under test)

    passed, message = checkClassProblem("JKt", typo, *point)
    assert passed is False
    assert "could not be checked: NameError" in message


def test_answer_of_the_wrong_shape_is_reported(point):
    passed, message = checkClassProblem("Jbt", lambda U, Y, K, dA: dA * U, *point)   # the sum forgotten
    assert passed is False
    assert f"returns an array of shape {(n, m)}; J_b' u is a scalar" in message
    passed, message = checkClassProblem("JKt", lambda U, Y, K, dA: (dA * U) @ K.T, *point)   # J_Y' u
    assert passed is False
    assert f"J_vec(K)' u is an array of shape {(nf, m)}" in message

