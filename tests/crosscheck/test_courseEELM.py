"""The course's EELM_Peaks.m and EELM_MNIST.m training in Octave agree with ours (crosscheck/courseEELM.py).

GNU Octave and the course's toolbox ($NUMDL_MATLAB) are needed, else skipped with
the reason (failed with REQUIRE_OCTAVE=1). Small sizes, few Newton-CG iterations and
few CG steps, where the two agree to rounding (long CG runs amplify rounding: see
crosscheck/README.md). Target runtime: < 10 s.
"""

import pytest
from helpers import courseSessionOrSkip


@pytest.fixture(scope="module")
def course():
    from crosscheck import courseEELM

    session = courseSessionOrSkip(courseEELM.DRIVERS)
    yield courseEELM, session
    session.exit()


SHORT = {"maxIter": 3, "maxIterCG": 5}


def test_eelm_peaks_trains_the_same_W_as_the_course_for_each_activation(course):
    cc, session = course
    results = cc.comparePeaks(session, 42, np_=300, npTest=200, m=20, param={"tolCG": 1e-3, **SHORT})
    for act, r in results.items():
        assert r["faithful"]["diff"] <= 1e-10, (act, r["faithful"]["diff"])
        assert r["faithful"]["err"] == r["course"]["err"], act
    assert "sin" in cc.formatPeaks(results) and "relu" in cc.formatPeaks(results)


def test_eelm_mnist_trains_the_same_W_as_the_course(course):
    cc, session = course
    result = cc.compareMNIST(session, 0, nTrain=200, nVal=100, m=30, param={"tolCG": 1e-2, **SHORT})
    assert result["ours"]["diff"] <= 1e-10, result["ours"]["diff"]
    assert result["ours"]["err"] == result["course"]["err"]
