"""Lesson 08 reference: a network built from layers, each a forward/backward pair with a cache.

Letters: d inputs, h units of a layer, k classes, m examples (columns).
A layer's input x is (d, m) and its output (h, m); an affine layer has W (h, d) and b (h, 1);
the last layer's scores z are (k, m); y is one-hot (k, m).

Every ``<layer>_forward`` returns ``(out, cache)`` and every ``<layer>_backward(dout, cache)`` returns the
gradient of the loss with respect to the layer's input (and its parameters), each shaped like what it is
the gradient of. The 1/m of the mean loss is put in once, by ``softmax_cross_entropy``'s dz; no layer
divides by m again.

A network is a list of layers ``(kind, params)``: ``("affine", {"W": W, "b": b})``, ``("relu", {})``,
``("tanh", {})``. ``network_forward`` returns the scores and a list of ``(kind, cache)``;
``network_backward`` returns one dict of gradients per layer, in layer order (``{}`` for an activation).
"""

import numpy as np

from backprop.losses import one_hot


def affine_forward(x, W, b):
    """out = W x + b. x (d, m), W (h, d), b (h, 1) → (out (h, m), cache (x, W, b))."""
    return W @ x + b, (x, W, b)


def affine_backward(dout, cache):
    """dout (h, m), cache (x (d, m), W (h, d), b (h, 1)) → (dx (d, m), dW (h, d), db (h, 1)).

    dx = Wᵀ dout, dW = dout xᵀ, db = dout summed over the batch axis (axis 1).
    """
    x, W, _ = cache
    return W.T @ dout, dout @ x.T, np.sum(dout, axis=1, keepdims=True)


def relu_forward(x):
    """out = max(0, x) entrywise. x (h, m) → (out (h, m), cache x (h, m))."""
    return np.maximum(0.0, x), x


def relu_backward(dout, cache):
    """dout (h, m), cache x (h, m) → dx (h, m) = dout where x > 0, else 0 (the kink at 0 takes 0)."""
    return dout * (cache > 0)


def tanh_forward(x):
    """out = tanh(x) entrywise. x (h, m) → (out (h, m), cache out (h, m))."""
    out = np.tanh(x)
    return out, out


def tanh_backward(dout, cache):
    """dout (h, m), cache out = tanh(x) (h, m) → dx (h, m) = dout ⊙ (1 − out²)."""
    return dout * (1.0 - cache ** 2)


def sigmoid_forward(x):
    """out = σ(x) entrywise, without overflow. x (h, m) → (out (h, m), cache out (h, m))."""
    e = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return out, out


def sigmoid_backward(dout, cache):
    """dout (h, m), cache out = σ(x) (h, m) → dx (h, m) = dout ⊙ out (1 − out)."""
    return dout * cache * (1.0 - cache)


def log_softmax(z):
    """Column-wise log softmax by log-sum-exp. z (k, m) → (k, m), finite for any finite z."""
    shifted = z - np.max(z, axis=0, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))


def softmax_cross_entropy(z, y):
    """Mean cross-entropy of softmax(z) against y, and its gradient.

    z (k, m) scores, y (k, m) one-hot → (loss float, dz (k, m)) with
    loss = −(1/m) Σ y ⊙ log softmax(z) (through log-sum-exp) and dz = (softmax(z) − y) / m.
    """
    m = z.shape[1]
    log_p = log_softmax(z)
    loss = float(-np.sum(y * log_p) / m)
    return loss, (np.exp(log_p) - y) / m


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    """Normalise each feature (row) over the batch (axis 1), then scale and shift.

    x (d, m), gamma (d, 1), beta (d, 1) → (out (d, m), cache (x_hat (d, m), gamma (d, 1), inv_std (d, 1))),
    with mu = mean over axis 1, var = mean of (x − mu)² over axis 1 (the biased variance),
    inv_std = 1/√(var + eps), x_hat = (x − mu) inv_std, out = gamma x_hat + beta.
    """
    mu = np.mean(x, axis=1, keepdims=True)
    var = np.mean((x - mu) ** 2, axis=1, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)


def batchnorm_backward(dout, cache):
    """dout (d, m), cache from ``batchnorm_forward`` → (dx (d, m), dgamma (d, 1), dbeta (d, 1)).

    dbeta = Σ_batch dout, dgamma = Σ_batch dout ⊙ x_hat, and with g = dout ⊙ gamma,
    dx = inv_std ⊙ (g − mean_batch(g) − x_hat ⊙ mean_batch(g ⊙ x_hat)).
    """
    x_hat, gamma, inv_std = cache
    dbeta = np.sum(dout, axis=1, keepdims=True)
    dgamma = np.sum(dout * x_hat, axis=1, keepdims=True)
    g = dout * gamma
    dx = inv_std * (g - np.mean(g, axis=1, keepdims=True) - x_hat * np.mean(g * x_hat, axis=1, keepdims=True))
    return dx, dgamma, dbeta


