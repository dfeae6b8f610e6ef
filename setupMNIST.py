"""MNIST digits for training and validation, split and scaled as the course's ``setupMNIST.m`` does.

The course reads MNIST's training file, draws a random split of it, and scales
each part by its largest pixel:

    [Y, labels] = the training images (n x 784, in [0, 1]) and their digits
    C(i, :)     = e_{labels(i)+1}'              (one-hot, 10 classes)
    idx         = randperm(n): the first nTrain rows train, the next nVal validate
    Ytrain      = Ytrain / max|Ytrain| - 0.5     (pixels in [-0.5, 0.5]; same for Yval)

and sorts each part by class (all zeros first, then the ones, ...).

Where the digits come from, in this order: the ``folder`` argument, the
environment variable MNIST_DIR, and the subset kept in this repository
(``data/mnist``: 5000 real MNIST digits, see data/mnist/README.md). The course
downloads the full set when it is missing; we never download: for all 60000
training digits, fetch ``train-images-idx3-ubyte.gz`` and
``train-labels-idx1-ubyte.gz`` from Yann LeCun's MNIST page
(http://yann.lecun.com/exdb/mnist/) or one of its mirrors, and point
``folder`` (``--folder`` in the examples) or MNIST_DIR at their folder.
"""

import os

import numpy as np

from loadMNISTImages import loadMNISTImages
from loadMNISTLabels import loadMNISTLabels
from support.checks import asBool, asPositiveInt, asRng, describe

EMBEDDED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "mnist")
NAMES = {"images": ["train-images-idx3-ubyte", "train-images.idx3-ubyte"],    # MNIST's name, the course's
         "labels": ["train-labels-idx1-ubyte", "train-labels.idx1-ubyte"]}
FULL_SET = ("for the full set (60000 training digits), download train-images-idx3-ubyte.gz and "
            "train-labels-idx1-ubyte.gz from Yann LeCun's MNIST page (http://yann.lecun.com/exdb/mnist/) "
            "or a mirror into a folder and pass it as folder= (--folder in the examples) or set MNIST_DIR")


def mnistSource(folder=None):
    """``(folder, how)``: where the digits are read from (folder argument, MNIST_DIR, or the subset here)."""
    if folder is not None:
        if not isinstance(folder, (str, os.PathLike)):
            raise TypeError(f"folder must be None or a folder name, got {describe(folder)}")
        return os.fspath(folder), "the folder argument"
    if os.environ.get("MNIST_DIR"):
        return os.environ["MNIST_DIR"], "the environment variable MNIST_DIR"
    return EMBEDDED, "the subset kept in this repository, see data/mnist/README.md"


def findFile(folder, how, kind):
    """The training file of ``kind`` ("images"/"labels") in ``folder``, under any of its usual names."""
    if not os.path.isdir(folder):
        unset = "; unset MNIST_DIR to use the subset kept here" if how.endswith("MNIST_DIR") else ""
        raise FileNotFoundError(f"MNIST folder {folder} (from {how}) does not exist{unset}; {FULL_SET}")
    candidates = [name + ext for name in NAMES[kind] for ext in ("", ".gz")]
    for name in candidates:
        if os.path.isfile(os.path.join(folder, name)):
            return os.path.join(folder, name)
    raise FileNotFoundError(f"no MNIST training {kind} in {folder} (from {how}): looked for "
                            f"{', '.join(candidates)}; {FULL_SET}")


def scaleAndSort(I, labels, idx):
    """The course's Y / max|Y| - 0.5 and one-hot C of the rows ``idx``, sorted by class (stable sort)."""
    Y, c = I[idx], labels[idx]
    Y = Y / max(np.abs(Y).max(initial=0.0), np.finfo(float).tiny) - 0.5
    k = np.argsort(c, kind="stable")
    return Y[k], np.eye(10)[c[k]]


