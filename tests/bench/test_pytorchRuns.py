"""bench/pytorchRuns.py: the median table and the target verdicts the README quotes, on made-up runs."""

import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import pytorchRuns  # noqa: E402


def run(gradRatios, hessRatios):
    """A run as bench.measureClass returns it: ours 1 ms at every size, PyTorch 1 ms / ratio."""
    rows = []
    for name, g in gradRatios.items():
        rows.append(dict(name=name, dtype="float64", valGrad=1e-3, torch=1e-3 / g, H=1e-3,
                         torchH=1e-3 / hessRatios[name]))
    return dict(rows=rows, describe="CPU: made up", notes=[])


def test_the_median_of_the_runs_decides_each_target():
    runs = [run({"n50k": 1.4, "mnist10k": 0.8, "slide": 3.0}, {"n50k": 0.9, "mnist10k": 1.2, "slide": 0.5}),
            run({"n50k": 0.9, "mnist10k": 0.7, "slide": 3.0}, {"n50k": 0.8, "mnist10k": 1.1, "slide": 0.5}),
            run({"n50k": 1.1, "mnist10k": 1.5, "slide": 3.0}, {"n50k": 2.0, "mnist10k": 0.9, "slide": 0.5})]
    lines, verdicts = pytorchRuns.medianTable(runs)
    assert dict(verdicts) == pytest.approx({"n50k, value + gradient": 1.1, "n50k, H(v)": 0.9,
                                            "mnist10k, value + gradient": 0.8, "mnist10k, H(v)": 1.1})
    n50k = next(line for line in lines if line.startswith("| n50k (50000, 50, 40, 10) | float64 |"))
    cells = [c.strip() for c in n50k.strip("|").split("|")]
    assert cells[2:6] == ["1.40, 0.90, 1.10", "1.10", "0.90, 0.80, 2.00", "0.90"]
    assert cells[-1] == "-"                                             # no run timed it without np.tanh
    for k, r in enumerate(runs):
        r["rows"][0]["noTanh"] = (0.5, 0.6, 0.7)[k] * r["rows"][0]["torch"]
    n50k = next(line for line in pytorchRuns.medianTable(runs)[0] if line.startswith("| n50k "))
    assert n50k.rstrip(" |").endswith("0.60")                         # the median over the runs
    assert not any(what.startswith("slide") for what, _ in verdicts)   # the slide size has no PyTorch target


def test_a_run_without_pytorch_misses_the_target_instead_of_passing_it():
    runs = [run({"n50k": 0.5}, {"n50k": 0.5})]
    runs[0]["rows"][0]["torch"] = None
    _, verdicts = pytorchRuns.medianTable(runs)
    assert not dict(verdicts)["n50k, value + gradient"] <= 1.0


def test_the_one_pass_activation_is_cheaper_than_tanh_and_keeps_the_objective_running():
    import numpy as np

    from singleLayerNNObjFun import singleLayerNNObjFun

    rng = np.random.default_rng(0)
    n, nf, m, nc = 300, 4, 3, 5
    Y, C = rng.standard_normal((n, nf)), np.eye(nc)[rng.integers(nc, size=n)]
    x = rng.standard_normal(nf * m + 1 + m * nc)
    X = rng.standard_normal((n, m))
    A, dA = pytorchRuns.onePass(X)
    np.testing.assert_array_equal(A, X * 0.25)
    np.testing.assert_array_equal(dA, 1 - (X * 0.25) ** 2)
    E, dE, _ = singleLayerNNObjFun(x, Y, C, m, act=pytorchRuns.onePass)
    assert np.isfinite(E) and dE.shape == x.shape


def test_without_pytorch_the_script_says_how_to_install_it(tmp_path):
    blocker = tmp_path / "torch.py"
    blocker.write_text("raise ImportError('no torch here')\n")
    env = {"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "bench/pytorchRuns.py", "--out", str(tmp_path / "r.md")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "pip install torch==2.13.0" in result.stderr
    assert not (tmp_path / "r.md").exists()
