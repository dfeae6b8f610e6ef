"""bench/tanhKernels.py: the accuracy its table reports for each candidate tanh, on a sweep of |x|."""

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import tanhKernels  # noqa: E402

HALF = np.geomspace(1e-300, 20, 20001)
SWEEP = np.concatenate([-HALF, HALF, [0.0, 25.0, 1e300]])


def test_the_table_and_the_expm1_candidates_stay_within_three_ulp_and_the_exp_one_does_not():
    exact = np.tanh(SWEEP)
    assert tanhKernels.ulps(tanhKernels.viaTableBlocked(SWEEP), exact) <= 3
    assert tanhKernels.ulps(tanhKernels.viaExpm1(SWEEP), exact) <= 3
    assert tanhKernels.ulps(tanhKernels.viaExpBlocked(SWEEP), exact) > 1e6       # cancellation near 0


def test_the_table_candidate_keeps_signs_infinities_and_nan():
    x = np.array([-0.0, 0.0, np.inf, -np.inf, np.nan, 5e-324])
    out = tanhKernels.viaTableBlocked(x)
    np.testing.assert_array_equal(out, np.tanh(x))
    assert np.signbit(out[0]) and not np.signbit(out[1])
