"""Python against the .m files run in GNU Octave (oct2py): same inputs, same numbers.

Skips with one line saying how to install Octave when none is found, unless
REQUIRE_OCTAVE=1 (set by CI), where a missing Octave is an error. NN_MFILES
points the checks at another folder of .m files.
"""

import os
import shutil

import numpy as np
import pytest

from crosscheck import octaveParity
from crosscheck.octaveSession import (
    INSTALL_HINT,
    REQUIRED,
    MFileError,
    OctaveDiedError,
    OctaveSession,
    OctaveUnavailableError,
)

if shutil.which("octave-cli") is None and os.environ.get("REQUIRE_OCTAVE") != "1":
    pytest.skip(INSTALL_HINT, allow_module_level=True)   # one line in the summary


@pytest.fixture(scope="session")
def octave():
    try:
        session = OctaveSession()
    except OctaveUnavailableError as err:
        if os.environ.get("REQUIRE_OCTAVE") == "1":
            pytest.fail(f"REQUIRE_OCTAVE=1 but {err}")
        pytest.skip(str(err))
    yield session
    session.exit()


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_mfile_exists_with_the_slides_signature(octave, name):
    octave.checkFunction(name)


@pytest.mark.parametrize("check", sorted(octaveParity.CHECKS))
def test_python_matches_octave(octave, rng, check):
    rows = octaveParity.CHECKS[check](octave, rng)
    bad = [r for r in rows if not r[4]]
    assert rows and not bad, "\n" + octaveParity.formatTable(bad)


def test_missing_function_is_reported_by_name(octave, tmp_path):
    session = OctaveSession(tmp_path)               # an empty folder of .m files
    try:
        with pytest.raises(MFileError, match=r"singleLayerNNObjFun: not found in .*expected "
                                             r"singleLayerNNObjFun.m with `\[Ec,dE,H\] ="):
            session.checkFunction("singleLayerNNObjFun")
        (tmp_path / "softMax.m").write_text("function [E, dE] = softMax(W, Z)\nE = 0; dE = 0;\nend\n")
        session.eval("rehash;")
        with pytest.raises(MFileError, match="softMax .* takes 2 inputs and returns 2 outputs"):
            session.checkFunction("softMax")
    finally:
        session.exit()


def test_dead_session_is_restarted_once_and_the_test_that_lost_it_is_told(octave, tmp_path):
    session = OctaveSession()
    try:
        session.oc._engine.repl.child.kill(9)
        with pytest.raises(OctaveDiedError, match="restarted"):
            session.eval("x = 1;")
        assert session.eval("1 + 1", nout=1) == 2             # the new session works ...
        assert session.eval("exist('singleLayer')", nout=1) == 2   # ... with the path re-added
    finally:
        session.exit()
