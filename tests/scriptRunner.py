"""Run one of the repository's scripts as a student would, headless, for the tests (not a test module)."""

import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def runScript(script, *args, timeout=300):
    """stdout of ``python script args`` in the repository, headless, RuntimeWarnings as errors; rc 0."""
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "error::RuntimeWarning"}
    result = subprocess.run([sys.executable, script, *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout
