"""Shared pytest setup: the robustness counts at the end of the run; the classifier's data of
test_crossEntropy and test_softMax.

No BLAS thread limit for the session: the lecture functions run a small problem on one BLAS
thread themselves (``support/fastOps.py``), as they do for a student.
"""

import numpy as np
import pytest
from helpers import classProbabilities
from robustnessCounts import summaryLines


@pytest.fixture
def classifierData():
    """W (m x nc), Z (n x m) and class probabilities C (n x nc) for S = Z W, n, m, nc = 40, 6, 4; the rng."""
    rng = np.random.default_rng(2)
    n, m, nc = 40, 6, 4
    W, Z = rng.standard_normal((m, nc)), rng.standard_normal((n, m))
    return W, Z, classProbabilities(rng, n, nc), rng


def pytest_terminal_summary(terminalreporter):
    lines = summaryLines()
    if lines:
        terminalreporter.section("robustness: generated examples and malformed calls")
        for line in lines:
            terminalreporter.write_line(line)