def setupMNIST(nTrain=None, nVal=None, folder=None, seed=0, verbose=True):
    """``[Ytrain,Ctrain,Yval,Cval] = setupMNIST(nTrain,nVal)``: a random train/validation split of MNIST.

    Parameters
    ----------
    nTrain : int, optional
        Training digits. Default: the course's 50000, or as many as the data
        allow with nVal = nTrain/5 (4167 of the 5000 digits kept here).
    nVal : int, optional
        Validation digits, different from the training ones. Default
        ``round(nTrain/5)`` (the course).
    folder : str or path, optional
        Folder with MNIST's training files (``train-images-idx3-ubyte`` and
        ``train-labels-idx1-ubyte``, or the course's ``train-images.idx3-ubyte``
        spelling, each plain or ``.gz``). Default: the environment variable
        MNIST_DIR, else the 5000-digit subset in ``data/mnist``.
    seed : int or numpy.random.Generator, default 0
        Source of the random split (``numpy.random.default_rng``).
    verbose : bool, default True
        Print which files were read (and how to get the full set).

    Returns
    -------
    Ytrain : ndarray, nTrain x 784
        Training digits in rows, pixels (column-major, see ``loadMNISTImages``)
        scaled to [-0.5, 0.5]; sorted by class.
    Ctrain : ndarray, nTrain x 10
        One-hot classes (column j is the digit j).
    Yval : ndarray, nVal x 784
        Validation digits, scaled and sorted the same way.
    Cval : ndarray, nVal x 10
        Their one-hot classes.

    Raises
    ------
    FileNotFoundError
        No MNIST files where they were looked for (the message says where and
        how to get them).
    ValueError
        nTrain + nVal larger than the number of digits available, or files
        that are not MNIST (see ``loadMNISTImages``).

    The course's ``setupMNIST.m`` returns Y (784 x n) and C (10 x n) with the
    examples in columns, splits with MATLAB's ``randperm`` (the same seed gives
    another split here) and offers to download the data when it is missing.
    """
    rng, verbose = asRng(seed, "seed"), asBool(verbose, "verbose")
    folder, how = mnistSource(folder)
    imageFile, labelFile = findFile(folder, how, "images"), findFile(folder, how, "labels")
    I, labels = loadMNISTImages(imageFile), loadMNISTLabels(labelFile)
    available = I.shape[0]
    if labels.size != available:
        raise ValueError(f"{imageFile} has {available} images but {labelFile} has {labels.size} labels")
    defaults = []
    if nTrain is None:      # the course's 50000 (+ 10000) of 60000; else as many as fit nTrain + nTrain/5
        nTrain = min(50000, available - int(np.floor(available / 6 + 0.5)))
        defaults.append("nTrain")
    nTrain = asPositiveInt(nTrain, "nTrain")
    if nVal is None:
        nVal = max(int(np.floor(nTrain / 5 + 0.5)), 1)              # MATLAB's round(nTrain/5)
        defaults.append("nVal = round(nTrain/5)")
    nVal = asPositiveInt(nVal, "nVal")
    if nTrain + nVal > available:
        default = f" ({' and '.join(defaults)} by default)" if defaults else ""
        raise ValueError(f"nTrain + nVal = {nTrain} + {nVal}{default} = {nTrain + nVal} digits asked for, "
                         f"but only {available} are available in {imageFile} (from {how}): "
                         "lower nTrain or nVal"
                         + ("" if available >= 60000 else f", or {FULL_SET}"))
    if verbose:
        print(f"MNIST: {available} digits from {imageFile} ({how})")
        if available < 60000:
            print(f"  a subset; {FULL_SET}")
    idx = rng.permutation(available)
    Ytrain, Ctrain = scaleAndSort(I, labels, idx[:nTrain])
    Yval, Cval = scaleAndSort(I, labels, idx[nTrain:nTrain + nVal])
    return Ytrain, Ctrain, Yval, Cval


if __name__ == "__main__":
    Yt, Ct, Yv, Cv = setupMNIST(50, 10, seed=0)
    print(f"Ytrain {Yt.shape}, Ctrain {Ct.shape}, Yval {Yv.shape}, Cval {Cv.shape}; "
          f"pixels in [{Yt.min():g}, {Yt.max():g}]")
    print("training classes (sorted, as the course):", Ct.argmax(1).tolist())
    print("digits per class in Yval:", Cv.sum(0).astype(int).tolist())