def batchnorm_backward_by_steps(dout, x, gamma, eps=1e-5):
    """The same dx as ``batchnorm_backward``, by walking the forward graph backwards one node at a time.

    x (d, m), gamma (d, 1), dout (d, m) → dx (d, m). Independent of the closed form (for the tests).
    """
    m = x.shape[1]
    mu = np.mean(x, axis=1, keepdims=True)
    xc = x - mu
    var = np.mean(xc ** 2, axis=1, keepdims=True)
    std = np.sqrt(var + eps)
    inv = 1.0 / std
    dx_hat = dout * gamma
    dinv = np.sum(dx_hat * xc, axis=1, keepdims=True)
    dxc = dx_hat * inv
    dstd = -dinv / std ** 2
    dvar = dstd * 0.5 / std
    dxc = dxc + dvar * 2.0 * xc / m
    dmu = -np.sum(dxc, axis=1, keepdims=True)
    return dxc + dmu / m


FORWARD = {"affine": lambda x, p: affine_forward(x, p["W"], p["b"]),
           "relu": lambda x, p: relu_forward(x), "tanh": lambda x, p: tanh_forward(x),
           "sigmoid": lambda x, p: sigmoid_forward(x)}
BACKWARD = {"relu": relu_backward, "tanh": tanh_backward, "sigmoid": sigmoid_backward}


def network_forward(x, layers):
    """x (d, m), layers [(kind, params)] → (scores (k, m), caches [(kind, cache)], one per layer)."""
    caches = []
    out = x
    for kind, p in layers:
        out, cache = FORWARD[kind](out, p)
        caches.append((kind, cache))
    return out, caches


def network_backward(dscores, caches):
    """dscores (k, m), caches from ``network_forward`` → grads: one dict per layer, in layer order.

    An affine layer's dict is {"W": dW, "b": db} (shaped like W and b); an activation's is {}.
    """
    grads = [None] * len(caches)
    dout = dscores
    for i in range(len(caches) - 1, -1, -1):
        kind, cache = caches[i]
        if kind == "affine":
            dout, dW, db = affine_backward(dout, cache)
            grads[i] = {"W": dW, "b": db}
        else:
            dout = BACKWARD[kind](dout, cache)
            grads[i] = {}
    return grads


def network_loss(x, y, layers):
    """Mean cross-entropy of the network on x (d, m) against one-hot y (k, m) → float."""
    scores, _ = network_forward(x, layers)
    return softmax_cross_entropy(scores, y)[0]


def he_std(fan_in):
    """He et al. (2015): the standard deviation √(2 / fan_in) that keeps E[a²] constant through ReLU layers."""
    return float(np.sqrt(2.0 / fan_in))


def init_layers(sizes, seed=0):
    """Layers for sizes [d, h1, …, k]: affine, relu, affine, relu, …, affine (no ReLU after the last).

    One ``rng = np.random.default_rng(seed)``; layer l's W (sizes[l+1], sizes[l]) is
    ``rng.normal(0, √(2 / sizes[l]), (sizes[l+1], sizes[l]))``, drawn in layer order; every b is zeros (sizes[l+1], 1).
    """
    rng = np.random.default_rng(seed)
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        W = rng.normal(0.0, he_std(fan_in), (fan_out, fan_in))
        layers.append(("affine", {"W": W, "b": np.zeros((fan_out, 1))}))
        if i < len(sizes) - 2:
            layers.append(("relu", {}))
    return layers


def copy_layers(layers):
    """A deep copy of a list of layers (so training one copy leaves the other as it was)."""
    return [(kind, {n: np.array(v, dtype=np.float64, copy=True) for n, v in p.items()}) for kind, p in layers]


def train(x, labels, layers, epochs, batch_size, lr, seed=0):
    """Mini-batch gradient descent on x (d, m), integer labels (m,); updates ``layers`` in place.

    One ``rng = np.random.default_rng(seed)``; each epoch ``order = rng.permutation(m)`` cut into
    consecutive batches ``order[i:i + batch_size]``; each step: forward, loss and dz, backward,
    then ``p[name] -= lr * grad[name]`` for every parameter. k is the last layer's row count.
    Returns (layers, list of the loss at every step).
    """
    m = x.shape[1]
    k = layers[-1][1]["W"].shape[0]
    y = one_hot(labels, k)
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        order = rng.permutation(m)
        for i in range(0, m, batch_size):
            idx = order[i:i + batch_size]
            scores, caches = network_forward(x[:, idx], layers)
            loss, dz = softmax_cross_entropy(scores, y[:, idx])
            grads = network_backward(dz, caches)
            for (_, p), g in zip(layers, grads):
                for name in p:
                    p[name] -= lr * g[name]
            losses.append(loss)
    return layers, losses


def accuracy(x, labels, layers):
    """Fraction of the columns of x (d, m) whose largest score is at the true label (m,) → float."""
    scores, _ = network_forward(x, layers)
    return float(np.mean(np.argmax(scores, axis=0) == np.asarray(labels)))
