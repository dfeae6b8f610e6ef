"""setupPeaks: ceil(np/nc) points per class, as the course draws them."""

import numpy as np

from setupPeaks import setupPeaks


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
