"""support/fastOps.py: small problems run on one BLAS thread, and the thread count is restored after."""

import numpy as np
import pytest

from singleLayerNNObjFun import singleLayerNNObjFun
from support.fastOps import blasLibraries


def test_small_objective_runs_on_one_blas_thread_and_restores_the_count():
    libs = blasLibraries()
    if not libs:
        pytest.skip("threadpoolctl not installed")
    seen = []
    rng = np.random.default_rng(3)
    n, nf, m, nc = 30, 4, 5, 3
    Y, C = rng.standard_normal((n, nf)), np.eye(nc)[rng.integers(nc, size=n)]
    x = 0.1 * rng.standard_normal(nf * m + 1 + m * nc)

    def act(X, doDerivative=True):             # records the BLAS threads while the objective runs
        seen.append([lib.num_threads for lib in libs])
        return np.tanh(X), 1 - np.tanh(X) ** 2

    before = [lib.num_threads for lib in libs]
    _, _, H = singleLayerNNObjFun(x, Y, C, m, act=act)
    H(x)
    assert seen and all(t == 1 for threads in seen for t in threads)
    assert [lib.num_threads for lib in libs] == before
