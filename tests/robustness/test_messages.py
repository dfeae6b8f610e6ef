"""The messages a student meets on common mistakes (issue 21): each names the argument and shows the fix."""

import warnings

import numpy as np
import pytest

from crossEntropy import crossEntropy
from newtonCG import newtonCG
from sgd import sgd
from singleLayerNNObjFun import singleLayerNNObjFun
from singleLayerNNVarProObjFun import singleLayerNNVarProObjFun
from softMax import softMax
from steepestDescent import steepestDescent

n, nf, m, nc = 9, 4, 5, 3
ONE_HOT = (r"C must be one-hot \(or class probabilities\), n x nc, got .*use C = np.eye\(nc\)\[labels\] "
           r"\(the course's labels 1..nc: np.eye\(nc\)\[labels - 1\]\)")


@pytest.fixture
def data():
    rng = np.random.default_rng(21)
    labels = np.arange(n) % nc
    x = 0.1 * rng.standard_normal(nf * m + 1 + m * nc)
    return rng.standard_normal((n, nf)), labels, np.eye(nc)[labels], x


# ---------------------------------------------------------------- C given as labels
@pytest.mark.parametrize("shape", ["vector", "column"])
def test_labels_for_C_are_answered_with_the_one_hot_C(data, shape):
    Y, labels, _, x = data
    C = labels if shape == "vector" else labels[:, None]
    for call in (lambda: singleLayerNNObjFun(x, Y, C, m),
                 lambda: crossEntropy(np.zeros((n, nc)), C),
                 lambda: softMax(np.zeros((m, nc)), np.zeros((n, m)), C),
                 lambda: singleLayerNNVarProObjFun(x[:nf * m + 1], Y, C, m)):
        with pytest.raises(ValueError, match=ONE_HOT):
            call()


def test_a_column_of_labels_is_not_told_to_normalise_C(data):
    Y, labels, _, x = data
    with pytest.raises(ValueError) as err:
        singleLayerNNObjFun(x, Y, labels[:, None] + 1.0, m)        # the course's labels 1..nc
    assert "normalise" not in str(err.value) and "np.eye(nc)[labels]" in str(err.value)


def test_rows_of_probabilities_that_do_not_sum_to_1_still_get_the_normalising_hint(data):
    Y, _, C, x = data
    with pytest.raises(ValueError, match=r"each row of C must sum to 1.*normalise C = C / C.sum"):
        singleLayerNNObjFun(x, Y, 0.5 * C, m)


# ---------------------------------------------------------------- the objective handed to an optimiser
def test_newtonCG_with_f_and_g_only_says_it_got_2_items_and_what_to_do():
    with pytest.raises(TypeError, match=r"fun\(x\) must return a tuple \(f, g, H\), got a tuple of 2 items, "
                                        r"\(f, g\) without H: .*return \(f, g, H\).*or use steepestDescent"):
        newtonCG(lambda x: (x @ x, 2 * x), np.ones(3))


@pytest.mark.parametrize("optimiser", [newtonCG, steepestDescent])
def test_the_objective_without_its_data_shows_the_lambda_that_binds_it(data, optimiser):
    with pytest.raises(TypeError) as err:
        optimiser(singleLayerNNObjFun, data[3])
    message = str(err.value)
    assert message.startswith("fun must take x alone") and "needs its data too (Y, C, m)" in message
    assert "`lambda x: singleLayerNNObjFun(x, Y, C, m)`" in message
    assert "checkObjective" not in message                          # no internal name


def test_sgd_with_the_objective_without_its_data_shows_the_batch_lambda(data):
    with pytest.raises(TypeError, match=r"fun must take x and idx alone \(sgd calls fun\(x, idx\)\).*"
                                        r"`lambda x, idx: singleLayerNNObjFun\(x, Y\[idx\], C\[idx\], m\)`"):
        sgd(singleLayerNNObjFun, data[3], {"n": n})


def test_an_objective_with_defaults_or_star_args_is_called_as_it_is():
    def withDefault(x, scale=2.0):
        return scale * x @ x, 2 * scale * x, 2 * scale * np.eye(x.size)

    def withStarArgs(x, *args):
        return x @ x, 2 * x, 2 * np.eye(x.size)

    for fun in (withDefault, withStarArgs):
        x, his, _ = newtonCG(fun, np.ones(2), {"maxIter": 2, "verbose": 0})
        assert his["obj"][-1] < his["obj"][0]


# ---------------------------------------------------------------- Y transposed
def test_Y_transposed_leads_with_Y_not_with_C(data):
    Y, _, C, x = data
    with pytest.raises(ValueError) as err:
        singleLayerNNObjFun(x, Y.T, C, m)
    assert str(err.value).startswith("Y must be n x nf, a row per example like the 9 rows of C")
    assert str(err.value).endswith("did you pass Y transposed? (pass Y.T)")


def test_C_transposed_leads_with_C_and_both_transposed_names_both(data):
    Y, _, C, x = data
    with pytest.raises(ValueError, match=r"^C must have Y.shape\[0\]=9 rows.*pass C.T\)$"):
        singleLayerNNObjFun(x, Y, C.T, m)
    with pytest.raises(ValueError, match=r"^Y and C must have a row per example.*pass Y.T and C.T$"):
        singleLayerNNObjFun(x, Y.T, C.T, m)
    with pytest.raises(ValueError, match=r"^Y must be n x nf, .*pass Y.T\)$"):
        singleLayerNNVarProObjFun(x[:nf * m + 1], Y.T, C, m)


# ---------------------------------------------------------------- starting at x0 = 0
@pytest.mark.parametrize("optimiser", [newtonCG, steepestDescent])
def test_x0_zero_is_reported_stationary_with_the_advice_of_small_random_weights(data, optimiser):
    Y, _, C, x = data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, his, _ = optimiser(lambda x: singleLayerNNObjFun(x, Y, C, m), np.zeros_like(x), {"verbose": 0})
    assert his["status"] == 1 and len(his["obj"]) == 1
    assert "a stationary point of f" in his["message"]
    assert "start from small random weights" in his["message"]
    assert "np.random.default_rng(0).standard_normal(len(x0))" in his["message"]


def test_a_stationary_x0_that_is_not_zero_gets_no_advice_about_weights():
    _, his, _ = newtonCG(lambda x: (float((x - 1) @ (x - 1)), 2 * (x - 1), 2 * np.eye(2)), np.ones(2),
                         {"verbose": 0})
    assert his["status"] == 1 and "random weights" not in his["message"]
