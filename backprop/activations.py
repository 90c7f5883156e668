"""Activation functions and their derivatives, elementwise, in float64.

Every function takes an array of any shape (or a Python float) and returns an
array of the same shape. ``*_prime(z)`` is the derivative evaluated at the
pre-activation ``z`` (not at the activation).
"""

import numpy as np


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), computed without overflow for large |z|.

    Shapes: z any shape → same shape.
    """
    z = np.asarray(z, dtype=np.float64)
    # exp of a negative number never overflows: pick the form that keeps it so.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(z):
    """σ'(z) = σ(z)(1 − σ(z)). Shapes: z any shape → same shape."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """tanh(z). Shapes: z any shape → same shape."""
    return np.tanh(np.asarray(z, dtype=np.float64))


def tanh_prime(z):
    """tanh'(z) = 1 − tanh(z)². Shapes: z any shape → same shape."""
    t = tanh(z)
    return 1.0 - t * t


def relu(z):
    """max(0, z). Shapes: z any shape → same shape."""
    return np.maximum(0.0, np.asarray(z, dtype=np.float64))


def relu_prime(z):
    """1 where z > 0, else 0 (the kink at 0 takes the value 0).

    Shapes: z any shape → same shape.
    """
    return (np.asarray(z, dtype=np.float64) > 0).astype(np.float64)


#: name → (f, f') for widgets and lessons that let the learner pick an activation.
ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "relu": (relu, relu_prime),
}
