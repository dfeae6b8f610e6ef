"""The mistakes a student makes on purpose or not: the message blames the right argument, no silent outcome.

Most likely of all for anyone coming from the course's MATLAB code: examples in
columns (Y nf x n, K m x nf, C nc x n). Each message must name the argument most
likely wrong, its shape, the expected shape, and say when the shapes fit the
course's column layout.
"""

import subprocess
import sys

import numpy as np
import pytest

from crossEntropy import crossEntropy
from newtonCG import newtonCG
from sgd import sgd
from singleLayer import singleLayer
from singleLayerAdvObjFun import singleLayerAdvObjFun
from singleLayerNNObjFun import singleLayerNNObjFun, xLength
from softMax import softMax

rng = np.random.default_rng(5)
n, nf, m, nc = 12, 5, 4, 3
K, b, Y = rng.standard_normal((nf, m)), 0.1, rng.standard_normal((n, nf))
C = np.eye(nc)[rng.integers(nc, size=n)]
x = rng.standard_normal(xLength(nf, m, nc))
LAYOUT = "looks like the course's column layout"


def test_K_transposed_is_blamed_on_K():
    with pytest.raises(ValueError, match=r"K must have Y.shape\[1\]=5 rows \(K is nf x m\), got K with shape "
                                         r"\(4, 5\).*pass K.T"):
        singleLayer(K.T, b, Y)


def test_the_course_layout_is_recognised_in_singleLayer():
    with pytest.raises(ValueError, match=rf"got Y with shape \(5, 12\) and K with shape \(4, 5\): "
                                         rf"this {LAYOUT}"
                                         r".*pass Y.T and K.T"):
        singleLayer(K.T, b, Y.T)


def test_Y_transposed_in_the_objective_is_blamed_on_Y_not_C():
    with pytest.raises(ValueError, match=r"got C with shape \(12, 3\) and Y with shape \(5, 12\): "
                                         r"did you pass Y transposed\? .*pass Y.T"):
        singleLayerNNObjFun(x, Y.T, C, m)


def test_the_course_layout_is_recognised_in_the_objective():
    with pytest.raises(ValueError, match=rf"this {LAYOUT}.*pass Y.T and C.T"):
        singleLayerNNObjFun(x, Y.T, C.T, m)


def test_C_transposed_is_blamed_on_C():
    with pytest.raises(ValueError, match=rf"C must have Y.shape\[0\]=12 rows.*got C with shape \(3, 12\)"
                                         rf".*{LAYOUT}"
                                         r".*pass C.T"):
        singleLayerNNObjFun(x, Y, C.T, m)


def test_a_missing_feature_is_said_not_only_a_wrong_length_of_x():
    with pytest.raises(ValueError, match=r"x must be a vector of length .* got shape \(33,\); it fits nf = 5 "
                                         r"features: does Y have the right columns\?"):
        singleLayerNNObjFun(x, Y[:, :4], C, m)


def test_a_missing_class_is_said_not_only_a_wrong_length_of_x():
    C2 = np.eye(nc - 1)[rng.integers(nc - 1, size=n)]
    with pytest.raises(ValueError, match=r"it fits nc = 3 classes: does C have the right columns\?"):
        singleLayerNNObjFun(x, Y, C2, m)


def test_a_wrong_m_is_said():
    with pytest.raises(ValueError, match=r"it fits m = 4: is m the width of the layer\?"):
        singleLayerNNObjFun(x, Y, C, m + 1)


def test_square_inputs_in_the_course_layout_do_not_run_silently():
    """n = nf = nc: every shape fits both layouts; the course's C has columns summing to 1, not rows."""
    q = 4
    Yc, Kc = rng.standard_normal((q, q)), rng.standard_normal((q, q))
    Cc = rng.random((q, q))
    Cc /= Cc.sum(axis=0, keepdims=True)                # course: each column (example) sums to 1
    xc = rng.standard_normal(xLength(q, q, q))
    with pytest.raises(ValueError, match=rf"each row of C must sum to 1.*but each column does: this {LAYOUT}"
                                         r".*pass Y.T and C.T$"):
        singleLayerNNObjFun(xc, Yc, Cc, q)
    with pytest.raises(ValueError, match=rf"but each column does: this {LAYOUT}.*pass Z.T and C.T$"):
        softMax(Kc, Yc, Cc)


def test_the_course_layout_is_named_whatever_the_shapes():
    """All arguments in the course's layout (examples in columns), n != nc: the layout is named, not
    a normalisation that would silently compute another E."""
    S, Z, W = rng.standard_normal((n, nc)), rng.standard_normal((n, m)), rng.standard_normal((m, nc))
    with pytest.raises(ValueError, match=rf"but each column does: this {LAYOUT}.*pass S.T and C.T$") as err:
        crossEntropy(S.T, C.T)
    assert "normalise" not in str(err.value)
    for bias, Wb in ((False, W), (True, rng.standard_normal((m + 1, nc)))):
        with pytest.raises(ValueError, match=rf"W must have Z.shape\[1\].* rows.*this {LAYOUT}.*"
                                             r"pass W.T, Z.T and C.T$"):
            softMax(Wb.T, Z.T, C.T, bias=bias)
    with pytest.raises(ValueError, match=r"did you pass Z transposed\? \(Z has a row per example: "
                                         r"pass Z.T\)"):
        softMax(W, Z.T, C)
    softMax(W, Z, C)                                         # the lecture's layout runs


