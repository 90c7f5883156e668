"""Losses and the softmax, in the article's column convention.

Letters: k classes, m examples. Class scores and probabilities are (k, m):
one column per example.
"""

import numpy as np


def squared_error(a, y):
    """L = (a − y)², elementwise. Shapes: a, y same shape → same shape."""
    a = np.asarray(a, dtype=np.float64)
    return (a - y) ** 2


def squared_error_prime(a, y):
    """dL/da = 2(a − y). Shapes: a, y same shape → same shape."""
    return 2.0 * (np.asarray(a, dtype=np.float64) - y)


def softmax(z):
    """Column-wise softmax, stable for any finite input.

    Subtracting each column's max leaves the result unchanged (the factor
    e^(−max) cancels) but keeps every exponent ≤ 0, so nothing overflows.

    Shapes: z (k, m) → (k, m), each column sums to 1. A 1-D z of shape (k,)
    is treated as one column.
    """
    z = np.asarray(z, dtype=np.float64)
    shifted = z - z.max(axis=0, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=0, keepdims=True)


def cross_entropy(y_hat, y, eps=1e-12):
    """Mean cross-entropy L = −(1/m) Σ_columns Σ_rows y log ŷ.

    ``y`` is one-hot (or any probability columns). ``eps`` floors ŷ so that a
    probability that underflowed to 0 gives a large finite loss, not inf.

    Shapes: y_hat (k, m), y (k, m) → float. With m = 1 this is −Σ y log ŷ.
    """
    y_hat = np.asarray(y_hat, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    m = y_hat.shape[1] if y_hat.ndim == 2 else 1
    return float(-np.sum(y * np.log(np.maximum(y_hat, eps))) / m)


def one_hot(labels, k):
    """Integer labels (m,) → one-hot columns (k, m) in float64."""
    labels = np.asarray(labels, dtype=int)
    y = np.zeros((k, labels.size))
    y[labels, np.arange(labels.size)] = 1.0
    return y
