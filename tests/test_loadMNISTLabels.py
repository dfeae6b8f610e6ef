"""loadMNISTLabels (and a missing file for both readers): the IDX label files and their corruptions."""

import struct

import numpy as np
import pytest
from helpers import writeIDX

from loadMNISTImages import loadMNISTImages
from loadMNISTLabels import loadMNISTLabels

CORRUPT_LABELS = {
    "out of range": (2049, (4,), b"\x00\x09\x0c\x03",
                     ["1 labels outside 0..9, the first is 12 at position 2"]),
    "truncated": (2049, (10,), b"\x01\x02", ["expected 18 bytes for 10 labels, got 10", "truncated"]),
    "an image file": (2051, (1, 28, 28), bytes(784), ["magic number 2051, expected 2049", "image file"]),
}


@pytest.mark.parametrize("case", CORRUPT_LABELS)
def test_corrupt_label_files_raise_an_error_naming_the_file_and_the_problem(tmp_path, case):
    magic, sizes, payload, words = CORRUPT_LABELS[case]
    path = writeIDX(tmp_path / "bad-labels-idx1-ubyte", magic, sizes, payload)
    with pytest.raises(ValueError) as err:
        loadMNISTLabels(path)
    assert str(path) in str(err.value)
    for w in words:
        assert w in str(err.value)


@pytest.mark.parametrize("reader", [loadMNISTImages, loadMNISTLabels])
def test_a_missing_file_is_a_FileNotFoundError_with_its_name(tmp_path, reader):
    with pytest.raises(FileNotFoundError, match="nowhere-idx.*no such file"):
        reader(tmp_path / "nowhere-idx")
    with pytest.raises(TypeError, match="filename"):
        reader(42)


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