def test_a_missing_or_misspelt_argument_names_the_function_called_not_its_check():
    K, Y = rng.standard_normal((nf, m)), rng.standard_normal((n, nf))
    with pytest.raises(TypeError, match=r"^singleLayer\(\) missing 1 required positional argument: 'Y'$"):
        singleLayer(K, 0.1)
    with pytest.raises(TypeError, match=r"^singleLayer\(\) got an unexpected keyword argument 'activation'$"):
        singleLayer(K, 0.1, Y, activation="tanh")
    with pytest.raises(TypeError, match=r"^singleLayerNNObjFun\(\) missing 1 required positional "
                                        r"argument: 'm'$"):
        singleLayerNNObjFun(x, Y, C)
    with pytest.raises(TypeError, match=r"act must be a callable"):     # the checks' own TypeErrors stay
        singleLayer(K, 0.1, Y, act=3)


def test_labels_instead_of_one_hot_C_in_the_adversarial_objective_show_the_one_hot_C():
    K, W, Y = rng.standard_normal((nf, m)), rng.standard_normal((m, nc)), rng.standard_normal((n, nf))
    labels = rng.integers(nc, size=n)
    with pytest.raises(ValueError, match=r"got a vector of shape \(12,\): for labels 0..nc-1 use C = np.eye"):
        singleLayerAdvObjFun(np.zeros(Y.size), Y, K, 0.1, W, labels)
    E = singleLayerAdvObjFun(np.zeros(nf), Y[0], K, 0.1, W, np.eye(nc)[labels[0]])[0]   # one example
    assert E == pytest.approx(singleLayerAdvObjFun(np.zeros(nf), Y[:1], K, 0.1, W, np.eye(nc)[labels[:1]])[0])


def test_a_wrong_m_is_the_first_hint_when_x_does_not_fit():
    for typed in (m + 1, m - 2):        # m - 2 = 2 also fits nf = 13 features, a hint that must come after
        with pytest.raises(ValueError, match=rf"got shape \({x.size},\); it fits m = {m}: is m the width"):
            singleLayerNNObjFun(x, Y, C, typed)


def test_C_whose_rows_do_not_sum_to_1_is_an_error_unless_weights_are_asked_for():
    S = rng.standard_normal((n, nc))
    with pytest.raises(ValueError, match=r"each row of C must sum to 1, got 12 rows that do not "
                                         r"\(row 0 sums to 2\).*probabilities=False"):
        crossEntropy(S, 2 * C)
    with pytest.raises(ValueError, match="each row of C must sum to 1"):
        singleLayerNNObjFun(x, Y, 2 * C, m)
    E2 = crossEntropy(S, 2 * C, probabilities=False)[0]     # general weights, asked for: row i counted c_i
    assert E2 == pytest.approx(2 * crossEntropy(S, C)[0], rel=1e-15)
    assert singleLayerNNObjFun(x, Y, 2 * C, m, probabilities=False)[0] == pytest.approx(
        2 * singleLayerNNObjFun(x, Y, C, m)[0], rel=1e-14)


def batchObjective(x, idx):
    return singleLayerNNObjFun(x, Y[idx], C[idx], m)


def test_sgd_with_n_smaller_than_the_data_is_an_error_not_a_subset():
    with pytest.raises(ValueError, match=r"param\['n'\] = 8, but fun\(x, idx\) accepts idx = \[8\]: "
                                         r"the data has more than n examples"):
        sgd(batchObjective, x, {"n": 8, "verbose": 0})


def test_sgd_with_n_larger_than_the_data_names_n_not_a_bare_IndexError():
    with pytest.raises(ValueError, match=r"param\['n'\] = 20, but fun\(x, idx\) raised IndexError for "
                                         r"idx = 0..19"):
        sgd(batchObjective, x, {"n": 20, "verbose": 0})


def test_sgd_with_the_right_n_trains_on_every_example():
    _, his, _ = sgd(batchObjective, x, {"n": n, "batchSize": 4, "maxEpochs": 2, "rng": 0, "verbose": 0})
    assert his["status"] == 0 and his["obj"][-1] < his["obj"][0]


def test_newtonCG_from_a_stationary_point_says_so(capsys):
    def bowl(x):
        return 0.5 * x @ x, x, np.eye(x.size)

    x0, his, _ = newtonCG(bowl, np.zeros(3), {"maxIter": 5})
    assert his["status"] == 1 and len(his["obj"]) == 1
    assert "x0 is a stationary point" not in his["message"]      # the phrase below, exactly
    assert "(a stationary point of f)" in his["message"] and "at the start" in his["message"]
    assert "a stationary point of f" in capsys.readouterr().out


@pytest.mark.parametrize("script", ["exSingleLayerNN.py", "exSingleLayerPeaks.py", "exAdversarial.py"])
def test_a_misspelt_flag_is_an_error_not_ignored(script):
    result = subprocess.run([sys.executable, script, "--maxiter", "3"], capture_output=True, text=True,
                            cwd=__import__("pathlib").Path(__file__).resolve().parents[2], timeout=60)
    assert result.returncode == 2
    assert "unrecognized arguments: --maxiter" in result.stderr
