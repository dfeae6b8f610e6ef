"""support/checks.py, the input checks of every lecture file: allFinite."""

import numpy as np

from support.checks import allFinite


def test_allFinite_on_large_arrays_whose_sum_overflows():
    big = np.full(100_000, 1e305)                  # every entry finite, the sum is inf
    assert allFinite(big)
    for bad in (np.inf, -np.inf, np.nan):
        worse = big.copy()
        worse[12345] = bad
        assert not allFinite(worse)
