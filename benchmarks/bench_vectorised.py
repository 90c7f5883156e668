"""Loop over examples versus one batched call, side by side, for the two-layer network.

Both compute the same averaged gradients (checked here to 1e-12) of the
reference network on digits-sized inputs (d = 64, h = 32, k = 10). The loop
runs the batched code on one column at a time and adds up the gradients; the
vectorised version is one forward and one backward call on the whole batch.
Prints the time of each and their ratio; best of ``--repeats`` runs.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_vectorised.py [--repeats 5]

On a machine shared with other jobs, OpenBLAS's threads make the batched
times noisy (most at m = 1024); ``OPENBLAS_NUM_THREADS=1`` steadies them.
"""

import argparse
import time

import numpy as np

from autograder.reference import training as ref
from backprop.datasets import load_digits
from backprop.losses import one_hot
from backprop.training import init_params

PARAMS = ("W1", "b1", "W2", "b2")


def looped(x, y, params):
    total = {n: np.zeros_like(params[n]) for n in PARAMS}
    for j in range(x.shape[1]):
        _, cache = ref.forward_batch(x[:, j:j + 1], params)
        g = ref.backward_batch(y[:, j:j + 1], cache, params)
        for n in PARAMS:
            total[n] += g["d" + n]
    return {"d" + n: total[n] / x.shape[1] for n in PARAMS}


def vectorised(x, y, params):
    _, cache = ref.forward_batch(x, params)
    return ref.backward_batch(y, cache, params)


def best(fn, args, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn(*args)
        times.append(time.perf_counter() - t0)
    return min(times), out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    x_all, labels = load_digits()
    x_all = x_all / 16.0
    y_all = one_hot(labels, 10)
    params = init_params(64, 32, 10, seed=0)
    print(f"{'batch size m':>12} {'loop (ms)':>10} {'batched (ms)':>13} {'ratio':>7}")
    for m in (16, 64, 256, 1024):
        x, y = x_all[:, :m], y_all[:, :m]
        t_loop, g_loop = best(looped, (x, y, params), args.repeats)
        t_vec, g_vec = best(vectorised, (x, y, params), args.repeats)
        for k in g_vec:
            assert np.allclose(g_loop[k], g_vec[k], rtol=1e-10, atol=1e-12), k
        print(f"{m:>12} {1000 * t_loop:>10.2f} {1000 * t_vec:>13.3f} {t_loop / t_vec:>6.0f}x")


if __name__ == "__main__":
    main()
