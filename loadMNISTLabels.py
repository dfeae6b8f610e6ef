"""Read MNIST labels from an IDX1 file, as the course's ``loadMNISTLabels.m`` does.

The IDX1 format of the MNIST label files (train-labels-idx1-ubyte, t10k-labels-idx1-ubyte):

    int32 magic = 2049, int32 n   (big-endian)
    n unsigned bytes: the digit 0..9 of image 1, image 2, ...

The course returns the labels as a column (n x 1 doubles) and asserts that
there are n of them; ours returns an int vector of length n and also checks
that every label is a digit 0..9. Plain and gzip-compressed files are read.
"""

import os

import numpy as np

from loadMNISTImages import readIDX


def loadMNISTLabels(filename):
    """``labels = loadMNISTLabels(filename)``: the digits 0..9 of an IDX1 label file.

    Parameters
    ----------
    filename : str or path
        An IDX1 label file, plain or gzip-compressed: ``train-labels-idx1-ubyte``
        (also spelt ``train-labels.idx1-ubyte``, as in the course),
        ``t10k-labels-idx1-ubyte``, or these with ``.gz``.

    Returns
    -------
    labels : ndarray, (n,), int64
        The class of each image, 0..9, in the order of the image file.

    Raises
    ------
    FileNotFoundError
        No such file.
    ValueError
        Not gzip-readable, a wrong magic number (e.g. an image file), a length
        that does not match the header, or a label outside 0..9; the message
        names the file.

    The course's ``loadMNISTLabels.m`` returns an n x 1 column of doubles.
    """
    (n,), data, where = readIDX(filename, 2049, 1)
    if len(data) != n:
        raise ValueError(f"{where}: expected {8 + n} bytes for {n} labels, got {8 + len(data)}"
                         + (" (truncated)" if len(data) < n else " (bytes left over)"))
    labels = np.frombuffer(data, dtype=np.uint8).astype(np.int64)
    bad = np.flatnonzero(labels > 9)
    if bad.size:
        raise ValueError(f"{where}: {bad.size} labels outside 0..9, the first is {labels[bad[0]]} "
                         f"at position {bad[0]}")
    return labels


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "data", "mnist", "train-labels-idx1-ubyte.gz")
    labels = loadMNISTLabels(path)
    print(f"labels: {labels.shape}, {labels.dtype}, the first ten {labels[:10].tolist()}")
    print("digits of each class 0..9:", np.bincount(labels, minlength=10).tolist())
