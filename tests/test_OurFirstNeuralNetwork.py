"""OurFirstNeuralNetwork.ipynb: stored clean, the slides in their order, runs top to bottom, checks exercises.

The notebook runs once per session (about half a minute on 2 cores); the exercise test runs a
short copy of it (its set-up and the class problems) with answers filled in.
"""

import re

import nbformat
import pytest
from scriptRunner import ROOT, runNotebook

from support.stripNotebook import isStripped

NOTEBOOK = ROOT / "OurFirstNeuralNetwork.ipynb"
SLIDES = ["Motivation: Nonlinear Models", "Goal/Trick", "Learning the Weights", "Non-Convexity",
          "Training the NN", "Recap: Differentiating Linear Algebra Expressions",
          "Training Single Layer Neural Network", "Computing Jacobians",
          "Class Problems: Derivatives of Single Layer", "Putting Things Together", "Test Problem",
          "Gauss-Newton Method", "Experiment: Adversarial Example"]
EXERCISES = ["JKt", "Jb", "Jbt", "JY", "JYt"]


def stored():
    return nbformat.read(NOTEBOOK, as_version=4)


def sections(nb):
    """[(title, the section's cells, its heading first)] for the ``## `` headings, in order."""
    out = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("## "):
            out.append((cell.source.splitlines()[0][3:].strip(), [cell]))
        elif out:
            out[-1][1].append(cell)
    return out


def tagged(nb, tag):
    """The one cell tagged ``tag``."""
    cells = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{len(cells)} cells tagged {tag!r}"
    return cells[0]


def printed(cell):
    """What the cell printed."""
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


@pytest.fixture(scope="module")
def executed():
    return runNotebook(stored())


def test_notebook_is_stored_without_outputs_or_execution_counts():
    assert isStripped(stored()), "strip it before committing: python -m support.stripNotebook"


def test_sections_are_the_slides_in_their_order():
    assert [title for title, _ in sections(stored())] == SLIDES


def test_every_section_names_a_file_of_the_repository_it_uses():
    for title, cells in sections(stored()):
        text = "\n".join(c.source for c in cells if c.cell_type == "markdown")
        files = re.findall(r"`([\w/]+\.py)`", text)
        assert files, f"section {title!r} names no file"
        missing = [f for f in files if not (ROOT / f).exists()]
        assert not missing, f"section {title!r} names files that do not exist: {missing}"


