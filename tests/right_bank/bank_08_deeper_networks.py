"""Right answers to lesson 08's exercises, written in other forms than the solution's."""

LESSON = "08_deeper_networks"

_RELU_FWD = "def relu_forward(x):\n    return np.maximum(0.0, x), x\n\n\n"
_TANH_FWD = "def tanh_forward(x):\n    out = np.tanh(x)\n    return out, out\n\n\n"

CASES = [
    dict(exercise="affine_forward", bug="einsum, the cache as a list", passes=["test_affine_forward"],
         source="def affine_forward(x, W, b):\n    return np.einsum('hd,dm->hm', W, x) + b, [x, W, b]\n"),
    dict(exercise="affine_backward", bug="einsum, db as dout @ ones((m, 1))", passes=["test_affine_backward"],
         source=("def affine_backward(dout, cache):\n    x, W, _ = cache\n    m = dout.shape[1]\n"
                 "    return (np.einsum('hd,hm->dm', W, dout), np.einsum('hm,dm->hd', dout, x), dout @ np.ones((m, 1)))\n")),
    dict(exercise="affine_backward", bug="np.dot and transposes of products", passes=["test_affine_backward"],
         source=("def affine_backward(dout, cache):\n    x, W, b = cache\n"
                 "    return (dout.T @ W).T, np.dot(x, dout.T).T, dout.sum(axis=1).reshape(-1, 1)\n")),
    dict(exercise="relu_backward", bug="np.where on the input", passes=["test_relu_backward"],
         source=_RELU_FWD + "def relu_backward(dout, cache):\n    return np.where(cache > 0, dout, 0.0)\n"),
    dict(exercise="relu_backward", bug="mask from the output max(0, x) > 0, as floats", passes=["test_relu_backward"],
         source=_RELU_FWD + ("def relu_backward(dout, cache):\n    mask = (np.maximum(0, cache) > 0).astype(float)\n"
                             "    return mask * dout\n")),
    dict(exercise="relu_backward", bug="zeroes written into a copy", passes=["test_relu_backward"],
         source=_RELU_FWD + "def relu_backward(dout, cache):\n    dx = dout.copy()\n    dx[cache <= 0] = 0\n    return dx\n"),
    dict(exercise="tanh_backward", bug="dout − dout · out · out", passes=["test_tanh_backward"],
         source=_TANH_FWD + "def tanh_backward(dout, cache):\n    return dout - dout * cache * cache\n"),
    dict(exercise="tanh_backward", bug="(1 − out)(1 + out)", passes=["test_tanh_backward"],
         source=_TANH_FWD + "def tanh_backward(dout, cache):\n    return dout * (1 - cache) * (1 + cache)\n"),
    dict(exercise="softmax_cross_entropy", bug="log-sum-exp with the max added back, loss by indexing",
         passes=["test_softmax_cross_entropy"],
         source=("def softmax_cross_entropy(z, y):\n    m = z.shape[1]\n    c = z.max(axis=0)\n"
                 "    lse = c + np.log(np.exp(z - c).sum(axis=0))\n    true = np.argmax(y, axis=0)\n"
                 "    loss = np.mean(lse - z[true, np.arange(m)])\n    p = np.exp(z - lse)\n    return loss, (p - y) / m\n")),
    dict(exercise="network_forward", bug="a dict of forwards, a list comprehension-free loop", passes=["test_network_forward"],
         source=("def network_forward(x, layers):\n"
                 "    fwd = {'affine': lambda a, p: affine_forward(a, p['W'], p['b']),\n"
                 "           'relu': lambda a, p: relu_forward(a), 'tanh': lambda a, p: tanh_forward(a)}\n"
                 "    caches = []\n    for kind, p in layers:\n        x, cache = fwd[kind](x, p)\n"
                 "        caches.append([kind, cache])\n    return x, caches\n")),
    dict(exercise="network_backward", bug="insert at the front, tuples of caches unpacked in the loop",
         passes=["test_network_backward"],
         source=("def network_backward(dscores, caches):\n    grads, dout = [], dscores\n"
                 "    for kind, cache in caches[::-1]:\n        if kind == 'affine':\n"
                 "            dout, dW, db = affine_backward(dout, cache)\n            grads.insert(0, dict(W=dW, b=db))\n"
                 "        else:\n            dout = (relu_backward if kind == 'relu' else tanh_backward)(dout, cache)\n"
                 "            grads.insert(0, {})\n    return grads\n")),
    dict(exercise="init_layers", bug="standard_normal times the std, pairs from zip", passes=["test_init_layers"],
         source=("def init_layers(sizes, seed=0):\n    rng = np.random.default_rng(seed)\n    layers = []\n"
                 "    for fan_in, fan_out in zip(sizes, sizes[1:]):\n        if layers:\n            layers.append(('relu', {}))\n"
                 "        W = rng.standard_normal((fan_out, fan_in)) * (2 / fan_in) ** 0.5\n"
                 "        layers.append(('affine', {'W': W, 'b': np.zeros((fan_out, 1))}))\n    return layers\n")),
    dict(exercise="train", bug="parameters replaced (not updated in place) in their dicts", passes=["test_train"],
         source=("def train(x, labels, layers, epochs, batch_size, lr, seed=0):\n    m = x.shape[1]\n"
                 "    k = layers[-1][1]['W'].shape[0]\n    y = one_hot(labels, k)\n    rng = np.random.default_rng(seed)\n"
                 "    losses = []\n    for epoch in range(epochs):\n        order = rng.permutation(m)\n"
                 "        start = 0\n        while start < m:\n            idx = order[start:start + batch_size]\n"
                 "            start += batch_size\n            scores, caches = network_forward(x[:, idx], layers)\n"
                 "            loss, dz = softmax_cross_entropy(scores, y[:, idx])\n"
                 "            for (kind, p), g in zip(layers, network_backward(dz, caches)):\n"
                 "                for name in g:\n                    p[name] = p[name] - lr * g[name]\n"
                 "            losses.append(float(loss))\n    return layers, losses\n")),
    dict(exercise="batchnorm_forward", bug="np.var and a cache with x, μ, σ²", passes=["test_batchnorm_forward"],
         source=("def batchnorm_forward(x, gamma, beta, eps=1e-5):\n    mu = x.mean(axis=1, keepdims=True)\n"
                 "    var = x.var(axis=1, keepdims=True)\n    x_hat = (x - mu) / np.sqrt(var + eps)\n"
                 "    return gamma * x_hat + beta, (x_hat, gamma, 1 / np.sqrt(var + eps))\n")),
    dict(exercise="batchnorm_backward", bug="sums and a 1/m in front, not means", passes=["test_batchnorm_backward"],
         source=("def batchnorm_backward(dout, cache):\n    x_hat, gamma, s = cache\n    m = dout.shape[1]\n"
                 "    g = dout * gamma\n"
                 "    dx = s / m * (m * g - g.sum(axis=1, keepdims=True) - x_hat * (g * x_hat).sum(axis=1, keepdims=True))\n"
                 "    return dx, (dout * x_hat).sum(axis=1, keepdims=True), dout.sum(axis=1, keepdims=True)\n")),
]
