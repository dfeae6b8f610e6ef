"""Read MNIST images from an IDX3 file, as the course's ``loadMNISTImages.m`` does.

The IDX3 format of the MNIST files (train-images-idx3-ubyte, t10k-images-idx3-ubyte):

    int32 magic = 2051, int32 n, int32 rows = 28, int32 cols = 28   (big-endian)
    n*rows*cols unsigned bytes: image 1 row by row, then image 2, ...

The course reads the bytes, permutes each image to rows x cols, reshapes it
column-major into one column of 784 pixels and divides by 255:

    images(:, i) = vec(image_i) / 255        (pixels in [0, 1])

Ours returns the same numbers with the examples in rows (the lecture's
convention, Y is n x 784): row i is ``vec(image_i) / 255``, column-major, so
``mat(row, (28, 28))`` shows the digit upright, as MATLAB's
``reshape(images(:, i), 28, 28)`` does. Plain and gzip-compressed files are
both read (the ``.gz`` files as distributed), whatever their names.
"""

import gzip
import os
import struct
import zlib

import numpy as np

from support.checks import describe

MAGIC = {2051: "an IDX3 image file", 2049: "an IDX1 label file"}


def readIDX(filename, magic, dims):
    """The header and the data bytes of an IDX file, checked: ``(sizes, data, where)``.

    ``magic`` is the expected magic number (2051 images, 2049 labels) and
    ``dims`` the number of int32 sizes after it (3 and 1). The file may be
    gzip-compressed. A missing file raises FileNotFoundError, anything that is
    not a complete IDX file of that kind a ValueError; both name the file.
    ``where`` is the file's name for further messages ("(after gunzip)" added
    when it was compressed: the sizes refer to the uncompressed bytes).
    """
    if not isinstance(filename, (str, os.PathLike)):
        raise TypeError(f"filename must be a file name (str or path), got {describe(filename)}")
    filename = os.fspath(filename)
    if not os.path.isfile(filename):
        raise FileNotFoundError(f"{filename}: no such file" + (" (it is a folder)" if os.path.isdir(filename)
                                                                 else ""))
    with open(filename, "rb") as f:
        raw = f.read()
    packed = raw[:2] == b"\x1f\x8b"                  # gzip's own magic bytes, whatever the file's name
    if packed:
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as err:
            raise ValueError(f"{filename}: corrupt gzip file ({err})") from err
    where = f"{filename}{' (after gunzip)' if packed else ''}"
    header = 4 * (1 + dims)
    found = struct.unpack(">i", raw[:4])[0] if len(raw) >= 4 else None
    if found is not None and found != magic:     # before the length: a label file is shorter than a header
        hint = f": this is {MAGIC[found]}" if found in MAGIC else ""
        raise ValueError(f"{where}: magic number {found}, expected {magic} for {MAGIC[magic]}{hint}")
    if len(raw) < header:
        raise ValueError(f"{where}: {len(raw)} bytes, too short for the {header}-byte header of "
                         f"{MAGIC[magic]}")
    sizes = list(struct.unpack(f">{dims}i", raw[4:header]))
    if min(sizes) < 0:
        raise ValueError(f"{where}: negative size in the header, {sizes}")
    return sizes, raw[header:], where


def loadMNISTImages(filename):
    """``images = loadMNISTImages(filename)``: the MNIST images of an IDX3 file, one per row, in [0, 1].

    Parameters
    ----------
    filename : str or path
        An IDX3 image file, plain or gzip-compressed: ``train-images-idx3-ubyte``
        (also spelt ``train-images.idx3-ubyte``, as in the course),
        ``t10k-images-idx3-ubyte``, or these with ``.gz``.

    Returns
    -------
    images : ndarray, n x 784, float64
        Row i is the i-th image as MATLAB's ``image(:)`` (column-major, so
        ``mat(images[i], (28, 28))`` is upright), divided by 255.

    Raises
    ------
    FileNotFoundError
        No such file.
    ValueError
        Not gzip-readable, a wrong magic number (e.g. a label file), images
        that are not 28 x 28, or a length that does not match the header
        (truncated or with bytes left over); the message names the file.

    The course's ``loadMNISTImages.m`` returns the transpose (784 x n) and only
    checks the magic number.
    """
    (n, rows, cols), data, where = readIDX(filename, 2051, 3)
    if (rows, cols) != (28, 28):
        raise ValueError(f"{where}: images of {rows} x {cols} pixels, expected 28 x 28 (MNIST)")
    if len(data) != n * rows * cols:
        raise ValueError(f"{where}: expected {16 + n * rows * cols} bytes for {n} images of {rows} x {cols}, "
                         f"got {16 + len(data)}" + (" (truncated)" if len(data) < n * rows * cols
                                                    else " (bytes left over)"))
    images = np.frombuffer(data, dtype=np.uint8).reshape(n, rows, cols)
    # the file stores each image row by row; the course's row i is its column-major vec
    return images.transpose(0, 2, 1).reshape(n, rows * cols) / 255.0


if __name__ == "__main__":
    from support.vecmat import mat

    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "data", "mnist", "train-images-idx3-ubyte.gz")
    images = loadMNISTImages(path)
    print(f"images: {images.shape}, {images.dtype}, pixels in [{images.min():g}, {images.max():g}], "
          f"mean {images.mean():.4f}")
    print("the first image, mat(images[0], (28, 28)), upright (a zero):")
    for line in mat(images[0], (28, 28))[3:25]:
        print("   " + "".join(" .:-=+*#%@"[min(int(v * 10), 9)] for v in line))
