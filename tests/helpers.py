"""What several test files share (not a test module).

- ``orders``: the order of convergence a Taylor table shows between consecutive steps (every test of
  a derivative's E1 or E2 column);
- ``ACTIVATIONS`` and ``elementwise``: the three activations by name, and one as a function for
  checkDerivative (test_singleLayer, test_singleLayerNNObjFun, test_smoothRelU);
- ``writeIDX``, ``digits``, ``mnistFolder``: MNIST's IDX files, written byte by byte from the format
  (test_loadMNISTImages, test_loadMNISTLabels, test_setupMNIST);
- ``classProbabilities``: random class probabilities C, rows summing to 1 (the fixture
  ``classifierData`` in conftest.py, test_softMax);
- ``courseSessionOrSkip``: the Octave session with the course's toolbox, or the test skipped saying
  what is missing (the cross-checks in crosscheck/; the fixture ``session`` in crosscheck/conftest.py).
"""

import gzip
import os
import shutil
import struct

import numpy as np
import pytest

from crosscheck.courseSession import (
    INSTALL_HINT,
    CourseSession,
    OctaveUnavailableError,
    ToolboxError,
    ToolboxNotSetError,
    driverSession,
    toolboxDir,
)
from sinActivation import sinActivation
from smoothRelU import smoothRelU
from tanhActivation import tanhActivation


def orders(E):
    """log2(E_k / E_{k+1}) for consecutive entries of a Taylor table's column (h halves each row).

    ``orders(table[4:10, 3])``: the five orders of E2 from row 4 to row 9; about 3 where H is the
    exact Hessian, 2 for the Gauss-Newton one; E1 (column 2) shows 2 for a right gradient.
    """
    E = np.asarray(E)
    return np.log2(E[:-1] / E[1:])


ACTIVATIONS = {"tanh": tanhActivation, "smoothRelu": smoothRelU, "sine": sinActivation}


def elementwise(act):
    """Y -> (sigma(Y), v -> sigma'(Y) .* v): the activation as a function for checkDerivative."""
    def fun(Y):
        A, dA = act(Y)
        return A, lambda V: dA * V
    return fun


def writeIDX(path, magic, sizes, payload, gz=False):
    """An IDX file at ``path``: magic and sizes as big-endian int32, then ``payload`` (bytes)."""
    content = struct.pack(f">{1 + len(sizes)}i", magic, *sizes) + bytes(payload)
    path.write_bytes(gzip.compress(content, mtime=0) if gz else content)
    return path


def digits(n, seed=0):
    """n random 28 x 28 uint8 images with 0 and 255 present, and labels cycling through 0..9."""
    images = np.random.default_rng(seed).integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    images[:, 0, 0], images[:, 27, 27] = 0, 255
    return images, np.arange(n, dtype=np.uint8) % 10


def mnistFolder(folder, n=60, seed=0, gz=False, spelling="train-{}-idx{}-ubyte"):
    """A folder with MNIST training files of n digits; returns (images, labels) as written."""
    folder.mkdir(exist_ok=True)
    images, labels = digits(n, seed)
    ext = ".gz" if gz else ""
    writeIDX(folder / (spelling.format("images", 3) + ext), 2051, (n, 28, 28), images.tobytes(), gz)
    writeIDX(folder / (spelling.format("labels", 1) + ext), 2049, (n,), labels.tobytes(), gz)
    return images, labels


def classProbabilities(rng, n, nc):
    """n x nc class probabilities: random, each row summing to 1."""
    C = rng.random((n, nc))
    return C / C.sum(axis=1, keepdims=True)


def courseSessionOrSkip(drivers=None):
    """A session with the course's toolbox (and the folder ``drivers`` on its path), or the test skipped.

    $NUMDL_MATLAB unset or no Octave: skipped with the reason (failed with REQUIRE_OCTAVE=1);
    $NUMDL_MATLAB set to a folder that is not the toolbox: failed, with one line naming it.
    """
    try:
        toolbox = toolboxDir()
    except ToolboxNotSetError as err:
        unavailable(str(err))
    except ToolboxError as err:
        pytest.fail(str(err), pytrace=False)
    if shutil.which("octave-cli") is None:
        unavailable(INSTALL_HINT)
    try:
        return CourseSession(toolbox) if drivers is None else driverSession(drivers, toolbox=toolbox)
    except OctaveUnavailableError as err:
        unavailable(str(err))


def unavailable(reason):
    """Skip the test with ``reason``; fail it instead when REQUIRE_OCTAVE=1 (CI)."""
    if os.environ.get("REQUIRE_OCTAVE") == "1":
        pytest.fail(f"REQUIRE_OCTAVE=1 but {reason}", pytrace=False)
    pytest.skip(reason)
