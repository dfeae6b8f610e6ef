"""loadMNISTLabels: the bound 0..9 at its edge, and label bytes read unsigned."""

import struct

import numpy as np
import pytest

from loadMNISTLabels import loadMNISTLabels


def labelFile(path, labels):
    path.write_bytes(struct.pack(">ii", 2049, len(labels)) + bytes(labels))
    return path


def test_the_digits_0_to_9_are_read_as_they_are(tmp_path):
    labels = loadMNISTLabels(labelFile(tmp_path / "labels-idx1-ubyte", range(10)))
    assert labels.dtype == np.int64 and np.array_equal(labels, np.arange(10))


def test_a_label_of_exactly_10_is_an_error(tmp_path):
    """Catches the bound slipping from > 9 to > 10."""
    with pytest.raises(ValueError, match="1 labels outside 0..9, the first is 10 at position 1"):
        loadMNISTLabels(labelFile(tmp_path / "labels-idx1-ubyte", [3, 10, 4]))


def test_a_byte_of_200_is_the_label_200_an_error_not_minus_56(tmp_path):
    """Catches bytes read as signed int8 (200 would become -56, which passes a > 9 bound)."""
    with pytest.raises(ValueError, match="the first is 200 at position 0"):
        loadMNISTLabels(labelFile(tmp_path / "labels-idx1-ubyte", [200, 1]))
