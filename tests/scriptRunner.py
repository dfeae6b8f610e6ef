"""Run one of the repository's scripts as a student would, headless, for the tests (not a test module)."""

import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def run(script, *args, timeout=300):
    """``python script args`` in the repository, headless, RuntimeWarnings as errors: the finished process."""
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "error::RuntimeWarning"}
    return subprocess.run([sys.executable, script, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def runScript(script, *args, timeout=300):
    """stdout of ``python script args`` in the repository, headless, RuntimeWarnings as errors; rc 0."""
    result = run(script, *args, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout
