"""loadMNISTImages: the IDX image files, written here byte by byte from the format, and their corruptions."""

import gzip
import struct

import numpy as np
import pytest
from helpers import digits, writeIDX

from loadMNISTImages import loadMNISTImages
from loadMNISTLabels import loadMNISTLabels
from support.vecmat import mat


def test_images_round_trip_rows_are_the_column_major_vec_so_digits_stand_upright(tmp_path):
    images, _ = digits(3)
    path = writeIDX(tmp_path / "train-images-idx3-ubyte", 2051, (3, 28, 28), images.tobytes())
    Y = loadMNISTImages(path)
    assert Y.shape == (3, 784) and Y.dtype == np.float64 and Y.min() == 0 and Y.max() == 1
    for i in range(3):      # image(row) = mat(row, (28, 28)) is the picture as stored, row r at the top
        np.testing.assert_array_equal(mat(Y[i], (28, 28)), images[i] / 255)
    # the course's order: pixel (r, c) at r + 28 c (MATLAB's column-major vec of the rows x cols image)
    assert Y[0, 5 + 28 * 7] == images[0, 5, 7] / 255


def test_gz_and_the_course_s_spelling_read_the_same(tmp_path):
    images, labels = digits(4)
    plain = writeIDX(tmp_path / "train-images.idx3-ubyte", 2051, (4, 28, 28), images.tobytes())
    packed = writeIDX(tmp_path / "train-images-idx3-ubyte.gz", 2051, (4, 28, 28), images.tobytes(), gz=True)
    np.testing.assert_array_equal(loadMNISTImages(plain), loadMNISTImages(str(packed)))
    lab = writeIDX(tmp_path / "t10k-labels-idx1-ubyte.gz", 2049, (4,), labels.tobytes(), gz=True)
    out = loadMNISTLabels(lab)
    assert out.dtype == np.int64 and out.tolist() == [0, 1, 2, 3]


IMAGES_OK = digits(2)[0].tobytes()


CORRUPT_IMAGES = {   # name: (magic, sizes, payload, gz, the words the message must contain)
    "truncated": (2051, (10, 28, 28), IMAGES_OK, False,
                  ["expected 7856 bytes for 10 images of 28 x 28, got 1584", "truncated"]),
    "bytes left over": (2051, (1, 28, 28), IMAGES_OK, False,
                        ["expected 800 bytes for 1 images", "left over"]),
    "a label file": (2049, (2,), b"\x01\x02", False, ["magic number 2049, expected 2051", "label file"]),
    "garbage magic": (1234, (2, 28, 28), IMAGES_OK, False, ["magic number 1234, expected 2051"]),
    "not 28 x 28": (2051, (1, 30, 28), bytes(840), False, ["30 x 28 pixels, expected 28 x 28"]),
    "negative size": (2051, (-1, 28, 28), b"", False, ["negative size"]),
    "truncated after gunzip": (2051, (3, 28, 28), IMAGES_OK, True, ["(after gunzip)", "got 1584"]),
}


@pytest.mark.parametrize("case", CORRUPT_IMAGES)
def test_corrupt_image_files_raise_an_error_naming_the_file_and_the_problem(tmp_path, case):
    magic, sizes, payload, gz, words = CORRUPT_IMAGES[case]
    path = writeIDX(tmp_path / "bad-images-idx3-ubyte", magic, sizes, payload, gz)
    with pytest.raises(ValueError) as err:
        loadMNISTImages(path)
    assert str(path) in str(err.value)
    for w in words:
        assert w in str(err.value)


def test_short_header_and_broken_gzip_raise_clear_errors(tmp_path):
    short = tmp_path / "short"
    short.write_bytes(struct.pack(">ii", 2051, 3))
    with pytest.raises(ValueError, match=r"short.*8 bytes, too short for the 16-byte header"):
        loadMNISTImages(short)
    broken = tmp_path / "broken.gz"
    broken.write_bytes(gzip.compress(struct.pack(">iiii", 2051, 1, 28, 28) + IMAGES_OK[:784])[:-12])
    with pytest.raises(ValueError, match=r"broken\.gz: corrupt gzip file"):
        loadMNISTImages(broken)
