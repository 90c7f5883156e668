"""Small helpers for training loops: starting parameters, accuracy, a progress bar.

None of these is a graded exercise: the forward and backward passes, the
mini-batches and the training step are written by the learner.

Letters: d inputs, h hidden units, k classes, m examples (columns).
"""

import numpy as np


def init_params(d, h, k, seed=0, scale=0.5):
    """Gaussian weights with standard deviation ``scale``, zero biases.

    Shapes: returns a dict W1 (h, d), b1 (h, 1), W2 (k, h), b2 (k, 1), float64.
    The same ``seed`` always gives the same numbers.
    """
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.normal(0.0, scale, (h, d)), "b1": np.zeros((h, 1)),
        "W2": rng.normal(0.0, scale, (k, h)), "b2": np.zeros((k, 1)),
    }


def copy_params(params):
    """A deep copy of a parameter dict (so an experiment cannot change the original)."""
    return {name: np.array(value, dtype=np.float64, copy=True) for name, value in params.items()}


def accuracy(y_hat, labels):
    """Fraction of columns whose largest probability is at the true label.

    Shapes: y_hat (k, m), labels (m,) ints → float in [0, 1].
    """
    y_hat = np.asarray(y_hat)
    labels = np.asarray(labels)
    return float(np.mean(np.argmax(y_hat, axis=0) == labels))


def progress(iterable, desc=None, total=None):
    """Wrap a loop in a progress bar (tqdm; a widget bar in Jupyter, text elsewhere).

    Use it only around loops that take more than a few seconds, and never in
    a test cell: the text bar writes to stderr, which nbgrader scores as a failure.
    """
    try:
        from tqdm.auto import tqdm
    except ImportError:  # tqdm is pinned in requirements.txt, but a bar is never essential
        return iterable
    return tqdm(iterable, desc=desc, total=total, leave=True)
