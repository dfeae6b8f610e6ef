"""Every file at the repository root runs headless (``python file.py``) and prints its example."""

import pytest
from scriptRunner import ROOT, run

SCRIPTS = sorted(p.name for p in ROOT.glob("*.py"))


HAS_MAIN = [s for s in SCRIPTS
            if s.startswith(("ex", "ESingleLayer_")) or '__name__ == "__main__"' in (ROOT / s).read_text()]


SMALL = {   # the course's examples (ESingleLayer_*.py) and MNIST run for minutes at full settings
    "ESingleLayer_PeaksNewtonCG.py": ["--np", "100", "--npVal", "100", "--maxIterSD", "10", "--maxIter", "2"],
    "ESingleLayer_PeaksSGD.py": ["--np", "100", "--npVal", "100", "--epochs", "2"],
    "ESingleLayer_PeaksVarPro.py": ["--np", "100", "--npVal", "100", "--maxIterSD", "2", "--maxIter", "2"],
    "exSingleLayerMNIST.py": ["--nTrain", "500", "--maxIter", "3", "--maxIterSD", "5", "--epochs", "1",
                              "--m", "30"],
}


@pytest.mark.parametrize("script", HAS_MAIN)
def test_file_runs_its_example_headless(script):
    result = run(script, *SMALL.get(script, []))
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip(), f"{script} printed nothing"


def test_every_lecture_file_has_an_example():
    helpersOnly = set()                     # every file, helpers too, shows what it does
    assert set(SCRIPTS) - set(HAS_MAIN) <= helpersOnly
