"""Shared pytest hooks: the counts of the reliability suites are printed at the end of the run."""

from reliability import summaryLines


def pytest_terminal_summary(terminalreporter):
    lines = summaryLines()
    if lines:
        terminalreporter.section("reliability (issue 6)")
        for line in lines:
            terminalreporter.write_line(line)
