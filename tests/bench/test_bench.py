"""The benchmark script runs end to end and writes its table and plot (a smoke run, no timing asserted)."""

import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_bench_quick_run_writes_the_table_and_the_plot(tmp_path):
    out = tmp_path / "results.md"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    result = subprocess.run([sys.executable, "bench/bench.py", "--quick", "--no-torch", "--no-octave",
                             "--classes", "native", "--cap", "0.5", "--out", str(out)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    text = out.read_text()
    for heading in ("## Value + gradient and H(v), per machine class", "### this machine",
                    "## Before and after the slide-first redesign", "## newtonCG against L-BFGS-B",
                    "## Targets"):
        assert heading in text, heading
    slideRow = "| slide (500, 50, 40, 10) | float64 |"
    sizeRows = [line for line in text.splitlines() if line.startswith(slideRow)]
    assert len(sizeRows) == 1
    cells = [c.strip() for c in sizeRows[0].strip("|").split("|")]
    assert float(cells[2]) > 0 and float(cells[3]) > 0    # value+grad and its floor, in ms
    assert "| scipy L-BFGS-B |" in text and "numpy" in text and "best SIMD" in text   # the machine class
    assert (tmp_path / "results.png").stat().st_size > 1000
