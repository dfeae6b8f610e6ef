"""Stochastic gradient descent with momentum, as in the course (a baseline for Newton-CG).

Each epoch shuffles the n examples, splits them into mini-batches B of
batchSize examples and, for every batch, steps along the gradient of the
objective on that batch only, with momentum:

    dF <- momentum dF + lr(epoch) grad f_B(x)
    x  <- x - dF

After each epoch it evaluates the objective on all n examples and prints
``epoch  obj  norm(step)`` (step: the change of x over the epoch).
"""

import numbers

import numpy as np

from newtonCG import STATUS, _checkParam, _evaluate
from nnutils import asFloatArray, asRng, checkCallable

DEFAULTS = dict(lr=0.1, maxEpochs=10, n=None, batchSize=1, momentum=0.0, rng=None,
                verbose=True, callback=None, storeIterates=True)
STATUS_SGD = {**STATUS, 0: "all epochs done",
              5: "diverged: the objective or its gradient became NaN/inf (learning rate too large?); "
                 "returning the iterate before that epoch"}


def _learningRates(p, explicitEpochs):
    """The learning rate of each epoch: lr if it is a vector, else maxEpochs copies of it."""
    lr = asFloatArray(p["lr"], "param['lr']", ndim=(0, 1))
    if (lr <= 0).any():
        raise ValueError(f"param['lr'] must be positive, got {p['lr']!r}")
    if lr.ndim == 0:
        return np.full(p["maxEpochs"], float(lr))
    if explicitEpochs and lr.size != p["maxEpochs"]:
        raise ValueError(f"param['lr'] has {lr.size} entries (one per epoch) but "
                         f"param['maxEpochs'] = {p['maxEpochs']}: give one of them")
    return lr


def _checkSgdParam(param):
    if isinstance(param, dict) and "lr" in param:   # lr may be a vector: checked below, not as a float
        p = {**_checkParam({k: v for k, v in param.items() if k != "lr"}, DEFAULTS), "lr": param["lr"]}
    else:
        p = _checkParam(param, DEFAULTS)
    n = p["n"]
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise TypeError(f"param['n'] (the number of examples) must be a positive integer, got {n!r}")
    if p["batchSize"] < 1:
        raise ValueError(f"param['batchSize'] must be >= 1, got {p['batchSize']}")
    if not 0 <= p["momentum"] < 1:
        raise ValueError(f"param['momentum'] must be in [0, 1), got {p['momentum']!r}")
    p["lr"] = _learningRates(p, "maxEpochs" in (param or {}))
    p["rng"] = asRng(p["rng"], "param['rng']")
    return p


