"""The article's two-layer network, column convention, batched.

Letters: d inputs, h hidden units, k classes, m examples.
x (d, m); W1 (h, d); b1 (h, 1); W2 (k, h); b2 (k, 1);
z1, a1 (h, m); z2, y_hat (k, m); y one-hot (k, m). m = 1 is one example.

z1 = W1 x + b1, a1 = σ(z1), z2 = W2 a1 + b2, y_hat = softmax(z2),
L = −(1/m) Σ y log y_hat, computed from z2 by log-sum-exp (backprop.losses.cross_entropy_logits).
"""

import numpy as np

from backprop.activations import sigmoid, sigmoid_prime
from backprop.losses import cross_entropy_logits, softmax
from backprop.training import init_params  # noqa: F401 (the starting weights the lessons hand out)




def forward(x, params):
    """Forward pass. x (d, m) → (y_hat (k, m), cache dict with x, z1, a1, z2, y_hat)."""
    z1 = params["W1"] @ x + params["b1"]
    a1 = sigmoid(z1)
    z2 = params["W2"] @ a1 + params["b2"]
    y_hat = softmax(z2)
    return y_hat, {"x": x, "z1": z1, "a1": a1, "z2": z2, "y_hat": y_hat}


def loss(x, y, params):
    """Mean cross-entropy of the network on (x (d, m), y (k, m)) → float.

    Computed from the scores z2 (log-sum-exp, no floor), so it agrees with
    ``backward``'s dz2 = (ŷ − y)/m even where a probability underflows.
    """
    _, cache = forward(x, params)
    return cross_entropy_logits(cache["z2"], y)


def backward(y, cache, params):
    """Backward pass, averaged over the batch.

    Returns dict dW1 (h, d), db1 (h, 1), dW2 (k, h), db2 (k, 1) and the
    intermediate gradients dz2 (k, m), da1 (h, m), dz1 (h, m) (per example,
    already divided by m so that summing them gives the parameters' gradients).
    """
    x, z1, a1, y_hat = cache["x"], cache["z1"], cache["a1"], cache["y_hat"]
    m = x.shape[1]
    dz2 = (y_hat - y) / m
    dW2 = dz2 @ a1.T
    db2 = np.sum(dz2, axis=1, keepdims=True)
    da1 = params["W2"].T @ dz2
    dz1 = da1 * sigmoid_prime(z1)
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
