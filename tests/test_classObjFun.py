"""classObjFun, the classifier's objective in W, and solveClassObjFun: Taylor tests, vec(W), the minimiser."""

import numpy as np
import pytest
from helpers import orders

from checkDerivative import adjointTest, checkDerivative
from classObjFun import classObjFun, solveClassObjFun
from genTikhonov import genTikhonov
from support.vecmat import vec

TIGHT = {"maxIter": 60, "tolCG": 1e-12, "maxIterCG": 200, "gradTol": 1e-13}


def regW(w):
    return genTikhonov(w, 1e-3)


@pytest.mark.parametrize("withReg", [False, True])
def test_classObjFun_gradient_and_exact_hessian_pass_taylor_test(withReg):
    rng = np.random.default_rng(2)
    Z, C = rng.standard_normal((40, 4)), np.eye(3)[rng.integers(3, size=40)]
    W = rng.standard_normal((5, 3))
    passed, table = checkDerivative(lambda W: classObjFun(W, Z, C, regW if withReg else None), W, rng=rng,
                                    verbose=False, nSteps=12)
    assert passed
    order = orders(table[:, 3])
    assert np.median(order[2:8]) > 2.7        # E2 order 3: the Hessian of J is exact (no shift)


def test_classObjFun_on_vec_W_returns_vecs_and_symmetric_hessian():
    rng = np.random.default_rng(3)
    Z, C = rng.standard_normal((30, 4)), np.eye(3)[rng.integers(3, size=30)]
    W = rng.standard_normal((5, 3))
    J, dJ, H = classObjFun(W, Z, C, regW)
    Jv, dJv, Hv = classObjFun(vec(W), Z, C, regW)
    V = rng.standard_normal(W.shape)
    assert Jv == J and dJv.shape == (15,)
    np.testing.assert_array_equal(dJv, vec(dJ))
    np.testing.assert_allclose(Hv(vec(V)), vec(H(V)), rtol=1e-15)
    assert adjointTest(Hv, Hv, (15,), (15,), rng=rng)[0]


def test_solveClassObjFun_starts_at_zero_and_reaches_the_minimiser():
    rng = np.random.default_rng(4)
    Z, C = rng.standard_normal((60, 3)), np.eye(4)[rng.integers(4, size=60)]
    W, his = solveClassObjFun(Z, C, TIGHT, regW=regW)
    assert his["obj"][0] == pytest.approx(np.log(4), rel=1e-14)    # W = 0: every class 1/nc
    assert W.shape == (4, 4) and np.linalg.norm(classObjFun(W, Z, C, regW)[1]) < 1e-12


def test_classObjFun_rejects_a_vec_W_of_the_wrong_length():
    Z, C = np.ones((4, 3)), np.eye(2)[[0, 1, 0, 1]]
    with pytest.raises(ValueError, match=r"W given as a vector must have \(m \+ 1\)\*nc = 4\*2 = 8 entries"):
        classObjFun(np.zeros(6), Z, C)
