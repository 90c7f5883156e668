"""Right answers to lesson 04's exercises in other forms: each must get full marks.

Other ways to write the same maths (a loop over the examples, broadcasting for an outer product, the 1/m at each
gradient, einsum), other containers where the task allows them (a list for a returned pair, a tuple of lists of
batches, an array of losses), and any shuffle that comes from the rng given.
"""

LESSON = "04_batches_and_training"

_CUT = "    return [order[i:i + batch_size] for i in range(0, m, batch_size)]\n"
_BWD_HEAD = ("def backward_batch(y, cache, params):\n"
             "    x, z1, a1, y_hat = cache['x'], cache['z1'], cache['a1'], cache['y_hat']\n")
_STEP_HEAD = ("def train_step(x, y, params, lr):\n    y_hat, cache = forward_batch(x, params)\n"
              "    grads = backward_batch(y, cache, params)\n")
_TRAIN_HEAD = ("def train(x, labels, k, h, epochs, batch_size, lr, seed=0):\n    d, m = x.shape\n"
               "    params = init_params(d, h, k, seed=seed)\n    rng = np.random.default_rng(seed)\n")

CASES = [
    # ---- forward_batch
    dict(exercise="forward_batch", bug="softmax written out, without the max shift; np.dot", passes=["test_forward_batch"],
         source=("def forward_batch(x, params):\n    z1 = np.dot(params['W1'], x) + params['b1']\n"
                 "    a1 = 1.0 / (1.0 + np.exp(-z1))\n    z2 = np.dot(params['W2'], a1) + params['b2']\n"
                 "    e = np.exp(z2)\n    y_hat = e / np.sum(e, axis=0, keepdims=True)\n"
                 "    return y_hat, dict(x=x, z1=z1, a1=a1, z2=z2, y_hat=y_hat)\n")),
    dict(exercise="forward_batch", bug="one column at a time, stacked; a list for the pair; extra cache keys",
         passes=["test_forward_batch"],
         source=("def forward_batch(x, params):\n    cols = {n: [] for n in ('z1', 'a1', 'z2', 'y_hat')}\n"
                 "    for j in range(x.shape[1]):\n        xj = x[:, j:j + 1]\n"
                 "        z1 = params['W1'] @ xj + params['b1']\n        a1 = sigmoid(z1)\n"
                 "        z2 = params['W2'] @ a1 + params['b2']\n"
                 "        for n, v in zip(cols, (z1, a1, z2, softmax(z2))):\n            cols[n].append(v)\n"
                 "    cache = {n: np.hstack(v) for n, v in cols.items()}\n"
                 "    cache.update(x=x, params=params, m=x.shape[1])\n    return [cache['y_hat'], cache]\n")),
    dict(exercise="forward_batch", bug="examples as rows inside, transposed back; the bias by an outer product",
         passes=["test_forward_batch"],
         source=("def forward_batch(x, params):\n    ones = np.ones((1, x.shape[1]))\n"
                 "    z1 = (x.T @ params['W1'].T).T + params['b1'] @ ones\n    a1 = sigmoid(z1)\n"
                 "    z2 = np.einsum('kh,hm->km', params['W2'], a1) + params['b2'] * ones\n"
                 "    y_hat = softmax(z2)\n    return y_hat, {'x': x.copy(), 'z1': z1, 'a1': a1, 'z2': z2, 'y_hat': y_hat}\n")),
    # ---- backward_batch
    dict(exercise="backward_batch", bug="a loop over the examples, adding outer products, then / m",
         passes=["test_backward_batch"],
         source=(_BWD_HEAD + "    m = x.shape[1]\n    g = {n: np.zeros_like(v, dtype=float) for n, v in params.items()}\n"
                 "    for j in range(m):\n        dz2 = y_hat[:, j] - y[:, j]\n"
                 "        g['W2'] += np.outer(dz2, a1[:, j])\n        g['b2'] += dz2.reshape(-1, 1)\n"
                 "        dz1 = (params['W2'].T @ dz2) * a1[:, j] * (1 - a1[:, j])\n"
                 "        g['W1'] += np.outer(dz1, x[:, j])\n        g['b1'] += dz1.reshape(-1, 1)\n"
                 "    return {'d' + n: v / m for n, v in g.items()}\n")),
    dict(exercise="backward_batch", bug="the 1/m at each gradient, np.mean for the biases", passes=["test_backward_batch"],
         source=(_BWD_HEAD + "    m = y.shape[1]\n    dz2 = y_hat - y\n    dW2 = dz2 @ a1.T / m\n"
                 "    db2 = np.mean(dz2, axis=1, keepdims=True)\n    dz1 = (params['W2'].T @ dz2) * sigmoid_prime(z1)\n"
                 "    dW1 = dz1 @ x.T / m\n    db1 = dz1.mean(axis=1).reshape(-1, 1)\n"
                 "    return {'dW1': dW1, 'db1': db1, 'dW2': dW2, 'db2': db2}\n")),
    dict(exercise="backward_batch", bug="broadcasting for the outer products, ŷ from the cached z2, in place on copies, "
                                        "extra keys", passes=["test_backward_batch"],
         source=("def backward_batch(y, cache, params):\n    x, z1, a1 = cache['x'], cache['z1'], cache['a1']\n"
                 "    m = x.shape[1]\n    dz2 = softmax(cache['z2']).copy()\n    dz2 -= y\n    dz2 /= m\n"
                 "    dW2 = (dz2[:, None, :] * a1[None, :, :]).sum(axis=2)\n    db2 = dz2.sum(1, keepdims=True)\n"
                 "    da1 = np.einsum('kh,km->hm', params['W2'], dz2)\n    dz1 = da1 * a1 * (1.0 - a1)\n"
                 "    dW1 = np.einsum('hm,dm->hd', dz1, x)\n    db1 = dz1.sum(axis=1)[:, np.newaxis]\n"
                 "    return {'dW1': dW1, 'db1': db1, 'dW2': dW2, 'db2': db2, 'dz2': dz2, 'da1': da1, 'dz1': dz1}\n")),
    # ---- minibatches
    dict(exercise="minibatches", bug="rng.shuffle of an arange", passes=["test_minibatches"],
         source="def minibatches(m, batch_size, rng):\n    order = np.arange(m)\n    rng.shuffle(order)\n" + _CUT),
    dict(exercise="minibatches", bug="rng.choice without replacement", passes=["test_minibatches"],
         source="def minibatches(m, batch_size, rng):\n    order = rng.choice(m, size=m, replace=False)\n" + _CUT),
    dict(exercise="minibatches", bug="argsort of uniform keys, a tuple of lists", passes=["test_minibatches"],
         source="def minibatches(m, batch_size, rng):\n    order = np.argsort(rng.random(m)).tolist()\n"
                "    return tuple(order[i:i + batch_size] for i in range(0, m, batch_size))\n"),
    dict(exercise="minibatches", bug="np.array_split at the cut points", passes=["test_minibatches"],
         source="def minibatches(m, batch_size, rng):\n"
                "    return np.array_split(rng.permutation(m), range(batch_size, m, batch_size))\n"),
    dict(exercise="minibatches", bug="a while loop", passes=["test_minibatches"],
         source="def minibatches(m, batch_size, rng):\n    order, out, i = rng.permutation(np.arange(m)), [], 0\n"
                "    while i < m:\n        out.append(order[i:i + batch_size])\n        i += batch_size\n    return out\n"),
    # ---- train_step
    dict(exercise="train_step", bug="copy_params, then -= on the copies", passes=["test_train_step"],
         source=(_STEP_HEAD + "    new = copy_params(params)\n    for n in PARAMS:\n        new[n] -= lr * grads['d' + n]\n"
                 "    return cross_entropy(y_hat, y), new\n")),
    dict(exercise="train_step", bug="a list for the pair, the loss as a 0-d array, np.subtract", passes=["test_train_step"],
         source=(_STEP_HEAD + "    loss = np.array(-np.sum(y * np.log(y_hat)) / x.shape[1])\n"
                 "    new = {}\n    for n in params:\n        new[n] = np.subtract(params[n], lr * grads['d' + n])\n"
                 "    return [loss, new]\n")),
    # ---- train
    dict(exercise="train", bug="a while loop over the epochs, one-hot per batch, losses as an array",
         passes=["test_train", "test_digits_accuracy"],
         source=(_TRAIN_HEAD + "    losses, epoch = [], 0\n    while epoch < epochs:\n"
                 "        for idx in minibatches(m, batch_size, rng):\n"
                 "            loss, params = train_step(x[:, idx], one_hot(labels[idx], k), params, lr)\n"
                 "            losses.append(float(loss))\n        epoch += 1\n    return params, np.array(losses)\n")),
    dict(exercise="train", bug="the step written out inline; a list for the pair", passes=["test_train"],
         source=(_TRAIN_HEAD + "    y = one_hot(labels, k)\n    losses = []\n    for _ in range(epochs):\n"
                 "        batches = minibatches(m, batch_size, rng)\n        for idx in batches:\n"
                 "            y_hat, cache = forward_batch(x[:, idx], params)\n"
                 "            losses.append(cross_entropy(y_hat, y[:, idx]))\n"
                 "            grads = backward_batch(y[:, idx], cache, params)\n"
                 "            params = {n: params[n] - lr * grads['d' + n] for n in PARAMS}\n"
                 "    return [params, losses]\n")),
]
