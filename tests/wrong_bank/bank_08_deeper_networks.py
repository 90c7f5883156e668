LESSON = "08_deeper_networks"


def _f(name, args, body):
    return f"def {name}({args}):\n" + "".join(f"    {line}\n" for line in body.split("\n"))


_RELU_FWD = _f("relu_forward", "x", "return np.maximum(0.0, x), x")
_TANH_FWD = _f("tanh_forward", "x", "out = np.tanh(x)\nreturn out, out")


def _relu(body):
    return _RELU_FWD + "\n\n" + _f("relu_backward", "dout, cache", body)


def _tanh(body):
    return _TANH_FWD + "\n\n" + _f("tanh_backward", "dout, cache", body)


_AB = "x, W, b = cache\ndx = W.T @ dout\ndW = dout @ x.T\ndb = np.sum(dout, axis=1, keepdims=True)\nreturn dx, dW, db"
_SCE = ("m = z.shape[1]\nshifted = z - np.max(z, axis=0, keepdims=True)\n"
        "log_p = shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))\n"
        "loss = float(-np.sum(y * log_p) / m)\ndz = (np.exp(log_p) - y) / m\nreturn loss, dz")
_NF = ("out, caches = x, []\nfor kind, p in layers:\n    if kind == 'affine':\n        out, cache = affine_forward(out, p['W'], p['b'])\n"
       "    elif kind == 'relu':\n        out, cache = relu_forward(out)\n    else:\n        out, cache = tanh_forward(out)\n"
       "    caches.append((kind, cache))\nreturn out, caches")
_NB = ("grads = [None] * len(caches)\ndout = dscores\nfor i in reversed(range(len(caches))):\n    kind, cache = caches[i]\n"
       "    if kind == 'affine':\n        dout, dW, db = affine_backward(dout, cache)\n        grads[i] = {'W': dW, 'b': db}\n"
       "    elif kind == 'relu':\n        dout = relu_backward(dout, cache)\n        grads[i] = {}\n"
       "    else:\n        dout = tanh_backward(dout, cache)\n        grads[i] = {}\nreturn grads")
_INIT = ("rng = np.random.default_rng(seed)\nlayers = []\nfor i in range(len(sizes) - 1):\n    fan_in, fan_out = sizes[i], sizes[i + 1]\n"
         "    W = rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_out, fan_in))\n"
         "    layers.append(('affine', {'W': W, 'b': np.zeros((fan_out, 1))}))\n"
         "    if i < len(sizes) - 2:\n        layers.append(('relu', {}))\nreturn layers")
_TRAIN = ("m = x.shape[1]\ny = one_hot(labels, layers[-1][1]['W'].shape[0])\nrng = np.random.default_rng(seed)\nlosses = []\n"
          "for _ in range(epochs):\n    order = rng.permutation(m)\n    for i in range(0, m, batch_size):\n"
          "        idx = order[i:i + batch_size]\n        scores, caches = network_forward(x[:, idx], layers)\n"
          "        loss, dscores = softmax_cross_entropy(scores, y[:, idx])\n        grads = network_backward(dscores, caches)\n"
          "        for (_, p), g in zip(layers, grads):\n            for name in p:\n                p[name] -= lr * g[name]\n"
          "        losses.append(loss)\nreturn layers, losses")
_BNF = ("mu = np.mean(x, axis=1, keepdims=True)\nvar = np.mean((x - mu) ** 2, axis=1, keepdims=True)\n"
        "inv_std = 1.0 / np.sqrt(var + eps)\nx_hat = (x - mu) * inv_std\nreturn gamma * x_hat + beta, (x_hat, gamma, inv_std)")
_BNB = ("x_hat, gamma, inv_std = cache\ndbeta = np.sum(dout, axis=1, keepdims=True)\n"
        "dgamma = np.sum(dout * x_hat, axis=1, keepdims=True)\ng = dout * gamma\n"
        "dx = inv_std * (g - np.mean(g, axis=1, keepdims=True) - x_hat * np.mean(g * x_hat, axis=1, keepdims=True))\n"
        "return dx, dgamma, dbeta")


