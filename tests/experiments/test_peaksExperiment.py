"""experiments/peaksExperiment.py: how the Peaks scripts print (summaries, warnings, class labels)."""

import re
import warnings

import numpy as np
import pytest
import scriptRunner

import experiments.peaksExperiment as peaksExperiment
from experiments.peaksExperiment import lineSearchReported, printing
from newtonCG import newtonCG


@pytest.mark.parametrize("maxIter, summarise, every", [(500, True, 50), (50, True, 5), (21, True, 3),
                                                       (20, True, 1), (500, False, 1)])
def test_a_phase_longer_than_20_iterations_prints_one_row_in_ten(maxIter, summarise, every):
    assert printing(maxIter, 1, summarise) == {"verbose": 1, "printEvery": every, "storeIterates": False}


def failingLineSearch(x):
    """f = x'x with the gradient's sign flipped: every step goes uphill, the line search fails."""
    return float(x @ x), -2 * x, np.eye(x.size)


def test_a_failed_line_search_is_said_once_in_the_status_line_when_printing(capsys):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with lineSearchReported(1):
            newtonCG(failingLineSearch, np.ones(2), {"maxIter": 3})
    assert not [w for w in caught if "line search failed" in str(w.message)]
    assert "newtonCG: line search failed" in capsys.readouterr().out


def test_a_silent_run_keeps_the_warning():
    with pytest.warns(UserWarning, match="line search failed"):
        with lineSearchReported(0):
            newtonCG(failingLineSearch, np.ones(2), {"maxIter": 3, "verbose": 0})


def test_the_class_regions_figure_numbers_classes_1_to_5(monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    figures = []
    monkeypatch.setattr(peaksExperiment, "saveFigure", lambda fig, name: figures.append(fig) or name)
    rng = np.random.default_rng(0)
    x = peaksExperiment.startWeights(rng, 2, 4, 5)
    peaksExperiment.plotClassRegions(x, 4, 5, "sine", "title", "name", ns=32)
    labels = [t.get_text() for t in figures[0].axes[0].get_legend().get_texts()]
    assert labels[:5] == [f"class {k}" for k in range(1, 6)]


SMALL = ["--np", "100", "--npVal", "100", "--maxIterSD", "40", "--maxIter", "2", "--maxIterCG", "5"]


def steepestDescentRows(out):
    table = out.split("steepestDescent:")[0]
    return [int(m.group(1)) for m in re.finditer(r"^\s+(\d+) ", table, re.M)]


def test_the_NewtonCG_script_summarises_its_40_steepest_descent_rows_and_verbose_prints_all():
    script = "ESingleLayer_PeaksNewtonCG.py"
    assert steepestDescentRows(scriptRunner.runScript(script, *SMALL)) == list(range(0, 41, 4))
    assert steepestDescentRows(scriptRunner.runScript(script, *SMALL, "--verbose")) == list(range(41))
