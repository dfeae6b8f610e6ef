"""setupPeaks: MATLAB's peaks surface, balanced classes, shapes; the single layer learns it.

Target runtime: < 5 s (plus ~1 s when Octave is installed for the cross-check).
"""

import os
import shutil
import subprocess

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from genTikhonov import genTikhonov  # noqa: E402
from newtonCG import newtonCG  # noqa: E402
from setupPeaks import peaks, peaksClasses, setupPeaks  # noqa: E402
from singleLayer import singleLayer  # noqa: E402
from singleLayerNNObjFun import singleLayerNNObjFun, splitX  # noqa: E402


@pytest.mark.parametrize("np_, nc, expectedPerClass", [(8000, 5, 1600), (1001, 5, 201), (90, 3, 30)])
def test_shapes_one_hot_and_balanced_classes(np_, nc, expectedPerClass):
    Y, C = setupPeaks(np_, nc, 64, seed=0)
    assert Y.shape == (nc * expectedPerClass, 2) and C.shape == (nc * expectedPerClass, nc)
    np.testing.assert_array_equal(C.sum(axis=1), 1)
    np.testing.assert_array_equal(C.sum(axis=0), expectedPerClass)
    assert set(np.unique(C)) == {0.0, 1.0}
    assert np.all(np.abs(Y) <= 3)


def test_default_size_is_the_course_s():
    Y, C = setupPeaks(seed=1)
    assert Y.shape == (8000, 2) and C.shape == (8000, 5)


def test_points_are_grid_points_of_their_class():
    ns = 64
    Y, C = setupPeaks(500, 4, ns, seed=2)
    X1, X2, Z = peaks(ns)
    t = np.linspace(-3, 3, ns)
    i, j = np.searchsorted(t, Y[:, 1] - 1e-12), np.searchsorted(t, Y[:, 0] - 1e-12)   # row: y, column: x
    np.testing.assert_allclose(X1[i, j], Y[:, 0], rtol=0, atol=0)
    np.testing.assert_allclose(X2[i, j], Y[:, 1], rtol=0, atol=0)
    np.testing.assert_array_equal(peaksClasses(Z, 4)[i, j], C.argmax(1))


def test_classes_are_equal_bins_of_the_height():
    X1, X2, Z = peaks(100)
    cls = peaksClasses(Z, 5)
    h = (Z.max() - Z.min()) / 5
    assert cls[Z == Z.min()].item() == 0 and cls[Z == Z.max()].item() == 4
    for k in range(5):
        z = Z[cls == k]
        assert np.all(z <= Z.min() + (k + 1) * h + 1e-12) and (k == 0 or np.all(z > Z.min() + k * h))


def test_seed_reproduces_and_different_seeds_differ():
    np.testing.assert_array_equal(setupPeaks(200, seed=3)[0], setupPeaks(200, seed=3)[0])
    assert not np.array_equal(setupPeaks(200, seed=3)[0], setupPeaks(200, seed=4)[0])


def test_no_figure_unless_asked():
    plt.close("all")
    setupPeaks(100, seed=0)
    assert plt.get_fignums() == []
    setupPeaks(100, seed=0, doPlot=True)
    assert len(plt.get_fignums()) == 1
    plt.close("all")


@pytest.mark.parametrize("kwargs, error, message", [
    ({"np": 0}, TypeError, "np must be a positive integer, got 0"),
    ({"nc": 2.5}, TypeError, "nc must be a positive integer"),
    ({"nc": 1}, ValueError, "nc and ns must be >= 2"),
    ({"ns": "256"}, TypeError, "ns must be a positive integer, got '256'"),
    ({"seed": -1}, ValueError, "seed must be a non-negative seed"),
    ({"nc": 50, "ns": 4}, ValueError, r"class \d+ has no grid point for ns = 4")])
def test_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        setupPeaks(**kwargs)


def octave():
    exe = shutil.which("octave-cli")
    if exe is None:
        if os.environ.get("REQUIRE_OCTAVE"):
            pytest.fail("REQUIRE_OCTAVE is set but octave-cli is not installed")
        pytest.skip("no Octave (apt-get install -y --no-install-recommends octave)")
    return exe


def test_peaks_and_the_course_s_bins_match_octave():
    """Octave's peaks(ns) and the course's binning loop give our surface and classes."""
    ns, nc = 37, 5
    script = (f"[x,y,z]=peaks({ns}); mx=max(z(:)); mn=min(z(:)); h=(mx-mn)/{nc}; c=zeros(size(z));"
              f"for i=1:{nc}, c(mn+(i-1)*h < z & z <= mn+i*h) = i-1; end;"
              "printf('%.17g %.17g %.17g %d\\n', [x(:) y(:) z(:) c(:)]');")
    out = subprocess.run([octave(), "--no-history", "--eval", script], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    ref = np.array([line.split() for line in out.strip().splitlines()], dtype=float)
    X1, X2, Z = peaks(ns)
    vec = lambda A: A.reshape(-1, order="F")  # noqa: E731
    np.testing.assert_allclose(vec(X1), ref[:, 0], rtol=0, atol=1e-14)   # Octave's linspace: a few ulp off
    np.testing.assert_allclose(vec(X2), ref[:, 1], rtol=0, atol=1e-14)
    np.testing.assert_allclose(vec(Z), ref[:, 2], rtol=1e-13, atol=1e-14)
    course = ref[:, 3].astype(int)
    ours = vec(peaksClasses(Z, nc))
    # identical except where the course's bins leave the maximum in class 0 (rounding of mn + nc*h)
    differ = ours != course
    assert np.all(vec(Z)[differ] == Z.max()) and differ.sum() <= 1


@pytest.mark.parametrize("seed", [0])
def test_single_layer_learns_peaks_well_above_chance(seed):
    """Measured with Newton-CG (50 iterations, m = 30, lam = 1e-4), seeds 0..5: 92.8-96.0% on validation."""
    rng = np.random.default_rng(seed)
    Y, C = setupPeaks(1500, seed=rng)
    Yv, Cv = setupPeaks(500, seed=rng)
    m = 30
    x0 = np.concatenate([rng.standard_normal(2 * m + 1), 0.1 * rng.standard_normal(m * 5)])
    x, his, _ = newtonCG(lambda x: singleLayerNNObjFun(x, Y, C, m, reg=lambda x: genTikhonov(x, 1e-4)),
                         x0, {"maxIter": 50, "verbose": False})
    K, b, W = splitX(x, 2, m, 5)
    valAcc = np.mean((singleLayer(K, b, Yv)[0] @ W).argmax(1) == Cv.argmax(1))
    assert valAcc > 0.9, valAcc      # chance is 0.2


def test_np_1001_and_5_classes_give_201_points_per_class_1005_rows():
    """Catches np // nc (1000 rows) for the course's ceil(np/nc)."""
    Y, C = setupPeaks(1001, 5, 64, seed=0)
    assert Y.shape == (1005, 2) and C.shape == (1005, 5)
    assert np.array_equal(C.sum(axis=0), [201] * 5)


def test_np_a_multiple_of_nc_is_not_rounded_up():
    Y, C = setupPeaks(1000, 5, 64, seed=0)
    assert Y.shape == (1000, 2) and np.array_equal(C.sum(axis=0), [200] * 5)


def test_its_figure_numbers_the_classes_1_to_nc_as_the_course():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    setupPeaks(100, 5, 32, seed=0, doPlot=True)
    fig = plt.gcf()
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [f"class {k}" for k in range(1, 6)]
    plt.close(fig)
