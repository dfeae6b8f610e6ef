"""crosscheck/README.md, "Cross-check one closure by hand": Octave and Python print the same digits.

The blocks are read from the README, so the worked example a student pastes is
the one tested. The Octave block runs in a session with the course's toolbox
(crosscheck/courseSession.py; NUMDL_MATLAB switches it on, as the other
cross-checks), the Python block in a fresh interpreter at the repository root.
"""

import os
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

from crosscheck.courseLayout import xToCourse
from singleLayer import singleLayer
from singleLayerNNObjFun import splitX

ROOT = pathlib.Path(__file__).resolve().parents[2]
README = ROOT / "crosscheck" / "README.md"
HEADING = "## Cross-check one closure by hand"


def section():
    text = README.read_text()
    start = text.index(HEADING)
    end = text.find("\n## ", start + len(HEADING))
    return text[start:end if end > 0 else None]


def block(language, which=0):
    return re.findall(rf"```{language}\n(.*?)```", section(), re.S)[which]


@pytest.fixture(scope="module")
def printedByPython():
    out = subprocess.run([sys.executable, "-c", block("python")], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, env={**os.environ, "PYTHONPATH": ""})
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


@pytest.fixture(scope="module")
def printedByOctave(session):
    return str(session.call("OUT.text = evalc(block);", block=block("octave"))["text"]).splitlines()


def test_the_octave_and_python_blocks_print_the_same_digits(printedByOctave, printedByPython):
    assert len(printedByPython) == 5 and len(printedByOctave) == 6
    assert printedByOctave[:5] == printedByPython                    # 12 decimals, every line


def test_the_courses_JKt_of_our_vec_is_not_ours(printedByOctave, printedByPython):
    wrong, right = (float(line.split()[-1]) for line in (printedByOctave[5], printedByPython[4]))
    assert abs(wrong - right) > 1                                   # 4.6029 against 3.1614, as the text says
    assert f"{wrong:.4f}" in section() and f"{right:.4f}" in section()


def test_every_closure_maps_as_the_table_says(session):
    rng = np.random.default_rng(5)
    n, nf, m = 6, 3, 4
    K, b, Y = rng.standard_normal((nf, m)), 0.3, rng.standard_normal((n, nf))
    U, V, VY, v = (rng.standard_normal((n, m)), rng.standard_normal((nf, m)), rng.standard_normal((n, nf)),
                   0.7)
    _, JKt, Jbt, JYt, JK, Jb, JY = singleLayer(K, b, Y)
    out = session.call("[~, JKt, Jbt, JYt, JK, Jb, JY] = singleLayer(K, b, Y);"
                       "OUT.JKt = JKt(Ut); OUT.Jbt = Jbt(Ut); OUT.JYt = JYt(Ut);"
                       "OUT.JK = JK(Vt); OUT.Jb = Jb(v); OUT.JY = JY(VYt);",
                       K=K.T, b=b, Y=Y.T, Ut=U.T, Vt=V.T, VYt=VY.T, v=v)
    ours = {"JKt": JKt(U).T, "Jbt": Jbt(U), "JYt": JYt(U).T, "JK": JK(V).T, "Jb": Jb(v).T, "JY": JY(VY).T}
    for name, expected in ours.items():
        got = np.asarray(out[name], dtype=float)
        assert got.shape == np.shape(expected), name                 # the course's shape: ours transposed
        scale = np.abs(expected).max()
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12 * scale, err_msg=name)


def test_the_one_line_x_of_the_course_is_xToCourse():
    rng = np.random.default_rng(6)
    nf, m, nc = 3, 4, 2
    for bias in (False, True):
        x = rng.standard_normal(nf * m + 1 + (m + bias) * nc)
        K, b, W = splitX(x, nf, m, nc, bias=bias)
        namespace = {"np": np, "K": K, "b": b, "W": W}
        exec(block("python", 1), namespace)                          # the README's one line
        assert np.array_equal(namespace["xCourse"], xToCourse(x, nf, m, nc, bias))
