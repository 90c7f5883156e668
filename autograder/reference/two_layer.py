"""The article's two-layer network, column convention, batched.

Letters: d inputs, h hidden units, k classes, m examples.
x (d, m); W1 (h, d); b1 (h, 1); W2 (k, h); b2 (k, 1);
z1, a1 (h, m); z2, y_hat (k, m); y one-hot (k, m). m = 1 is one example.

z1 = W1 x + b1, a1 = f(z1), z2 = W2 a1 + b2, y_hat = softmax(z2),
L = −(1/m) Σ y log y_hat, computed from z2 by log-sum-exp (backprop.losses.cross_entropy_logits).
The hidden activation f is the sigmoid unless another is named ("tanh", "relu": lesson 03).
"""

import numpy as np

from backprop.activations import relu, sigmoid, sigmoid_prime
from backprop.losses import cross_entropy_logits, softmax
from backprop.training import init_params  # noqa: F401 (the starting weights the lessons hand out)


def tanh_prime(z):
    """tanh'(z) = 1 − tanh²(z), at the pre-activation z. Shapes: z any shape → same shape."""
    t = np.tanh(np.asarray(z, dtype=np.float64))
    return 1.0 - t * t


def relu_prime(z):
    """relu'(z): 1 where z > 0, else 0 (0 at the kink z = 0). Shapes: z any shape → same shape."""
    return (np.asarray(z, dtype=np.float64) > 0).astype(np.float64)


#: name → (f, f'), f' taken at the pre-activation: the hidden activations lesson 03 offers.
ACTIVATIONS = {"sigmoid": (sigmoid, sigmoid_prime), "tanh": (np.tanh, tanh_prime), "relu": (relu, relu_prime)}


def forward(x, params, activation="sigmoid"):
    """Forward pass. x (d, m) → (y_hat (k, m), cache dict with x, z1, a1, z2, y_hat, activation).

    ``activation``: the hidden layer's, one of ACTIVATIONS; the cache keeps its name for ``backward``.
    """
    f, _ = ACTIVATIONS[activation]
    z1 = params["W1"] @ x + params["b1"]
    a1 = f(z1)
    z2 = params["W2"] @ a1 + params["b2"]
    y_hat = softmax(z2)
    return y_hat, {"x": x, "z1": z1, "a1": a1, "z2": z2, "y_hat": y_hat, "activation": activation}


def loss(x, y, params, activation="sigmoid"):
    """Mean cross-entropy of the network on (x (d, m), y (k, m)) → float.

    Computed from the scores z2 (log-sum-exp, no floor), so it agrees with
    ``backward``'s dz2 = (ŷ − y)/m even where a probability underflows.
    """
    _, cache = forward(x, params, activation)
    return cross_entropy_logits(cache["z2"], y)


def backward(y, cache, params):
    """Backward pass, averaged over the batch.

    Returns dict dW1 (h, d), db1 (h, 1), dW2 (k, h), db2 (k, 1) and the
    intermediate gradients dz2 (k, m), da1 (h, m), dz1 (h, m) (per example,
    already divided by m so that summing them gives the parameters' gradients).
    The hidden activation is the cache's (the sigmoid for a cache without one).
    """
    x, z1, a1, y_hat = cache["x"], cache["z1"], cache["a1"], cache["y_hat"]
    m = x.shape[1]
    dz2 = (y_hat - y) / m
    dW2 = dz2 @ a1.T
    db2 = np.sum(dz2, axis=1, keepdims=True)
    da1 = params["W2"].T @ dz2
    _, f_prime = ACTIVATIONS[cache.get("activation", "sigmoid")]
    dz1 = da1 * f_prime(z1)
    dW1 = dz1 @ x.T
    db1 = np.sum(dz1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dz2": dz2, "da1": da1, "dz1": dz1}


def softmax_jacobian(z):
    """J[i, j] = ∂softmax(z)_i / ∂z_j = s_i (δ_ij − s_j). z (k,) or (k, 1) → (k, k)."""
    s = softmax(np.asarray(z, dtype=np.float64).reshape(-1, 1)).ravel()
    return np.diag(s) - np.outer(s, s)


def dz2_via_jacobian(z2, y):
    """dL/dz2 the long way: Jᵀ · dL/dy_hat with J the softmax Jacobian and dL/dy_hat = −y / y_hat.

    One example: z2 (k, 1), y (k, 1) → (k, 1). Equal to y_hat − y up to round-off
    (until y_hat underflows, where −y / y_hat breaks down).
    """
    z2 = np.asarray(z2, dtype=np.float64).reshape(-1, 1)
    y_hat = softmax(z2)
    return softmax_jacobian(z2).T @ (-np.asarray(y, dtype=np.float64).reshape(-1, 1) / y_hat)
