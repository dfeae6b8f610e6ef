"""Ours against the course's own toolbox (NumDL-MATLAB), its files run unmodified in GNU Octave.

NUMDL_MATLAB=/path/to/NumDL-MATLAB switches these tests on. Unset, they skip
with the `git clone` that gets the toolbox; set to a folder that is not the
toolbox, they fail with one line naming the folder and what is missing; with
no Octave they skip with the install command. REQUIRE_OCTAVE=1 (CI) turns a
missing Octave or toolbox into a failure. The comparisons themselves are in
crosscheck/courseParity.py; every row it produces is asserted here.
"""

import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from crosscheck import courseParity
from crosscheck.courseSession import (
    ENV,
    MARKER,
    SHIMS,
    CourseCallError,
    CourseSession,
    OctaveDiedError,
    ToolboxError,
    ToolboxNotSetError,
    toolboxDir,
)

ROOT = pathlib.Path(__file__).resolve().parents[2]
ROWS = {}          # check name -> its rows, from this run (the README test reads them)


def rowsOf(session, check):
    if check not in ROWS:
        ROWS[check] = courseParity.runCheck(session, check)
    return ROWS[check]


# ------------------------------------------------------------------ every comparison, every row
@pytest.mark.parametrize("check", list(courseParity.CHECKS))
def test_ours_agrees_with_the_course_file(session, check):
    rows = rowsOf(session, check)
    if all(r.status == "opt-in" for r in rows):
        pytest.skip(f"{rows[0].course}: {rows[0].note}")
    bad = [r for r in rows if r.status not in courseParity.PASSING]
    assert rows and not bad, ("\n" + courseParity.formatTable(bad) + "\n" + courseParity.formatNotes(bad))


def test_the_readme_table_has_a_line_for_every_row(session):
    text = (ROOT / "crosscheck" / "README.md").read_text()
    start, end = (text.index(m) for m in courseParity.MARKERS)
    section = text[start:end]
    rows = [r for check in courseParity.CHECKS for r in rowsOf(session, check)]
    rows += courseParity.noCounterpartRows()
    absent = [f"{r.ours}: {r.compared}" for r in rows
              if f"| {r.ours} | " not in section or f" | {r.compared.replace('|', '/')} | " not in section]
    assert not absent, ("crosscheck/README.md is out of date, run "
                        "`python crosscheck/courseParity.py --readme`; "
                        f"rows without a line: {absent[:5]}")


# ------------------------------------------------------------------ the harness proves something
def test_a_difference_the_size_of_the_courses_hessian_shift_fails_the_row(session, monkeypatch):
    original = courseParity.softMax

    def withoutShift(W, Z, C, bias=False, hessianShift=0.0):
        return original(W, Z, C, bias=bias)                # ours without the course's 1e-5 v

    monkeypatch.setattr(courseParity, "softMax", withoutShift)
    rows = courseParity.paritySoftMax(session, np.random.default_rng(0))
    hessians = [r for r in rows if r.compared.startswith("d2EW(v), d2EY(v)")]
    assert hessians and all(r.status == "FAIL" and r.diff > 1e-7 for r in hessians)
    assert all(r.status == "ok" for r in rows if r.compared.startswith(("E ", "dEW")))


def test_iterates_that_drift_beyond_rounding_fail_the_row(session, monkeypatch):
    original = courseParity.newtonCG

    def tighterCG(fun, x0, param):                         # one more CG iteration than the course: real drift
        return original(fun, x0, {**param, "maxIterCG": 11})

    monkeypatch.setattr(courseParity, "newtonCG", tighterCG)
    rows = courseParity.parityNewtonCG(session, np.random.default_rng(0))
    crime = [r for r in rows if r.compared.startswith("inverse crime") and "x of" in r.compared]
    assert crime and crime[0].status == "FAIL", crime


# ------------------------------------------------------------------ the switch fails well
def test_unset_toolbox_says_how_to_get_it():
    with pytest.raises(ToolboxNotSetError, match=rf"git clone https://github.com/IPAIopen/NumDL-MATLAB.*{ENV}="):
        toolboxDir({})


def test_a_folder_that_is_not_the_toolbox_is_named_with_what_is_missing(tmp_path):
    with pytest.raises(ToolboxError, match=rf"{ENV}={tmp_path} is not the NumDL-MATLAB toolbox: {MARKER} is "
                                           "missing"):
        toolboxDir({ENV: str(tmp_path)})
    with pytest.raises(ToolboxError, match=rf"{ENV}={tmp_path / 'nowhere'}: no such folder"):
        toolboxDir({ENV: str(tmp_path / "nowhere")})
    (tmp_path / "sub").mkdir()
    (tmp_path / MARKER).write_text("% a stand-in startup file of ours\n")
    with pytest.raises(ToolboxError, match="its parent .* is the toolbox"):
        toolboxDir({ENV: str(tmp_path / "sub")})


