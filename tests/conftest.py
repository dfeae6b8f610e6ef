"""Shared pytest setup: one BLAS thread for the tests' small matrices; the robustness counts at the end;
the classifier's data of test_crossEntropy and test_softMax.

The tests multiply matrices of at most a few hundred rows: a second BLAS thread
buys nothing there and costs a lot when the two cores are shared (measured in
``bench/``). ``NN_BLAS_THREADS=2 python -m pytest`` runs them with two.
"""

import numpy as np
import pytest
from helpers import classProbabilities
from robustnessCounts import summaryLines

from support.scripts import smallProblemThreads

_limits = smallProblemThreads()      # kept for the whole session


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
