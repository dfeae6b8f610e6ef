"""Shared pytest setup: one BLAS thread for the tests' small matrices; the robustness counts at the end.

The tests multiply matrices of at most a few hundred rows: a second BLAS thread
buys nothing there and costs a lot when the two cores are shared (measured in
``bench/``). ``NN_BLAS_THREADS=2 python -m pytest`` runs them with two.
"""

from robustnessCounts import summaryLines

from support.scripts import smallProblemThreads

_limits = smallProblemThreads()      # kept for the whole session


def pytest_terminal_summary(terminalreporter):
    lines = summaryLines()
    if lines:
        terminalreporter.section("robustness: generated examples and malformed calls")
        for line in lines:
            terminalreporter.write_line(line)
