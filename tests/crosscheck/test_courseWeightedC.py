"""A documented difference (crosscheck/README.md): C whose rows do not sum to 1, in the course's softMax.m.

The course accepts any non-negative C and computes (-C:(S - s) + sum_i log sum_k exp(S_ik - s_i)) / n
with s_i the largest score of example i; ours, asked with probabilities=False, the weighted cross
entropy, each example counted by the sum c_i of its row: (-C:S + sum_i c_i log sum_k exp(S_ik)) / n.
They agree when every c_i is 1 (the course's value then does not depend on the shift s).
"""

import numpy as np
import pytest

from crosscheck.courseLayout import toCourse
from softMax import softMax


def test_the_course_counts_the_log_sum_exp_once_ours_c_i_times(session):
    rng = np.random.default_rng(3)
    n, m, nc = 7, 4, 3
    W, Z = 0.3 * rng.standard_normal((m, nc)), rng.standard_normal((n, m))
    C = np.eye(nc)[rng.integers(nc, size=n)] * rng.uniform(0.5, 3.0, size=(n, 1))   # rows sum to c_i
    course = session.call("OUT.E = softMax(W, Y, C);", W=toCourse(W), Y=toCourse(Z), C=toCourse(C))["E"]
    ours = softMax(W, Z, C, probabilities=False)[0]
    S = Z @ W
    logSumExp = np.log(np.exp(S).sum(axis=1))
    c = C.sum(axis=1)
    Sshift = S - S.max(axis=1, keepdims=True)
    assert course == pytest.approx((-np.sum(C * Sshift) + np.log(np.exp(Sshift).sum(axis=1)).sum()) / n,
                                   rel=1e-13)
    assert ours == pytest.approx((-np.sum(C * S) + c @ logSumExp) / n, rel=1e-13)
    assert abs(course - ours) > 1e-3 * abs(ours)                 # a real difference, not rounding
    Cp = C / c[:, None]                                          # rows of probabilities: the same E
    courseP = session.call("OUT.E = softMax(W, Y, C);", W=toCourse(W), Y=toCourse(Z), C=toCourse(Cp))["E"]
    assert softMax(W, Z, Cp)[0] == pytest.approx(courseP, rel=1e-13)