def runHarness(env, *args):
    env = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
    return subprocess.run([sys.executable, "crosscheck/courseParity.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_script_reports_a_bad_folder_in_one_line_without_a_traceback(tmp_path):
    result = runHarness({ENV: str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr, result.stderr
    assert str(tmp_path) in result.stderr and MARKER in result.stderr


def test_the_tests_skip_unset_and_fail_with_REQUIRE_OCTAVE(tmp_path):
    args = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", __file__,
            "-k", "agrees_with_the_course_file and Rosenbrock"]
    env = {k: v for k, v in os.environ.items() if k not in (ENV, "REQUIRE_OCTAVE")}
    skipped = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert skipped.returncode == 0 and "1 skipped" in skipped.stdout, skipped.stdout[-2000:]
    assert "git clone https://github.com/IPAIopen/NumDL-MATLAB" in skipped.stdout
    failed = subprocess.run(args, cwd=ROOT, env={**env, "REQUIRE_OCTAVE": "1"}, capture_output=True,
                            text=True, timeout=120)
    assert failed.returncode == 1 and "REQUIRE_OCTAVE=1 but the course's toolbox is not set" in failed.stdout


def test_a_missing_course_file_marks_its_rows_and_the_rest_still_runs(session, tmp_path):
    # a toolbox of links to the real files (no copies), softMax.m left out
    (tmp_path / MARKER).write_text("% a stand-in startup file of ours\n")
    for f in session.toolbox.rglob("*.m"):
        rel = f.relative_to(session.toolbox)
        if rel.as_posix() not in (MARKER, "classification/softMax.m"):
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).symlink_to(f)
    partial = CourseSession(tmp_path)
    try:
        rows, _ = courseParity.runAll(partial, names=["softMax", "singleLayerNNObjFun", "Rosenbrock"])
    finally:
        partial.exit()
    byCheck = {r.ours: r for r in rows}
    for name in ("softMax", "singleLayerNNObjFun"):
        assert byCheck[name].status == "missing" and "classification/softMax.m" in byCheck[name].course
    assert all(r.status == "ok" for r in rows if r.ours == "Rosenbrock")


# ------------------------------------------------------------------ the shims
def test_the_replay_shims_are_off_the_path_outside_their_comparisons(session):
    rowsOf(session, "sgd")
    rowsOf(session, "setupPeaks")
    for name in ("randperm", "randi"):
        assert SHIMS.as_posix() not in session.which(name)
    p = session.call("OUT.p = randperm(5);")["p"]            # Octave's own again
    assert sorted(np.ravel(p)) == [1, 2, 3, 4, 5]


def test_a_replay_shim_with_nothing_queued_errors_instead_of_drawing(session):
    with session.replaying("randperm", np.zeros((4, 0))):
        with pytest.raises(CourseCallError, match=r"randperm replay shim: randperm\(4\) called with no "
                                                  "permutation queued"):
            session.call("randperm(4);")
    with session.replaying("randi", np.array([[7.0]])):
        with pytest.raises(CourseCallError, match="queued draws outside 1..3"):
            session.call("randi(3, 1, 1);")


def test_the_headless_figure_takes_the_courses_name_assignment(session):
    out = session.call("fig = figure(100); clf; fig.Name = 'tanhActivation'; hold on; loglog(1, 1);"
                       "legend('E0'); title('t'); imagesc(1); OUT.name = fig.Name;")
    assert out["name"] == "tanhActivation"


def test_the_padarray_shim_pads_as_the_course_calls_it_and_refuses_the_rest(session):
    out = session.call("OUT.a = padarray([1 2; 3 4], [1 0], 1, 'post');"
                       "OUT.b = padarray([1 2], [1 1], 0, 'post'); OUT.c = padarray(5, [1 1]);")
    assert np.array_equal(out["a"], [[1, 2], [3, 4], [1, 1]])
    assert np.array_equal(out["b"], [[1, 2, 0], [0, 0, 0]])
    assert np.array_equal(out["c"], [[0, 0, 0], [0, 5, 0], [0, 0, 0]])
    with pytest.raises(CourseCallError, match="only a numeric scalar padval"):
        session.call("padarray([1 2], [1 0], 'replicate');")


# ------------------------------------------------------------------ the session
def test_a_dead_session_is_restarted_once_and_the_call_that_lost_it_is_told(session):
    octave = CourseSession(session.toolbox)
    try:
        octave.oc._engine.repl.child.kill(9)
        with pytest.raises(OctaveDiedError, match="restarted"):
            octave.eval("x = 1;")
        assert octave.call("OUT.two = 1 + 1;")["two"] == 2                   # the new session works ...
        assert octave.exists("singleLayer") == 2 and octave.exists("padarray") == 2   # ... with its path
    finally:
        octave.exit()
