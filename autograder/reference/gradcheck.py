"""Lesson 05 reference: centred differences, relative error, and a check over every parameter.

Letters: d inputs, h hidden units, k classes, m examples (columns).
``loss()`` functions take no argument and read arrays that are perturbed in
place one entry at a time, then restored exactly.
"""

import numpy as np

from autograder.reference import two_layer

PARAMS = ("W1", "b1", "W2", "b2")


def centred_difference(f, x, eps=1e-6):
    """(f(x + eps) − f(x − eps)) / (2 eps): the slope of a scalar function at x."""
    return (f(x + eps) - f(x - eps)) / (2 * eps)


def numerical_gradient(loss, theta, eps=1e-6):
    """Centred difference for every entry of ``theta`` (perturbed in place, then restored).

    Shapes: theta any shape → gradient of the same shape.
    """
    grad = np.zeros(theta.shape)
    for ix in np.ndindex(theta.shape):
        old = theta[ix]
        theta[ix] = old + eps
        plus = loss()
        theta[ix] = old - eps
        minus = loss()
        theta[ix] = old
        grad[ix] = (plus - minus) / (2 * eps)
    return grad


def relative_error(a, n, floor=1e-8):
    """‖a − n‖ / max(‖a‖ + ‖n‖, floor), norms over all entries → float."""
    a = np.asarray(a, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    return float(np.linalg.norm(a - n) / max(np.linalg.norm(a) + np.linalg.norm(n), floor))


def gradient_check(loss, params, grads, eps=1e-6):
    """{name: relative error of grads['d' + name] against centred differences}; inf on a shape mismatch."""
    out = {}
    for name, theta in params.items():
        g = np.asarray(grads["d" + name], dtype=np.float64)
        if g.shape != theta.shape:
            out[name] = float("inf")
            continue
        out[name] = relative_error(g, numerical_gradient(loss, theta, eps))
    return out


def backward(x, y, params):
    """Correct gradients of the mean cross-entropy, as dict dW1, db1, dW2, db2."""
    _, cache = two_layer.forward(x, params)
    g = two_layer.backward(y, cache, params)
    return {"d" + n: g["d" + n] for n in PARAMS}


def wrong_params(backward_fn, x, y, params, tol=1e-4):
    """Names of the parameters whose gradient from ``backward_fn(x, y, params)`` fails the check."""
    grads = backward_fn(x, y, params)
    errors = gradient_check(lambda: two_layer.loss(x, y, params), params, grads)
    return {name for name, err in errors.items() if not err <= tol}
