"""genTikhonov with a non-square L acting on the columns of mat(x), as the course's genTikhonov.m reads x."""

import numpy as np
import pytest

from checkDerivative import checkDerivative
from genTikhonov import genTikhonov
from support.vecmat import vec

D = np.array([[-1.0, 1.0, 0.0], [0.0, -1.0, 1.0]])    # 2 x 3: first differences of each column


def test_a_2_by_3_L_on_x_of_length_6_acts_on_each_column_of_the_3_by_2_mat_x():
    """R = 0.5 lam ||kron(I_2, L) x||^2 written out. Catches mat(x) read with L's rows (square L hides it)."""
    rng = np.random.default_rng(9)
    x, v, lam = rng.standard_normal(6), rng.standard_normal(6), 0.7
    Lbig = np.kron(np.eye(2), D)                       # L on both columns of the 3 x 2 matrix mat(x)
    Rc, dR, d2R = genTikhonov(x, lam, D)
    assert Rc == pytest.approx(0.5 * lam * np.sum((Lbig @ x) ** 2), rel=1e-14)
    np.testing.assert_allclose(vec(dR), lam * Lbig.T @ Lbig @ x, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(vec(d2R(v)), lam * Lbig.T @ Lbig @ v, rtol=1e-14, atol=1e-15)


def test_a_non_square_L_passes_the_Taylor_test_with_its_Hessian():
    rng = np.random.default_rng(10)
    passed, table = checkDerivative(lambda x: genTikhonov(x, 0.7, D), rng.standard_normal(6), verbose=False)
    assert passed
