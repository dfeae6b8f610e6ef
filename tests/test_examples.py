"""Every file at the repository root runs headless (``python file.py``) and prints its example."""

import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCRIPTS = sorted(p.name for p in ROOT.glob("*.py"))
HAS_MAIN = [s for s in SCRIPTS
            if s.startswith(("ex", "ESingleLayer_")) or '__name__ == "__main__"' in (ROOT / s).read_text()]
SMALL = {   # the course's examples (ESingleLayer_*.py) and MNIST run for minutes at full settings
    "ESingleLayer_PeaksNewtonCG.py": ["--np", "100", "--npVal", "100", "--maxIterSD", "10", "--maxIter", "2"],
    "ESingleLayer_PeaksSGD.py": ["--np", "100", "--npVal", "100", "--epochs", "2"],
    "ESingleLayer_PeaksVarPro.py": ["--np", "100", "--npVal", "100", "--maxIterSD", "2", "--maxIter", "2"],
    "exSingleLayerMNIST.py": ["--nTrain", "500", "--maxIter", "3", "--maxIterSD", "5", "--epochs", "1",
                              "--m", "30"],
    "EELM_Peaks.py": ["--np", "300", "--npTest", "100", "--m", "20", "--maxIter", "3"],
    "EELM_MNIST.py": ["--nTrain", "200", "--nVal", "50", "--m", "30", "--maxIter", "2"],
    "exLearningTheWeights.py": ["--size", "quick", "--nSeeds", "1", "--starts", "2", "--scales", "1",
                                "--data", "Peaks"],
}


def run(script, *args, timeout=300):
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "error::RuntimeWarning"}
    return subprocess.run([sys.executable, script, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.parametrize("script", HAS_MAIN)
def test_file_runs_its_example_headless(script):
    result = run(script, *SMALL.get(script, []))
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip(), f"{script} printed nothing"


def test_every_lecture_file_has_an_example():
    helpersOnly = set()                     # every file, helpers too, shows what it does
    assert set(SCRIPTS) - set(HAS_MAIN) <= helpersOnly


def test_exSingleLayerNN_checks_pass_and_the_inverse_crime_is_fitted():
    result = run("exSingleLayerNN.py", "--seed", "1", "--maxIter", "30")
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "FAILED" not in out and "all derivative checks passed: True" in out
    fit = [line for line in out.splitlines() if line.startswith("after 30 iterations")][0]
    gap, start = (float(w.strip("(),")) for w in fit.split() if w[0].isdigit() and "e" in w)
    assert gap < 0.05 * start
    figures = ROOT / "figures"
    assert (figures / "nonConvexity.png").exists() and (figures / "inverseCrimeConvergence.png").exists()
