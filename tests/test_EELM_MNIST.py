"""EELM_MNIST.py at small sizes: it runs, prints the course's quantities, and its linearity measure is right.

Target runtime: < 10 s.
"""

import re
import time

import numpy as np
from scriptRunner import runScript, staleFigures

from EELM_MNIST import linearity
from setupMNIST import setupMNIST

SMALL = ["--nTrain", "300", "--nVal", "100", "--m", "60", "--maxIter", "4"]


def test_script_prints_errors_of_random_features_and_of_the_linear_classifier():
    start = time.time()
    out = runScript("EELM_MNIST.py", *SMALL)
    assert "300 training and 100 validation digits" in out
    rf = re.search(r"random features \(m = 60\).* training error ([\d.]+)% validation error ([\d.]+)%", out)
    lin = re.search(r"linear classifier on the 784 raw pixels.* training error ([\d.]+)% "
                    r"validation error ([\d.]+)%", out)
    assert rf and lin
    assert float(rf[2]) < 60 and float(lin[2]) < 60                       # chance: 90% error
    assert staleFigures(start, "EELM_MNIST") == []


def test_faithful_prints_the_course_s_two_lines():
    out = runScript("EELM_MNIST.py", "--nTrain", "100", "--nVal", "50", "--m", "20", "--maxIter", "1",
                    "--faithful")
    assert re.search(r"^Testing    Error \d+\.\d\d%$", out, re.M)
    assert re.search(r"^Validation Error \d+\.\d\d%$", out, re.M)


def test_the_course_s_scaling_keeps_tanh_nearly_linear_and_unit_scaling_does_not():
    Y = setupMNIST(300, 10, seed=0, verbose=False)[0]
    rng = np.random.default_rng(0)
    nf, m = Y.shape[1], 400
    K, b = rng.standard_normal((nf, m)), 0.5
    course, spreadCourse = linearity(Y, K / np.sqrt(nf * m), b)      # the course's K / sqrt(nf m)
    unit, spreadUnit = linearity(Y, K / np.sqrt(nf), b)
    assert course < 0.1 and unit > 0.3, (course, unit)
    np.testing.assert_allclose(spreadUnit / spreadCourse, np.sqrt(m), rtol=1e-12)
