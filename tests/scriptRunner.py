"""Run the repository's scripts and its notebook as a student would, headless (for the tests only)."""

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


def staleFigures(since, *names):
    """The names among ``names`` whose ``figures/<name>.png`` is missing or was last written before ``since``.

    ``since`` is a ``time.time()`` taken before the run: figures/ is gitignored and keeps the pictures of
    earlier runs, so a picture that merely exists proves nothing. (A file's time comes from the kernel's
    coarse clock, at most a tick behind time.time(); starting Python alone takes longer than that.)
    """
    folder = ROOT / "figures"
    return [name for name in names
            if not (folder / f"{name}.png").exists() or (folder / f"{name}.png").stat().st_mtime < since]


def runNotebook(nb, timeout=600):
    """``nb`` (an nbformat notebook) executed top to bottom as Jupyter would, headless, in the repository.

    The kernel is ipykernel in this interpreter (not whichever "python3" kernel Jupyter finds first);
    figures go inline as in Jupyter; RuntimeWarnings are errors, as for the scripts. A cell's error stays
    in its outputs (the run goes on), so that a test can name the cell.
    """
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    km = KernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[]))
    env = {**os.environ, "MPLBACKEND": "module://matplotlib_inline.backend_inline",
           "PYTHONWARNINGS": "error::RuntimeWarning"}
    NotebookClient(nb, km=km, timeout=timeout, allow_errors=True,
                   resources={"metadata": {"path": str(ROOT)}}).execute(env=env)
    return nb
