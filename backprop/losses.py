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


def _log_softmax(z):
    """Column-wise log of the softmax, computed from the scores without taking log(0).

    log softmax(z)_i = z_i − c − log Σ_j e^(z_j − c), c = each column's max: the
    log-sum-exp is at least log 1 = 0 and never overflows, and an entry whose
    probability underflows to 0 in ``softmax`` still gets its exact (very
    negative) log here.

    Shapes: z (k, m) → (k, m). A 1-D z of shape (k,) is treated as one column.
    """
    z = np.asarray(z, dtype=np.float64)
    if z.ndim == 1:
        z = z.reshape(-1, 1)
    shifted = z - z.max(axis=0, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))


def cross_entropy_logits(z, y):
    """Mean cross-entropy of softmax(z) against y, from the scores z: −(1/m) Σ y · log softmax(z).

    No floor is needed, so the loss and its gradient (softmax(z) − y) / m
    agree everywhere, even where a class's probability underflows to 0.
    Use this when a loss is to be differentiated or compared with a backward
    pass that uses ŷ − y.

    Shapes: z (k, m), y (k, m) one-hot (or probability columns) → float.
    """
    log_p = _log_softmax(z)
    y = np.asarray(y, dtype=np.float64).reshape(log_p.shape)
    # y · log p only where y > 0: a class with y = 0 contributes 0 even if its log p is −inf
    return float(-np.sum(np.where(y > 0, y * log_p, 0.0)) / log_p.shape[1])


def cross_entropy(y_hat, y, eps=1e-12):
    """Mean cross-entropy L = −(1/m) Σ_columns Σ_rows y log ŷ, from probabilities.

    ``y`` is one-hot (or any probability columns). ``eps`` floors ŷ so that a
    probability that underflowed to 0 gives a large finite loss, not inf. The
    floor makes the loss flat where the true class's ŷ < eps, while the
    gradient ŷ − y is not: there the two disagree. To differentiate, or to
    compare with ŷ − y, compute the loss from the scores with
    ``cross_entropy_logits(z, y)``, which needs no floor.

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
