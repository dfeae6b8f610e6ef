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

from support.checks import asFloatArray, asRng
from support.optimRun import STATUS, checkObjectiveFunction, checkParam, evaluate, finishRun, record, startRun

DEFAULTS = dict(lr=0.1, maxEpochs=10, n=None, batchSize=1, momentum=0.0, rng=None, checkIndices=True,
                verbose=True, printEvery=1, callback=None, storeIterates=True)
COLUMNS = {"obj": "12.6e", "normStep": "10.2e", "lr": "9.3g"}
STATUS_SGD = {**STATUS, 0: "all epochs done",
              5: "diverged: the objective or its gradient became NaN/inf (learning rate too large?); "
                 "returning the iterate before that epoch"}


def learningRates(p, explicitEpochs):
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


def checkSgdParam(param):
    """param of sgd, with lr one learning rate per epoch and rng a Generator."""
    if isinstance(param, dict) and "lr" in param:   # lr may be a vector: checked below, not as a float
        p = {**checkParam({k: v for k, v in param.items() if k != "lr"}, DEFAULTS), "lr": param["lr"]}
    else:
        p = checkParam(param, DEFAULTS)
    n = p["n"]
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise TypeError(f"param['n'] (the number of examples) must be a positive integer, got {n!r}")
    if p["batchSize"] < 1:
        raise ValueError(f"param['batchSize'] must be >= 1, got {p['batchSize']}")
    if not 0 <= p["momentum"] < 1:
        raise ValueError(f"param['momentum'] must be in [0, 1), got {p['momentum']!r}")
    p["lr"] = learningRates(p, "maxEpochs" in (param or {}))
    p["rng"] = asRng(p["rng"], "param['rng']")
    if not isinstance(p["checkIndices"], (bool, np.bool_)):
        raise TypeError(f"param['checkIndices'] must be True or False, got {p['checkIndices']!r}")
    return p


def sgd(fun, x0, param):
    """``[x,his,xAll] = sgd(fctn,x0,param)``: minimise ``sum_i f_i(x)`` by SGD with momentum.

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
            Number of examples: fun(x, idx) is called with idx in 0..n-1, and
            must fail (IndexError) for idx = n, which sgd tries once: an n
            smaller than the data would train on a subset without a word.
        checkIndices : bool, default True
            False skips that probe, for a fun that ignores or wraps idx (the
            course's Peaks scripts pass such a fun).
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
        verbose : 0, 1 or 2, default 1
            0 silent; 1 ``epoch  obj  norm(step)`` after every epoch; 2 the course's line.
        printEvery : int, default 1
            With verbose 1, print every printEvery-th epoch and the last (a
            summary of a long run); 1 prints every one.
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

    The course's ``sgd.m`` requires batchSize to divide n, evaluates the
    objective after each epoch on the first min(n, 5000) examples only (ours:
    all n), and has no stopping rule, callback or divergence check.
    """
    checkObjectiveFunction(fun, "sgd", ("x", "idx"))
    x, p = asFloatArray(x0, "x0", ndim=1).copy(), checkSgdParam(param)
    n, batchSize, rng = p["n"], p["batchSize"], p["rng"]
    f = firstEvaluation(fun, x, n, p["checkIndices"])
    header = (f"=== sgd (epochs: {p['lr'].size}, batchSize: {batchSize}, momentum: {p['momentum']:.2e}) ===\n"
              "epoch\tobj fun\t\tnorm step")
    run = startRun("sgd", p, COLUMNS, x, (f, np.nan, np.nan), courseHeader=header)
    dF, kept = np.zeros_like(x), x                             # kept: the last iterate recorded
    try:
        for epoch, lr in enumerate(p["lr"], start=1):
            xOld = x
            perm = rng.permutation(n)                          # re-shuffle
            for start in range(0, n, batchSize):
                batch = perm[start:start + batchSize]
                fk, dFk, _ = evaluate(lambda x, batch=batch: fun(x, batch), x, "x, idx", needH=False)
                dF = p["momentum"] * dF + lr * dFk             # dF <- momentum dF + lr grad f_B
                x = x - dF
                if not (np.isfinite(fk) and np.isfinite(x).all()):
                    break
            f = evaluate(lambda x: fun(x, np.arange(n)), x, "x, all examples", needH=False)[0] \
                if np.isfinite(x).all() else np.nan           # the objective on all examples
            if not np.isfinite(f):
                x, run["status"] = xOld, 5
                break
            if p["verbose"] == 2:
                print(f"{epoch:3d}\t{f:1.2e}\t{np.linalg.norm(x - xOld):1.2e}")   # the course's line
            kept = x
            if record(run, epoch, x, (f, np.linalg.norm(x - xOld), lr)):
                break
    except KeyboardInterrupt:
        x, run["status"] = kept, 4                             # Ctrl-C: the last finished epoch
    return finishRun(run, x, STATUS_SGD, "epochs")


def firstEvaluation(fun, x, n, checkIndices):
    """f(x0) on all n examples; with ``checkIndices``, make sure the data has exactly n examples."""
    try:
        f = evaluate(lambda x: fun(x, np.arange(n)), x, "x0, all examples", needH=False)[0]
    except IndexError as err:
        raise ValueError(f"param['n'] = {n}, but fun(x, idx) raised IndexError for idx = 0..{n - 1} ({err}): "
                         "n must be the number of examples fun indexes") from err
    if not np.isfinite(f):
        raise ValueError(f"fun(x0, all examples) must be finite, got f = {f}")
    if checkIndices:
        try:
            fun(x, np.array([n]))
        except (IndexError, ValueError):
            return f
        raise ValueError(f"param['n'] = {n}, but fun(x, idx) accepts idx = [{n}]: the data has more than n "
                         "examples, and sgd would train on the first n only; set param['n'] to the number of "
                         "examples, or param['checkIndices'] = False for a fun that ignores or wraps idx")
    return f


if __name__ == "__main__":
    # least squares 0.5/|B| ||A_B x - y_B||^2 on a consistent system: SGD finds x = [1, 2]
    rng = np.random.default_rng(0)
    A = rng.standard_normal((200, 2))
    y = A @ np.array([1.0, 2.0])

    def fun(x, idx):
        r = A[idx] @ x - y[idx]
        return 0.5 * r @ r / idx.size, A[idx].T @ r / idx.size

    x, his, xAll = sgd(fun, np.zeros(2), {"n": 200, "batchSize": 10, "lr": 0.1, "maxEpochs": 20,
                                          "momentum": 0.5, "rng": 0, "verbose": 0})
    print(f"SGD on a consistent least-squares problem: x = {x} (solution [1, 2]), "
          f"obj {his['obj'][0]:.2e} -> {his['obj'][-1]:.2e}")
