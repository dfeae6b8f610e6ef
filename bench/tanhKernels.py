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


def ulps(approx, exact):
    """Worst |approx - exact| in units of the last place of exact."""
    spacing = np.spacing(np.abs(exact))
    return float(np.max(np.abs(approx - exact) / spacing))


def main():
    A = np.random.default_rng(1).standard_normal((50000, 40))
    sweep = np.geomspace(1e-300, 20, 200001)
    sweep = np.concatenate([-sweep, sweep])
    candidates = {"np.tanh": np.tanh, "exp identity": viaExp, "exp identity, blocked": viaExpBlocked,
                  "expm1 identity": viaExpm1}
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
              "A formula is only a candidate for tanhActivation.py if it is faster and within a few ulp "
              "everywhere.", ""]
    text = "\n".join(lines)
    with open(os.path.join(HERE, "tanhKernels.md"), "w") as fh:
        fh.write(text)
    print(text)


if __name__ == "__main__":
    main()
