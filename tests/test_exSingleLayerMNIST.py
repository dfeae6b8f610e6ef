"""exSingleLayerMNIST.py runs small, headless, and prints its accuracies."""

import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_exSingleLayerMNIST_runs_small_and_prints_accuracies():
    env = {**os.environ, "MPLBACKEND": "Agg"}
    env.pop("MNIST_DIR", None)
    result = subprocess.run([sys.executable, "exSingleLayerMNIST.py", "--nTrain", "500", "--maxIter", "3",
                             "--maxIterSD", "5", "--epochs", "1", "--m", "30"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "MNIST: 500 training and 100 validation digits" in out
    table = {line.split()[0]: line for line in out.splitlines()
             if re.match(r"\s*(Newton-CG|SGD)\s+\d+\s", line)}
    assert set(table) == {"Newton-CG", "SGD"}
    validation = float(table["Newton-CG"].split()[-1].rstrip("%"))
    assert validation > 50                    # 3 Gauss-Newton steps on 500 digits: well above chance (10%)
    assert "adversarial digit" in out and "saved" in out
