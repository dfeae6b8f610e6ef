"""The cross-checks' Octave session with the course's toolbox: one per test module, closed at its end."""

import pytest
from helpers import courseSessionOrSkip


@pytest.fixture(scope="module")
def session():
    octave = courseSessionOrSkip()
    yield octave
    octave.exit()
