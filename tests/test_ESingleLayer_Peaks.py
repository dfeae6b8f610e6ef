"""The course's Peaks experiments (``ESingleLayer_*.py``, experiments/peaksExperiment.py), no Octave.

Each ``ESingleLayer_*.py`` runs headless with small sizes and prints the course's
quantities; the SGD recipe does what it says (faithful: full gradients; default:
batches). The comparison with the course's code in Octave: tests/crosscheck/test_coursePeaks.py.
"""

import os
import pathlib
import re
import subprocess
import sys
import time

import numpy as np
import pytest
import scriptRunner

from experiments.peaksExperiment import (
    COURSE,
    coursePeaksData,
    peaksObjective,
    startWeights,
    trainSGD,
)

ROOT = pathlib.Path(__file__).resolve().parents[1]


ERRORS = re.compile(r"training error (\d+\.\d\d)% validation error (\d+\.\d\d)%")


def runScript(script, *args):
    return scriptRunner.runScript(script, *args, timeout=120)


SMALL = ["--np", "100", "--npVal", "200", "--m", "10", "--quiet"]


@pytest.mark.parametrize("script, flags", [
    ("ESingleLayer_PeaksSGD.py", ["--epochs", "3"]),
    ("ESingleLayer_PeaksVarPro.py", ["--maxIterSD", "2", "--maxIter", "2"]),
])
def test_experiment_script_prints_the_course_s_errors_and_saves_its_picture(script, flags):
    start = time.time()
    out = runScript(script, *SMALL, *flags)
    trainErr, valErr = (float(e) for e in ERRORS.search(out).groups())
    assert trainErr < 60 and valErr < 60                          # chance: 80% (5 classes)
    assert scriptRunner.staleFigures(start, script.replace(".py", "")) == []
    assert not re.search(r"^\s*iter\b", out, re.M)                # --quiet: no iteration table


def test_faithful_newtonCG_prints_the_course_s_table_with_every_trial_and_the_errors():
    start = time.time()
    out = runScript("ESingleLayer_PeaksNewtonCG.py", "--np", "100", "--npVal", "200", "--m", "10",
                    "--maxIterSD", "20", "--maxIter", "3", "--maxIterCG", "20", "--faithful")
    assert "=== steepestDescent (maxIter: 20) ===" in out and "=== newtonCG (maxIter: 3) ===" in out
    assert re.search(r"^\s*1\.1\t", out, re.M) and re.search(r"^\s*2\.0\t", out, re.M)   # k.ls lines
    trainErr, valErr = (float(e) for e in ERRORS.search(out).groups())
    assert trainErr < 60 and valErr < 60
    assert scriptRunner.staleFigures(start, "ESingleLayer_PeaksNewtonCG") == []


def test_plotObjective_has_its_minimum_at_the_true_weights():
    start = time.time()
    out = runScript("ESingleLayer_PlotObjective.py", "--n", "20", "--nf", "10", "--m", "8", "--points", "11")
    pattern = r"min ([\d.]+) at tW = \+0\.00, tK = \+0\.00 \(the entropy of Cobs: ([\d.]+)\)"
    minimum, entropy = re.search(pattern, out).groups()
    assert minimum == entropy
    assert "along tW (tK = 0): 0 of 9" in out                     # convex in W
    assert scriptRunner.staleFigures(start, "ESingleLayer_PlotObjective") == []


def test_a_misspelt_flag_is_an_error_not_ignored():
    result = subprocess.run([sys.executable, "ESingleLayer_PeaksVarPro.py", "--maxiter", "2"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "MPLBACKEND": "Agg"})
    assert result.returncode == 2 and "unrecognized arguments: --maxiter" in result.stderr


def test_faithful_sgd_steps_along_the_full_gradient_and_ours_along_the_batch_s():
    rng = np.random.default_rng(0)
    Y, C, _, _ = coursePeaksData(rng, 20, 20, ns=64)
    m, x0 = 4, startWeights(rng, 2, 4, 5)
    s = {**COURSE["SGD"], "epochs": 1, "lr": 0.05}
    full = peaksObjective(Y, C, m, s)
    xFaithful, _ = trainSGD(Y, C, x0, m, s, faithful=True, rng=1, verbose=0)
    x = x0.copy()
    for _ in range(10):                                           # 20 examples / batches of 2
        x = x - 0.05 * full(x)[1]
    np.testing.assert_allclose(xFaithful, x, rtol=1e-14, atol=1e-15)
    xBatches, _ = trainSGD(Y, C, x0, m, s, faithful=False, rng=1, verbose=0)
    perm, x = np.random.default_rng(1).permutation(20), x0.copy()
    for start in range(0, 20, 2):
        x = x - 0.05 * peaksObjective(Y[perm[start:start + 2]], C[perm[start:start + 2]], m, s)(x)[1]
    np.testing.assert_allclose(xBatches, x, rtol=1e-14, atol=1e-15)


def test_varPro_s_validation_drawn_twice_keeps_the_training_points():
    Y1, C1, Yv1, _ = coursePeaksData(np.random.default_rng(3), 50, 50, ns=64)
    Y2, C2, Yv2, _ = coursePeaksData(np.random.default_rng(3), 50, 50, ns=64, validationTwice=True)
    np.testing.assert_array_equal(Y1, Y2)
    assert not np.array_equal(Yv1, Yv2)
