"""Lesson 04 reference: the batched two-layer network trained with mini-batch gradient descent.

Letters: d inputs, h hidden units, k classes, m examples (columns).
The maths of the forward and backward passes is ``two_layer``'s; this module
adds the batch plumbing and the training loop the lesson grades.
"""

import math

import numpy as np

from autograder.reference import two_layer
from backprop.losses import cross_entropy_logits, one_hot
from backprop.training import init_params

PARAMS = ("W1", "b1", "W2", "b2")


def forward_batch(x, params):
    """x (d, m) → (y_hat (k, m), cache dict x, z1, a1, z2, y_hat)."""
    return two_layer.forward(x, params)


def backward_batch(y, cache, params):
    """Gradients averaged over the batch: dict dW1 (h, d), db1 (h, 1), dW2 (k, h), db2 (k, 1)."""
    g = two_layer.backward(y, cache, params)
    return {"d" + n: g["d" + n] for n in PARAMS}


def backward_summed(y, cache, params):
    """The same gradients without the 1/m: each is m times the averaged one."""
    m = cache["x"].shape[1]
    return {n: m * g for n, g in backward_batch(y, cache, params).items()}


def minibatches(m, batch_size, rng):
    """Shuffle 0..m−1 with ``rng.permutation(m)`` and cut into consecutive batches.

    Returns a list of int arrays; all have ``batch_size`` entries except
    perhaps the last, which holds what is left. Each index appears once.
    """
    order = rng.permutation(m)
    return [order[i:i + batch_size] for i in range(0, m, batch_size)]


def train_step(x, y, params, lr):
    """One gradient-descent step on the batch (x (d, m), y (k, m)).

    Returns (loss before the step, new params dict); ``params`` is not changed.
    """
    _, cache = forward_batch(x, params)
    L = cross_entropy_logits(cache["z2"], y)  # from the scores: consistent with backward's ŷ − y
    grads = backward_batch(y, cache, params)
    return L, {n: params[n] - lr * grads["d" + n] for n in PARAMS}


def train(x, labels, k, h, epochs, batch_size, lr, seed=0):
    """Mini-batch gradient descent from ``init_params(d, h, k, seed)``.

    Shuffles with ``rng = np.random.default_rng(seed)`` each epoch (see
    ``minibatches``). Returns (params, list of the loss at every step).
    """
    d, m = x.shape
    params = init_params(d, h, k, seed=seed)
    rng = np.random.default_rng(seed)
    y = one_hot(labels, k)
    losses = []
    for _ in range(epochs):
        for idx in minibatches(m, batch_size, rng):
            L, params = train_step(x[:, idx], y[:, idx], params, lr)
            losses.append(L)
    return params, losses


def steps_per_epoch(m, batch_size):
    """How many mini-batches one epoch over m examples makes."""
    return math.ceil(m / batch_size)