def test_every_cell_runs_without_error(executed):
    errors = [(c.source.splitlines()[0], o.ename, o.evalue) for c in executed.cells if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert sum(o.output_type == "display_data" for c in executed.cells if c.cell_type == "code"
               for o in c.outputs) >= 6, "the figures are missing"


def test_untouched_exercises_say_no_answer_yet(executed):
    for name in EXERCISES:
        assert "no answer yet" in printed(tagged(executed, f"check-{name}"))


def test_worked_example_and_our_solutions_pass_the_checks(executed):
    assert "order 2 reached: this is the derivative" in printed(tagged(executed, "check-JK"))
    out = printed(tagged(executed, "solutions"))
    assert out.count("order 2 reached: this is the derivative") == 5
    assert out.count("this is the transpose") == 3


def test_jacobian_and_gradient_checks_reach_order_2(executed):
    assert "explicit J_vec(K) v = singleLayer's JK(v): True" in printed(tagged(executed, "jacobian-check"))
    assert "Taylor test of J_vec(K): order 2 reached" in printed(tagged(executed, "jacobian-check"))
    out = printed(tagged(executed, "chain-rule"))
    assert float(re.search(r"relative difference (\S+)", out)[1]) < 1e-12
    assert "Taylor test of the gradient: order 2 reached" in out


def test_inverse_crime_is_fitted(executed):
    out = printed(tagged(executed, "gauss-newton-fit"))
    gap, start = map(float, re.search(r"E - Emin = (\S+) \(start (\S+)\)", out).groups())
    assert gap < 0.05 < start
    assert float(re.search(r"same most likely class for (\S+)%", out)[1]) >= 95


def test_learned_weights_do_as_well_as_random_ones_16_times_wider(executed):
    """The table of "Learning the Weights" (formatTable): what its text says the student sees."""
    cell = tagged(executed, "learning-the-weights")
    rows = re.findall(r"^ +(linear|random|learned) +(\S+) +\S+ +(\S+) ", printed(cell), re.M)
    val = {(approach, 0 if m == "-" else int(m)): float(v) for approach, m, v in rows}   # validation, %
    assert set(val) == {("linear", 0), *(("random", m) for m in (2, 4, 8, 16, 64, 256)),
                        *(("learned", m) for m in (2, 4, 8, 16))}
    assert val[("learned", 16)] >= val[("random", 256)] - 2        # measured 93 and 91
    assert val[("learned", 16)] > val[("random", 16)] + 5          # measured 93 and 79
    assert val[("linear", 0)] < 70                                  # no linear separator: measured 63
    assert any(o.output_type == "display_data" for o in cell.outputs), "plotAccuracyVsWidth's figure"


def test_small_starts_end_at_Emin_and_large_ones_do_not(executed):
    """The initialization table (formatInitialization): every start of s = 0.1 within 1e-3 of Emin, none of
    s = 3, and the gradient norm tells the stationary ends from the runs still descending."""
    out = printed(tagged(executed, "initialization"))
    assert "'worse' = more than 0.001 above Emin" in out
    rows = re.findall(r"^ +(\S+) +(\d+)(?: +\S+){3} +(\d+) +(\S+) +(\S+)$", out, re.M)
    starts = {float(s): int(n) for s, n, _, _, _ in rows}
    worse = {float(s): int(w) for s, _, w, _, _ in rows}
    grad = {float(s): float(g) for s, _, _, g, _ in rows}             # median final |grad|
    assert starts == {0.1: 5, 1.0: 5, 3.0: 5}
    assert worse[0.1] == 0 and worse[3.0] == 5                      # measured 0, 3, 5 for s = 0.1, 1, 3
    assert grad[0.1] < 1e-5 < grad[3.0]                             # measured 9e-8 and 5e-3
    assert all(float(gap) > 0 for *_, gap in rows)                  # E - Emin: Emin is the smallest loss


def test_adversarial_example_fools_the_network(executed):
    assert "fooled True" in printed(tagged(executed, "adversarial"))


def test_filled_in_exercise_gets_its_verdict():
    """JKt without sigma' is "not the derivative", the right JKt "order 2", in a copy of the notebook."""
    nb = stored()
    start = next(i for i, c in enumerate(nb.cells) if c.source.startswith("## Class Problems"))
    end = next(i for i, c in enumerate(nb.cells) if c.source.startswith("### Solutions"))
    setup = next(c for c in nb.cells if c.cell_type == "code")
    nb.cells = [setup] + nb.cells[start:end]
    answer, check = tagged(nb, "answer-JKt"), tagged(nb, "check-JKt")
    right, checkRight = nbformat.from_dict(answer), nbformat.from_dict(check)
    answer.source = fillIn(answer.source, "return Y.T @ U              # sigma' forgotten")
    right.source = fillIn(right.source, "return Y.T @ (dA * U)")
    right.id, checkRight.id, right.metadata, checkRight.metadata = "right-JKt", "check-right-JKt", {}, {}
    nb.cells.insert(nb.cells.index(check) + 1, right)
    nb.cells.insert(nb.cells.index(right) + 1, checkRight)

    runNotebook(nb)
    assert "not the derivative: E1 falls only like h" in printed(check)
    assert "not the transpose" in printed(check)
    assert "order 2 reached: this is the derivative" in printed(checkRight)
    assert "this is the transpose" in printed(checkRight)
    assert "no answer yet" in printed(tagged(nb, "check-Jb"))


def fillIn(source, answer):
    """The stub's ``raise NotImplementedError(...)`` (to the end of the cell) replaced by ``answer``."""
    head, stub = source.split("raise NotImplementedError")
    assert "YOUR ANSWER" in head
    return head + answer
