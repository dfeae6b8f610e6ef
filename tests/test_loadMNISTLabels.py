"""loadMNISTLabels (and a missing file for both readers): the IDX label files and their corruptions."""

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
