"""Lesson 05 reference: centred differences, relative error, and a check over every parameter.

Letters: d inputs, h hidden units, k classes, m examples (columns).
``loss()`` functions take no argument and read arrays that are perturbed in
place one entry at a time, then restored exactly.
"""

import numpy as np

from autograder.reference import two_layer
# The same maths the package's checker uses (not a lesson answer the package hands out: lesson 05's
# answer cells may not call these, see autograder.integrity).
from backprop.gradcheck import centred_difference, numerical_gradient, relative_error  # noqa: F401

PARAMS = ("W1", "b1", "W2", "b2")


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
