"""Shared pytest setup: the robustness counts at the end of the run.

No BLAS thread limit for the session: the lecture functions run a small problem on one BLAS
thread themselves (``support/fastOps.py``), as they do for a student.
"""

from robustnessCounts import summaryLines


def pytest_terminal_summary(terminalreporter):
    lines = summaryLines()
    if lines:
        terminalreporter.section("robustness: generated examples and malformed calls")
        for line in lines:
            terminalreporter.write_line(line)
