"""dz2 for softmax + cross-entropy, side by side: the shortcut ŷ − y versus the long way Jᵀ(−y/ŷ).

Lesson 03 claims the shortcut is cheaper (k operations instead of about 4k²) and
more robust. For each number of classes k this times both routes on the same
random scores (best of ``--repeats`` runs; both include their softmax), checks
they agree (max difference, expected ~1e-16), and prints the time ratio.
Then it shows where the long way breaks: scores s·[1, 0, −1] with the true
class last, for growing s, until ŷ of the true class underflows.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_softmax_shortcut.py [--repeats 7]
"""

import argparse
import time

import numpy as np

from autograder.reference.two_layer import dz2_via_jacobian
from backprop.losses import one_hot, softmax


def best_time(fn, repeats):
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    print(f"{'k':>6} {'long way (ms)':>14} {'shortcut (ms)':>14} {'ratio':>8} {'max |difference|':>17}")
    for k in (10, 100, 1000, 3000):
        z = rng.normal(0, 1, (k, 1))
        y = one_hot([k // 2], k)
        t_long = best_time(lambda: dz2_via_jacobian(z, y), args.repeats)
        t_short = best_time(lambda: softmax(z) - y, args.repeats)
        diff = float(np.max(np.abs(dz2_via_jacobian(z, y) - (softmax(z) - y))))
        print(f"{k:>6} {t_long * 1e3:>14.3f} {t_short * 1e3:>14.4f} {t_long / t_short:>8.0f} {diff:>17.1e}")
    print("\nconfident and wrong: z2 = s·[1, 0, −1], true class last")
    y = one_hot([2], 3)
    for s in (10, 100, 350, 355, 400):
        z = s * np.array([[1.0], [0.0], [-1.0]])
        with np.errstate(all="ignore"):
            long_way = dz2_via_jacobian(z, y).ravel()
        print(f"s = {s:>4}: long way {long_way}, shortcut {(softmax(z) - y).ravel()}")


if __name__ == "__main__":
    main()
