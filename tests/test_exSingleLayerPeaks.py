"""exSingleLayerPeaks.py runs headless and Newton-CG beats chance."""

import re
import time

from scriptRunner import runScript, staleFigures


def test_exSingleLayerPeaks_runs_headless_and_newton_cg_beats_chance():
    start = time.time()
    out = runScript("exSingleLayerPeaks.py", "--seed", "1", "--np", "1500", "--maxIter", "30",
                    "--maxIterSD", "50", "--epochs", "5")
    pattern = r"\s*(Newton-CG|steepest|SGD)\s"
    rows = {line.split()[0]: line for line in out.splitlines() if re.match(pattern, line)}
    assert set(rows) == {"Newton-CG", "steepest", "SGD"}
    valAcc = float(rows["Newton-CG"].split()[-2].rstrip("%")) / 100
    assert valAcc > 0.6                                   # chance: 0.2
    assert staleFigures(start, "peaksConvergence", "peaksClassRegions") == []
