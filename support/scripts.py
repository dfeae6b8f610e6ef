"""What the example scripts (``ex*.py``, ``ESingleLayer_*.py``) share: flags and figures.

- ``parseArguments``: the command line, or the defaults inside a Jupyter/IPython kernel;
- ``saveFigure`` / ``showFigures``: figures to ``figures/<name>.png``, shown only where there is a screen.
"""

import os
import sys


def isJupyter():
    """True inside a Jupyter/IPython kernel (a notebook, VS Code's or Spyder's cells)."""
    return "ipykernel" in sys.modules or "IPython" in sys.modules


def parseArguments(parser):
    """``parser.parse_args()``: a misspelt flag is an error. Inside a Jupyter/IPython kernel, whose
    ``sys.argv`` holds the kernel's own flags, the defaults."""
    return parser.parse_args([] if isJupyter() else None)


def saveFigure(fig, name):
    """Save ``fig`` as ``figures/<name>.png`` at the repository root; return the path."""
    folder = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "figures")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name + ".png")
    fig.savefig(path, dpi=100, bbox_inches="tight")
    return path


def showFigures():
    """``plt.show()`` when there is a screen to show on; nothing when headless (Agg)."""
    import matplotlib
    import matplotlib.pyplot as plt

    if matplotlib.get_backend().lower() not in ("agg", "pdf", "ps", "svg", "cairo", "template"):
        plt.show()
