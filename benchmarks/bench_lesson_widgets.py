"""Redraw time per slider move for the explorers of lessons 04–06 (model + PNG, no browser).

Each explorer is built once, then every slider is moved through a few values;
each move runs the model and renders the figure, which is what the browser
waits for (the browser adds the image transfer on top). Prints the median and
worst time per move, and how many moves stayed under the 150 ms target.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_lesson_widgets.py
"""

import statistics
import time

from autograder.reference import training as ref
from backprop.widgets.depth import depth_explorer
from backprop.widgets.epsilon import epsilon_explorer
from backprop.widgets.training import training_explorer

TARGET_MS = 150


def moves(explorer, plan):
    times = []
    for trait, values in plan.items():
        s = next(w for w in explorer.sliders if w._bp_trait == trait)
        for v in values:
            t0 = time.perf_counter()
            s.value = v
            times.append(1000 * (time.perf_counter() - t0))
    return times


def main():
    rows = [
        ("04 training (fresh runs)", training_explorer(ref.train_step, forward=ref.forward_batch),
         {"lr": [0.3, 1.0, 10.0, 30.0], "hidden": [4, 32, 64], "batch_size": [8, 32, 150]}),
        ("05 ε", epsilon_explorer(), {"eps": [1e-2, 1e-4, 1e-8, 1e-12]}),
        ("06 depth", depth_explorer(), {"depth": [3, 12, 20], "gain": [0.3, 1.0, 3.0], "activation": ["relu", "tanh"]}),
    ]
    print(f"{'explorer':<26} {'moves':>5} {'median ms':>10} {'worst ms':>9} {'< 150 ms':>9}")
    for name, ex, plan in rows:
        t = moves(ex, plan)
        under = sum(x < TARGET_MS for x in t)
        print(f"{name:<26} {len(t):>5} {statistics.median(t):>10.0f} {max(t):>9.0f} {under:>6}/{len(t)}")


if __name__ == "__main__":
    main()
