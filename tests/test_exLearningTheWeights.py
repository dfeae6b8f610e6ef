"""exLearningTheWeights.py's experiments at small sizes: the slide's claims hold and the tables add up.

Target runtime: < 15 s.
"""

import numpy as np
import pytest

from exLearningTheWeights import (
    accuracyVsWidth,
    fitLearned,
    fitRandom,
    formatInitialization,
    formatWidths,
    initializationStudy,
    inverseCrime,
    peaksProblem,
    summarize,
    widthNeeded,
)


@pytest.fixture(scope="module")
def peaks():
    return peaksProblem(0, 500)


def test_the_learned_layer_beats_random_features_of_the_same_small_width_on_peaks(peaks):
    for m in (4, 8):
        for seed in (0, 1):
            randomTrain, randomVal, _ = fitRandom(peaks, m, seed)
            learnedTrain, learnedVal, _ = fitLearned(peaks, m, seed)
            # measured: +6..+21 (training), +5..+20 (validation)
            assert learnedTrain > randomTrain + 5 and learnedVal > randomVal + 3, (m, seed)


def test_random_features_fit_better_with_a_larger_width_and_the_table_says_so(peaks):
    rows = accuracyVsWidth(peaks, widths=(2, 16, 128), learnedWidths=(), seeds=(0,), verbose=False)
    summary = summarize(rows)
    train = [summary[("random", m)][0] for m in (2, 16, 128)]
    assert train[0] < train[1] < train[2] and train[2] > 85, train
    assert summary[("linear", 0)][0] < 70                       # no linear separator on Peaks
    assert widthNeeded(rows, "random", 85, "train") == 128
    assert widthNeeded(rows, "random", 99.9, "train") is None
    assert "128" in formatWidths(rows, "Peaks", (85,)).splitlines()[-1]


def test_inverse_crime_ends_at_or_above_its_known_minimum_and_the_table_counts_starts():
    crime = inverseCrime(0, n=60, nf=6, nc=3, m=4)
    rows = initializationStudy(crime, crime["m"], scales=(0.1, 1.0), starts=3,
                               param={"maxIter": 15, "maxIterCG": 10}, verbose=False)
    assert len(rows) == 6 and {r["scale"] for r in rows} == {0.1, 1.0}
    assert all(r["gap"] > -1e-12 for r in rows)                 # Emin is the entropy of Cobs: a lower bound
    table = formatInitialization(rows, "small crime", True, 1e-2)
    assert table.count("\n") == 3


def test_peaks_initialization_reports_validation_accuracy(peaks):
    rows = initializationStudy(peaks, 3, scales=(1.0,), starts=2, param={"maxIter": 5}, verbose=False)
    assert all(0 <= r["val"] <= 100 and np.isnan(r["gap"]) for r in rows)
