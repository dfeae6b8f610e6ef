"""exSingleLayerNN.py: its derivative checks pass and the inverse crime is fitted."""

import time

from scriptRunner import run, staleFigures


def test_exSingleLayerNN_checks_pass_and_the_inverse_crime_is_fitted():
    start = time.time()
    result = run("exSingleLayerNN.py", "--seed", "1", "--maxIter", "30")
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "FAILED" not in out and "all derivative checks passed: True" in out
    fit = [line for line in out.splitlines() if line.startswith("after 30 iterations")][0]
    gap, start = (float(w.strip("(),")) for w in fit.split() if w[0].isdigit() and "e" in w)
    assert gap < 0.05 * start
    assert staleFigures(start, "nonConvexity", "inverseCrimeConvergence") == []