def _sub(base, old, new):
    assert old in base, old
    return base.replace(old, new)


def _ab(old, new):
    return _f("affine_backward", "dout, cache", _sub(_AB, old, new))


def _sce(old, new):
    return _f("softmax_cross_entropy", "z, y", _sub(_SCE, old, new))


def _nf(old, new):
    return _f("network_forward", "x, layers", _sub(_NF, old, new))


def _nb(old, new):
    return _f("network_backward", "dscores, caches", _sub(_NB, old, new))


def _init(old, new):
    return _f("init_layers", "sizes, seed=0", _sub(_INIT, old, new))


def _train(old, new):
    return _f("train", "x, labels, layers, epochs, batch_size, lr, seed=0", _sub(_TRAIN, old, new))


def _bnf(old, new):
    return _f("batchnorm_forward", "x, gamma, beta, eps=1e-5", _sub(_BNF, old, new))


def _bnb(old, new):
    return _f("batchnorm_backward", "dout, cache", _sub(_BNB, old, new))


CASES = [
    # --- Exercise 1: affine_forward
    dict(exercise="affine_forward", bug="b left out", fails=["test_affine_forward"], says="you left out b",
         source=_f("affine_forward", "x, W, b", "return W @ x, (x, W, b)")),
    dict(exercise="affine_forward", bug="b subtracted", fails=["test_affine_forward"], says="do not subtract it",
         source=_f("affine_forward", "x, W, b", "return W @ x - b, (x, W, b)")),
    dict(exercise="affine_forward", bug="cache in another order (W, x, b)", fails=["test_affine_forward"],
         says="the cache should be (x, W, b)", source=_f("affine_forward", "x, W, b", "return W @ x + b, (W, x, b)")),
    # --- Exercise 2: affine_backward
    dict(exercise="affine_backward", bug="dx without the transpose (W dout)", fails=["test_affine_backward"],
         says="forgot the transpose on W", source=_ab("dx = W.T @ dout", "dx = W @ dout")),
    dict(exercise="affine_backward", bug="dW transposed (x doutᵀ)", fails=["test_affine_backward"],
         says="you have its transpose", source=_ab("dW = dout @ x.T", "dW = x @ dout.T")),
    dict(exercise="affine_backward", bug="db summed over axis 0", fails=["test_affine_backward"],
         says="summed over the wrong axis", source=_ab("axis=1, keepdims", "axis=0, keepdims")),
    dict(exercise="affine_backward", bug="db not summed (one column per example)", fails=["test_affine_backward"],
         says="one column per example", source=_ab("db = np.sum(dout, axis=1, keepdims=True)", "db = dout")),
    dict(exercise="affine_backward", bug="a second 1/m in dW", fails=["test_affine_backward"],
         says="do not divide by m again", source=_ab("dW = dout @ x.T", "dW = dout @ x.T / x.shape[1]")),
    # --- Exercise 3: relu_backward
    dict(exercise="relu_backward", bug="no mask (dout passed through)", fails=["test_relu_backward"],
         says="the mask is missing", source=_relu("return dout")),
    dict(exercise="relu_backward", bug="mask from the sign of dout", fails=["test_relu_backward"],
         says="not from the sign of dout", source=_relu("return dout * (dout > 0)")),
    dict(exercise="relu_backward", bug="times x instead of the mask", fails=["test_relu_backward"],
         says="not by x itself", source=_relu("return dout * cache")),
    dict(exercise="relu_backward", bug="mask inverted (x < 0)", fails=["test_relu_backward"],
         says="the mask is inverted", source=_relu("return dout * (cache < 0)")),
    # --- Exercise 4: tanh_backward
    dict(exercise="tanh_backward", bug="slope at the wrong point: 1 − tanh(out)²", fails=["test_tanh_backward"],
         says="slope at the wrong point", source=_tanh("return dout * (1 - np.tanh(cache) ** 2)")),
    dict(exercise="tanh_backward", bug="square forgotten (1 − out)", fails=["test_tanh_backward"],
         says="forgot to square", source=_tanh("return dout * (1 - cache)")),
    dict(exercise="tanh_backward", bug="dout left out", fails=["test_tanh_backward"],
         says="without dout", source=_tanh("return 1 - cache ** 2")),
    # --- Exercise 5: softmax_cross_entropy
    dict(exercise="softmax_cross_entropy", bug="no 1/m in dz", fails=["test_softmax_cross_entropy"],
         says="forget to divide by m", source=_sce("dz = (np.exp(log_p) - y) / m", "dz = np.exp(log_p) - y")),
    dict(exercise="softmax_cross_entropy", bug="loss summed, not averaged", fails=["test_softmax_cross_entropy"],
         says="divide the sum over examples by m", source=_sce("/ m)\n", ")\n")),
    dict(exercise="softmax_cross_entropy", bug="log taken of the softmax (not log-sum-exp)", fails=["test_softmax_cross_entropy"],
         says="never log(softmax(z))",
         source=_sce("log_p = shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))",
                     "p = np.exp(shifted) / np.sum(np.exp(shifted), axis=0, keepdims=True)\nlog_p = np.log(p)")),
    dict(exercise="softmax_cross_entropy", bug="no shift by the column max (overflows)", fails=["test_softmax_cross_entropy"],
         says="subtract each column's max", source=_sce("shifted = z - np.max(z, axis=0, keepdims=True)", "shifted = z")),
    dict(exercise="softmax_cross_entropy", bug="dz without − y", fails=["test_softmax_cross_entropy"],
         says="you left out − y", source=_sce("dz = (np.exp(log_p) - y) / m", "dz = np.exp(log_p) / m")),
    # --- Exercise 6: network_forward
    dict(exercise="network_forward", bug="activation layers skipped", fails=["test_network_forward"],
         says="you skipped relu and tanh",
         source=_nf("out, cache = relu_forward(out)", "cache = out").replace("out, cache = tanh_forward(out)", "cache = out")),
    dict(exercise="network_forward", bug="relu and tanh swapped", fails=["test_network_forward"],
         says="relu and tanh are swapped",
         source=_nf("out, cache = relu_forward(out)", "out, cache = TANH(out)")
         .replace("out, cache = tanh_forward(out)", "out, cache = relu_forward(out)").replace("TANH", "tanh_forward")),
    dict(exercise="network_forward", bug="caches without their kinds", fails=["test_network_forward"],
         says="should be a pair (kind, cache)", source=_nf("caches.append((kind, cache))", "caches.append(cache)")),
    dict(exercise="network_forward", bug="caches in reverse order", fails=["test_network_forward"],
         says="keep the caches in layer order", source=_nf("return out, caches", "return out, caches[::-1]")),
    # --- Exercise 7: network_backward
    dict(exercise="network_backward", bug="gradients in reverse order", fails=["test_network_backward"],
         says="in reverse order",
         source=_nb("grads = [None] * len(caches)", "grads = []").replace("grads[i] = {'W': dW, 'b': db}", "grads.append({'W': dW, 'b': db})")
         .replace("grads[i] = {}", "grads.append({})")),
    dict(exercise="network_backward", bug="activations' backward skipped", fails=["test_network_backward"],
         says="first wrong layer from the top",
         source=_nb("dout = relu_backward(dout, cache)", "pass").replace("dout = tanh_backward(dout, cache)", "pass")),
    dict(exercise="network_backward", bug="ReLU layers given tanh's backward", fails=["test_network_backward"],
         says="first wrong layer from the top", source=_nb("dout = relu_backward(dout, cache)", "dout = tanh_backward(dout, cache)")),
    dict(exercise="network_backward", bug="None for an activation's gradients", fails=["test_network_backward"],
         says="should be an empty dict", source=_nb("grads[i] = {}\n    else", "grads[i] = None\n    else")),
    # --- Exercise 8: init_layers
    dict(exercise="init_layers", bug="variance used as the standard deviation", fails=["test_init_layers"],
         says="a variance, not a standard deviation", source=_init("np.sqrt(2.0 / fan_in)", "2.0 / fan_in")),
    dict(exercise="init_layers", bug="√(1/fan_in) instead of He's √(2/fan_in)", fails=["test_init_layers"],
         says="right for units of slope 1", source=_init("np.sqrt(2.0 / fan_in)", "np.sqrt(1.0 / fan_in)")),
    dict(exercise="init_layers", bug="scaled by the fan-out", fails=["test_init_layers"],
         says="not the fan-out", source=_init("np.sqrt(2.0 / fan_in)", "np.sqrt(2.0 / fan_out)")),
    dict(exercise="init_layers", bug="a ReLU after the last layer", fails=["test_init_layers"],
         says="no relu after the last affine layer", source=_init("    if i < len(sizes) - 2:\n        layers.append", "    layers.append")),
    # --- Exercise 9: train
    dict(exercise="train", bug="parameters never updated", fails=["test_train"], says="still hold their starting weights",
         source=_train("p[name] -= lr * g[name]", "p[name] - lr * g[name]")),
    dict(exercise="train", bug="steps up the gradient", fails=["test_train"], says="the loss should fall",
         source=_train("p[name] -= lr * g[name]", "p[name] += lr * g[name]")),
    dict(exercise="train", bug="one batch per epoch", fails=["test_train"], says="steps per epoch",
         source=_train("    for i in range(0, m, batch_size):", "    for i in range(0, batch_size, batch_size):")),
    # --- Exercise 10: batchnorm_forward
    dict(exercise="batchnorm_forward", bug="normalised over axis 0 (features)", fails=["test_batchnorm_forward"],
         says="not axis 0", source=_bnf("mu = np.mean(x, axis=1, keepdims=True)\nvar = np.mean((x - mu) ** 2, axis=1",
                                        "mu = np.mean(x, axis=0, keepdims=True)\nvar = np.mean((x - mu) ** 2, axis=0")),
    dict(exercise="batchnorm_forward", bug="unbiased variance (m − 1)", fails=["test_batchnorm_forward"],
         says="not m − 1", source=_bnf("var = np.mean((x - mu) ** 2, axis=1, keepdims=True)", "var = np.var(x, axis=1, keepdims=True, ddof=1)")),
    dict(exercise="batchnorm_forward", bug="ε outside the square root", fails=["test_batchnorm_forward"],
         says="ε goes inside the square root", source=_bnf("1.0 / np.sqrt(var + eps)", "1.0 / (np.sqrt(var) + eps)")),
    dict(exercise="batchnorm_forward", bug="γ and β left out", fails=["test_batchnorm_forward"],
         says="without the scale and shift", source=_bnf("return gamma * x_hat + beta,", "return x_hat,")),
    # --- Exercise 11: batchnorm_backward
    dict(exercise="batchnorm_backward", bug="μ and σ² treated as constants", fails=["test_batchnorm_backward"],
         says="treated them as constants",
         source=_bnb("dx = inv_std * (g - np.mean(g, axis=1, keepdims=True) - x_hat * np.mean(g * x_hat, axis=1, keepdims=True))",
                     "dx = inv_std * g")),
    dict(exercise="batchnorm_backward", bug="the path through σ² missing", fails=["test_batchnorm_backward"],
         says="the path through σ² is missing",
         source=_bnb(" - x_hat * np.mean(g * x_hat, axis=1, keepdims=True))", ")")),
    dict(exercise="batchnorm_backward", bug="dgamma without x̂", fails=["test_batchnorm_backward"],
         says="you left out x̂", source=_bnb("dgamma = np.sum(dout * x_hat, axis=1", "dgamma = np.sum(dout, axis=1")),
    dict(exercise="batchnorm_backward", bug="dbeta not summed", fails=["test_batchnorm_backward"],
         says="add over the batch", source=_bnb("dbeta = np.sum(dout, axis=1, keepdims=True)", "dbeta = dout")),
]
