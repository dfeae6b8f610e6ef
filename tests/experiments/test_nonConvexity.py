"""The non-convexity picture's evidence (experiments/nonConvexity.py) and the two scripts that draw it.

Target runtime: < 5 s.
"""

import re

import numpy as np
from scriptRunner import runScript

from experiments.nonConvexity import concave, worstChord


def test_a_convex_function_has_no_chord_below_its_graph_and_no_concave_point():
    t = np.linspace(-2, 2, 81)
    for e in (t ** 2, np.exp(t), np.abs(t) + 0.1 * t ** 2):
        assert worstChord(t, e)[3] <= 1e-12
        assert not concave(e).any()


def test_a_bump_lies_above_its_chord_and_bends_down_at_the_top():
    t = np.linspace(-2, 2, 81)
    e = t ** 2 + 2 * np.exp(-10 * (t - 0.5) ** 2)                 # a bump at t = 0.5
    i, j, k, height = worstChord(t, e)
    assert t[i] < 0.5 < t[j] and abs(t[k] - 0.5) < 0.1 and height > 1.5
    assert concave(e)[np.argmin(abs(t - 0.5))]


def test_plotObjective_shows_the_dK_line_above_its_chord_and_the_dW_line_convex():
    out = runScript("ESingleLayer_PlotObjective.py", "--n", "20", "--nf", "10", "--m", "8", "--points", "11")
    found = re.findall(r"along (dK|dW) on \[-2, 2\]: the graph rises at most ([\d.e-]+)", out)
    height = {d: float(h) for d, h in found}
    assert height["dK"] > 0.05 and height["dW"] == 0, height