def sgd(fun, x0, param):
    """Minimise ``sum_i f_i(x)`` by SGD with momentum over shuffled mini-batches.

    MATLAB: ``[x,his,xAll] = sgd(fctn,x0,param)``.

    Parameters
    ----------
    fun : callable
        ``fun(x, idx) -> (f, g)`` (more outputs ignored): the objective and its
        gradient on the examples ``idx`` (an integer array), e.g.
        ``lambda x, idx: singleLayerNNObjFun(x, Y[idx], C[idx], m)``.
    x0 : array_like, 1-D
        Starting guess.
    param : dict
        n : int, required
            Number of examples.
        lr : float or 1-D array, default 0.1
            Learning rate; a vector gives one per epoch (its length is the
            number of epochs, as the course).
        maxEpochs : int, default 10
            Number of epochs when lr is a number.
        batchSize : int, default 1
            Examples per mini-batch (the last batch of an epoch is smaller when
            batchSize does not divide n).
        momentum : float, default 0
            In [0, 1).
        rng : int or numpy.random.Generator, optional
            Seed of the shuffles.
        verbose : 0, 1 or 2, default 1 (True)
            0: silent; 1: ``epoch  obj  norm(step)`` after every epoch; 2: the
            same line as the course's ``sgd.m`` prints it.
        callback : callable, optional
            ``callback(x)`` after every epoch; returning True stops.
        storeIterates : bool, default True
            Keep the iterate after every epoch in xAll.

    Returns
    -------
    x : ndarray
        The iterate after the last epoch.
    his : dict
        Arrays with one entry per epoch (entry 0 is x0): ``obj`` (objective on
        all n examples), ``normStep`` (||x - x of the previous epoch||), ``lr``;
        ``status`` (0 all epochs done, 3 callback, 4 KeyboardInterrupt,
        5 diverged) and ``message``.
    xAll : ndarray, (epochs + 1) x len(x0), or None

    Notes
    -----
    The course's ``sgd.m`` requires batchSize to divide n, evaluates the
    objective after each epoch on the first min(n, 5000) examples only (ours:
    all n), and has no stopping rule, callback or divergence check.
    """
    checkCallable(fun, "fun")
    x = asFloatArray(x0, "x0", ndim=1).copy()
    p = _checkSgdParam(param)
    n, bs, rng = p["n"], p["batchSize"], p["rng"]
    allIdx = np.arange(n)
    f0 = _evaluate(lambda x: fun(x, allIdx), x, "x0, all examples", needH=False)[0]
    if not np.isfinite(f0):
        raise ValueError(f"fun(x0, all examples) must be finite, got f = {f0}")
    rows = [(f0, np.nan, np.nan)]
    xAll = [x.copy()] if p["storeIterates"] else None
    dF, status = np.zeros_like(x), 0
    if p["verbose"]:
        print(f"=== sgd (epochs: {p['lr'].size}, batchSize: {bs}, momentum: {p['momentum']:.2e}) ===")
        print(f"{'epoch':>5}  {'obj':>12}  {'norm(step)':>10}")
    try:
        for epoch, lr in enumerate(p["lr"], start=1):
            xOld = x.copy()
            perm = rng.permutation(n)                      # re-shuffle
            finite = True
            for start in range(0, n, bs):
                idx = perm[start:start + bs]
                fk, gk, _ = _evaluate(lambda x, idx=idx: fun(x, idx), x, "x, idx", needH=False)
                dF = p["momentum"] * dF + lr * gk          # dF <- momentum dF + lr grad f_B
                x = x - dF
                finite = np.isfinite(fk) and np.isfinite(x).all()
                if not finite:
                    break
            f = _evaluate(lambda x: fun(x, allIdx), x, "x, all examples", needH=False)[0] \
                if finite else np.nan
            if not np.isfinite(f):
                x, status = xOld, 5
                break
            rows.append((f, np.linalg.norm(x - xOld), lr))
            if p["verbose"] >= 2:
                print(f"{epoch:3d}\t{f:1.2e}\t{rows[-1][1]:1.2e}")     # the course's line
            elif p["verbose"]:
                print(f"{epoch:5d}  {f:12.6e}  {rows[-1][1]:10.2e}")
            if xAll is not None:
                xAll.append(x.copy())
            xOld = x                                       # the epoch is recorded: Ctrl-C keeps it
            if p["callback"] is not None and p["callback"](x):
                status = 3
                break
    except KeyboardInterrupt:
        x, status = xOld, 4
    his = dict(zip(("obj", "normStep", "lr"), (np.array(c) for c in zip(*rows))))
    his["status"], his["message"] = status, STATUS_SGD[status]
    if p["verbose"]:
        print(f"sgd: {his['message']} after {len(rows) - 1} epochs, obj {rows[-1][0]:.6e}")
    return x, his, None if xAll is None else np.array(xAll)


if __name__ == "__main__":
    # least squares 0.5/|B| ||A_B x - y_B||^2 on a consistent system: SGD finds x = [1, 2]
    rng = np.random.default_rng(0)
    A = rng.standard_normal((200, 2))
    y = A @ np.array([1.0, 2.0])

    def fun(x, idx):
        r = A[idx] @ x - y[idx]
        return 0.5 * r @ r / idx.size, A[idx].T @ r / idx.size

    x, his, xAll = sgd(fun, np.zeros(2), {"n": 200, "batchSize": 10, "lr": 0.1, "maxEpochs": 20,
                                          "momentum": 0.5, "rng": 0, "verbose": False})
    print(f"SGD on a consistent least-squares problem: x = {x} (solution [1, 2]), "
          f"obj {his['obj'][0]:.2e} -> {his['obj'][-1]:.2e}")
