"""The new example scripts run headless and print what their report needs.

Target runtime: < 40 s (small sizes; the default sizes run in tests/test_examples.py).
"""

import re

from scriptRunner import ROOT, runScript


def test_exSingleLayerPeaks_runs_headless_and_newton_cg_beats_chance():
    out = runScript("exSingleLayerPeaks.py", "--seed", "1", "--np", "1500", "--maxIter", "30",
                    "--maxIterSD", "50", "--epochs", "5")
    pattern = r"\s*(Newton-CG|steepest|SGD)\s"
    rows = {line.split()[0]: line for line in out.splitlines() if re.match(pattern, line)}
    assert set(rows) == {"Newton-CG", "steepest", "SGD"}
    valAcc = float(rows["Newton-CG"].split()[-2].rstrip("%")) / 100
    assert valAcc > 0.6                                   # chance: 0.2
    for name in ("peaksConvergence", "peaksClassRegions"):
        assert (ROOT / "figures" / f"{name}.png").exists()


def test_exAdversarial_runs_headless_and_fools_the_network():
    out = runScript("exAdversarial.py", "--seed", "1", "--n", "800", "--maxIter", "15")
    assert "fooled: Newton-CG True" in out
    ratios = [float(r) for r in re.findall(r"\|\|d\|\| / \|\|y\|\| = ([0-9.]+)", out)]
    assert len(ratios) == 2 and ratios[0] < 1.0
    assert (ROOT / "figures" / "adversarialExample.png").exists()
