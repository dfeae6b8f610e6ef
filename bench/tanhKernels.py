"""Can numpy compute float64 tanh faster, as accurately? The evidence behind bench/results.md's n50k row.

    python bench/tanhKernels.py          # prints a table and writes bench/tanhKernels.md

At the sizes where our objective is elementwise-bound (n50k: 50000 x 40, and
the 10000 x 200 layer of mnist10k), ``np.tanh`` is the largest single cost.
This script times, on the same 50000 x 40 array of standard normal entries
(about what Y K + b holds), each candidate formula for tanh and measures its
worst error against ``np.tanh`` in ulps of the result, on that array and on a
sweep of |x| from 1e-300 to 20 (both signs, where cancellation would show):

- ``np.tanh`` (the formula in tanhActivation.py);
- the identity tanh(x) = sign(x) (1 - e) / (1 + e), e = exp(-2|x|), plain and
  in cache-sized blocks (fewer passes through memory);
- the same with 1 - e = -expm1(-2|x|), which has no cancellation near 0;
- a table of tanh(k/32) and the addition formula for the rest (a short Taylor series), in
  cache-sized blocks: no exp, no cancellation;
- PyTorch's ``torch.tanh`` on the same data, if PyTorch is installed.
"""

import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def best(f, reps=15):
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def viaExp(x):
    e = np.exp(-2 * np.abs(x))
    return np.copysign((1 - e) / (1 + e), x)


def viaExpBlocked(x, block=16384):
    out, flat = np.empty_like(x), x.reshape(-1)
    e, d = np.empty(block), np.empty(block)
    for start in range(0, flat.size, block):
        xs = flat[start:start + block]
        es, ds = e[:xs.size], d[:xs.size]
        np.abs(xs, out=es)
        es *= -2
        np.exp(es, out=es)
        np.add(es, 1, out=ds)
        np.subtract(1, es, out=es)
        np.divide(es, ds, out=es)
        np.copysign(es, xs, out=out.reshape(-1)[start:start + xs.size])
    return out


def viaExpm1(x):
    em = np.expm1(-2 * np.abs(x))
    return np.copysign(-em / (2 + em), x)


STEP = 1 / 32                                   # the table's step: tanh(k STEP), k = 0 .. 20 / STEP
TABLE_T = np.tanh(np.arange(641) * STEP)
TABLE_S = 1 / np.cosh(np.arange(641) * STEP) ** 2  # 1 - tanh^2, without the cancellation


def viaTableBlocked(x, block=32768):
    """tanh(a + r) = T + t (1 - T^2) / (1 + T t): T = tanh(a) from a table at a = k/32, t = tanh(r) for
    |r| <= 1/64 from its Taylor series (terms to r^9, the next below 1e-17 relative); in cache-sized blocks."""
    out, flat = np.empty_like(x), x.reshape(-1)
    for start in range(0, flat.size, block):
        xs = flat[start:start + block]
        ax = np.abs(xs)
        k = np.rint(np.fmin(ax, 20.0) / STEP)
        r = np.minimum(ax, 20.0) - k * STEP         # exact; NaN stays NaN, inf gives tanh(20) = 1
        k = k.astype(np.intp)
        r2 = r * r
        t = r + r * (r2 * (((62 / 2835 * r2 - 17 / 315) * r2 + 2 / 15) * r2 - 1 / 3))
        T = TABLE_T[k]
        np.copysign(T + t * TABLE_S[k] / (1 + T * t), xs, out=out.reshape(-1)[start:start + xs.size])
    return out


def ulps(approx, exact):
    """Worst |approx - exact| in units of the last place of exact."""
    spacing = np.spacing(np.abs(exact))
    return float(np.max(np.abs(approx - exact) / spacing))


def main():
    A = np.random.default_rng(1).standard_normal((50000, 40))
    sweep = np.geomspace(1e-300, 20, 200001)
    sweep = np.concatenate([-sweep, sweep])
    candidates = {"np.tanh": np.tanh, "exp identity": viaExp, "exp identity, blocked": viaExpBlocked,
                  "expm1 identity": viaExpm1, "table + addition formula, blocked": viaTableBlocked}
    rows = []
    for name, f in candidates.items():
        rows.append((name, 1e3 * best(lambda f=f: f(A)), ulps(f(A), np.tanh(A)), ulps(f(sweep), np.tanh(sweep))))
    try:
        import torch
        torch.set_num_threads(os.cpu_count())
        At = torch.from_numpy(A)
        rows.append((f"torch.tanh ({torch.__version__}, {torch.backends.cpu.get_cpu_capability()})",
                     1e3 * best(lambda: torch.tanh(At)), ulps(torch.tanh(At).numpy(), np.tanh(A)),
                     ulps(torch.tanh(torch.from_numpy(sweep)).numpy(), np.tanh(sweep))))
    except ImportError:
        rows.append(("torch.tanh (PyTorch not installed)", float("nan"), float("nan"), float("nan")))
    sys.path.insert(0, HERE)
    from machineClass import describe
    lines = ["# float64 tanh on a 50000 x 40 array: time and accuracy", "",
             "`python bench/tanhKernels.py`; best of 15, one process.", "", "```", describe(), "```", "",
             "| formula | time (ms) | worst error on the array (ulp) | worst error for 1e-300 <= |x| <= 20 (ulp) |",
             "|---|---:|---:|---:|"]
    lines += [f"| {name} | {t:.1f} | {e1:.3g} | {e2:.3g} |" for name, t, e1, e2 in rows]
    lines += ["", "The exp identities lose accuracy near 0: 1 - exp(-2|x|) cancels, the relative error grows "
              "like eps/|x| (the sweep column); expm1 removes the cancellation but costs as much as tanh. "
              "The table of tanh(k/32) with the addition formula for the rest keeps within a few ulp "
              "everywhere, but its dozen numpy passes per block cost nearly what np.tanh does. "
              "A formula is only a candidate for tanhActivation.py if it is faster and within a few ulp "
              "everywhere.", ""]
    text = "\n".join(lines)
    with open(os.path.join(HERE, "tanhKernels.md"), "w") as fh:
        fh.write(text)
    print(text)


if __name__ == "__main__":
    main()
