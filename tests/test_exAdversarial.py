"""exAdversarial.py runs headless and fools the network."""

import re
import time

from scriptRunner import runScript, staleFigures


def test_exAdversarial_runs_headless_and_fools_the_network():
    start = time.time()
    out = runScript("exAdversarial.py", "--seed", "1", "--n", "800", "--maxIter", "15")
    assert "fooled: Newton-CG True" in out
    ratios = [float(r) for r in re.findall(r"\|\|d\|\| / \|\|y\|\| = ([0-9.]+)", out)]
    assert len(ratios) == 2 and ratios[0] < 1.0
    assert staleFigures(start, "adversarialExample") == []
