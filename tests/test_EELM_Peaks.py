"""EELM_Peaks.py and the extreme learning it shares (experiments/extremeLearning.py), at small sizes.

Target runtime: < 10 s.
"""

import re
import time

import numpy as np
import pytest
from scriptRunner import runScript, staleFigures

from experiments.extremeLearning import (
    activation,
    errorW,
    features,
    peaksData,
    randomWeights,
    relu,
    singularValues,
    trainW,
)
from support.fastOps import blasLibraries

SMALL = ["--np", "500", "--npTest", "200", "--m", "30", "--maxIter", "5"]


def test_script_prints_training_validation_and_test_errors_for_each_activation():
    start = time.time()
    out = runScript("EELM_Peaks.py", *SMALL)
    assert "training on 400 (the 80% split off), validation 100, test 200" in out
    for act in ("sin", "tanh", "relu"):
        line = re.search(rf"^\s*{act}: objective .* training error ([\d.]+)% validation error ([\d.]+)% "
                         rf"test error ([\d.]+)%", out, re.M)
        assert line and all(0 <= float(e) < 80 for e in line.groups())        # chance: 80% (5 classes)
    assert staleFigures(start, "EELM_Peaks") == []


def test_faithful_trains_on_all_points_and_prints_the_course_s_titles():
    out = runScript("EELM_Peaks.py", "--np", "200", "--npTest", "50", "--m", "10", "--maxIter", "2",
                    "--acts", "sin", "--faithful")
    assert "training on 200 (all, as the course)" in out
    assert re.search(r"^sin - train \d+\.\d\d% val \d+\.\d\d%$", out, re.M)
    assert re.search(r"^\s*1\.1\t", out, re.M)                               # the course's k.ls table


def test_random_features_with_a_larger_width_fit_the_training_points_better():
    rng = np.random.default_rng(0)
    Y, C, iTrain, _, _, _ = peaksData(rng, 300, ns=64, npTest=5)
    errors = []
    for m in (3, 20, 100):
        K, b, W0 = randomWeights(np.random.default_rng(1), 2, m, 5)
        Z = features(Y[iTrain], K, b, activation("sin"))
        W, _ = trainW(Z, C[iTrain], np.zeros_like(W0), 1e-3, {"maxIter": 30, "tolCG": 1e-3, "maxIterCG": 100})
        errors.append(errorW(W, Z, C[iTrain]))
    assert errors[0] > errors[1] > errors[2], errors
    assert errors[0] > 30 and errors[2] < 5, errors                         # measured: 35, 13, 1.3


def test_errorW_is_the_course_s_percentage_of_misclassified_points():
    rng = np.random.default_rng(2)
    Z, W = rng.standard_normal((50, 4)), rng.standard_normal((5, 3))
    C = np.eye(3)[rng.integers(3, size=50)]
    S = np.column_stack([Z, np.ones(50)]) @ W
    Cpred = np.eye(3)[(np.exp(S) / np.exp(S).sum(1, keepdims=True)).argmax(1)]
    assert errorW(W, Z, C) == 100 * np.count_nonzero(np.abs(C - Cpred)) / 2 / np.count_nonzero(C)


def test_relu_is_the_course_s_max_x_0_and_the_names_are_checked():
    X = np.array([[-1.0, 0.0, 2.0]])
    A, dA = relu(X)
    np.testing.assert_array_equal(A, [[0.0, 0.0, 2.0]])
    np.testing.assert_array_equal(dA, [[0.0, 0.0, 1.0]])
    with pytest.raises(ValueError, match="act must be one of"):
        activation("sigmoid")


def test_the_split_is_80_20_and_the_test_points_are_separate():
    Y, C, iTrain, iVal, Yt, Ct = peaksData(np.random.default_rng(0), 100, ns=64, npTest=30)
    assert (iTrain.size, iVal.size, Yt.shape[0]) == (80, 20, 30)
    assert np.array_equal(np.sort(np.concatenate([iTrain, iVal])), np.arange(100))


def test_singularValues_of_a_small_Z_are_svd_s_computed_on_one_blas_thread(monkeypatch):
    if not blasLibraries():
        pytest.skip("threadpoolctl not installed")
    Z = features(np.random.default_rng(0).standard_normal((500, 2)), *randomWeights(1, 2, 30, 5)[:2], "sine")
    svd, seen, before = np.linalg.svd, [], [lib.num_threads for lib in blasLibraries()]

    def spy(*args, **kwargs):                 # records the BLAS threads while the SVD runs
        seen.append([lib.num_threads for lib in blasLibraries()])
        return svd(*args, **kwargs)

    monkeypatch.setattr(np.linalg, "svd", spy)
    np.testing.assert_array_equal(singularValues(Z), svd(Z, compute_uv=False))
    assert seen == [[1] * len(before)]
    assert [lib.num_threads for lib in blasLibraries()] == before
