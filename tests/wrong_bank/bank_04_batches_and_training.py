LESSON = "04_batches_and_training"

_FWD = "def forward_batch(x, params):\n"
_BWD_HEAD = ("def backward_batch(y, cache, params):\n"
             "    x, z1, a1, y_hat = cache['x'], cache['z1'], cache['a1'], cache['y_hat']\n"
             "    m = x.shape[1]\n")


def _bwd(dz2="(y_hat - y) / m", dW2="dz2 @ a1.T", db2="np.sum(dz2, axis=1, keepdims=True)",
         dz1="da1 * sigmoid_prime(z1)", dW1="dz1 @ x.T", db1="np.sum(dz1, axis=1, keepdims=True)"):
    return (_BWD_HEAD + f"    dz2 = {dz2}\n    dW2 = {dW2}\n    db2 = {db2}\n    da1 = params['W2'].T @ dz2\n"
            f"    dz1 = {dz1}\n    dW1 = {dW1}\n    db1 = {db1}\n"
            "    return {'dW1': dW1, 'db1': db1, 'dW2': dW2, 'db2': db2}\n")


def _step(update="params[n] - lr * grads['d' + n]", loss_after=False, inplace=False):
    body = ("def train_step(x, y, params, lr):\n    y_hat, cache = forward_batch(x, params)\n"
            "    loss = cross_entropy(y_hat, y)\n    grads = backward_batch(y, cache, params)\n")
    if inplace:
        return body + "    for n in PARAMS:\n        params[n] -= lr * grads['d' + n]\n    return loss, params\n"
    body += f"    new = {{n: {update} for n in PARAMS}}\n"
    if loss_after:
        body += "    return cross_entropy(forward_batch(x, new)[0], y), new\n"
    else:
        body += "    return loss, new\n"
    return body


def _train(epoch_loop="for _ in range(epochs):", append="losses.append(loss)", ret="params", indent_append=True):
    return ("def train(x, labels, k, h, epochs, batch_size, lr, seed=0):\n"
            "    d, m = x.shape\n    params = init_params(d, h, k, seed=seed)\n    start = params\n"
            "    rng = np.random.default_rng(seed)\n    y = one_hot(labels, k)\n    losses = []\n"
            f"    {epoch_loop}\n        for idx in minibatches(m, batch_size, rng):\n"
            "            loss, params = train_step(x[:, idx], y[:, idx], params, lr)\n"
            + (f"            {append}\n" if indent_append else f"        {append}\n")
            + f"    return {ret}, losses\n")


CASES = [
    dict(exercise="forward_batch", bug="softmax normalised over rows", fails=["test_forward_batch"], says="not each row",
         source=_FWD + "    z1 = params['W1'] @ x + params['b1']\n    a1 = sigmoid(z1)\n    z2 = params['W2'] @ a1 + params['b2']\n"
                       "    e = np.exp(z2)\n    y_hat = e / e.sum(axis=1, keepdims=True)\n"
                       "    return y_hat, {'x': x, 'z1': z1, 'a1': a1, 'z2': z2, 'y_hat': y_hat}\n"),
    dict(exercise="forward_batch", bug="sigmoid skipped (a1 = z1)", fails=["test_forward_batch"], says="a1 is σ(z1)",
         source=_FWD + "    z1 = params['W1'] @ x + params['b1']\n    a1 = z1\n    z2 = params['W2'] @ a1 + params['b2']\n"
                       "    y_hat = softmax(z2)\n    return y_hat, {'x': x, 'z1': z1, 'a1': a1, 'z2': z2, 'y_hat': y_hat}\n"),
    dict(exercise="forward_batch", bug="b1 left out", fails=["test_forward_batch"], says="left out b1",
         source=_FWD + "    z1 = params['W1'] @ x\n    a1 = sigmoid(z1)\n    z2 = params['W2'] @ a1 + params['b2']\n"
                       "    y_hat = softmax(z2)\n    return y_hat, {'x': x, 'z1': z1, 'a1': a1, 'z2': z2, 'y_hat': y_hat}\n"),
    dict(exercise="backward_batch", bug="missing 1/m", fails=["test_backward_batch"], says="times too large",
         source=_bwd(dz2="y_hat - y")),
    dict(exercise="backward_batch", bug="bias gradient not summed over the batch", fails=["test_backward_batch"],
         says="summed (and averaged) over the batch", source=_bwd(db2="dz2")),
    dict(exercise="backward_batch", bug="dropped σ'", fails=["test_backward_batch"], says="dropped the σ' factor",
         source=_bwd(dz1="da1")),
    dict(exercise="backward_batch", bug="σ(z1) instead of σ'(z1)", fails=["test_backward_batch"], says="not its derivative",
         source=_bwd(dz1="da1 * sigmoid(z1)")),
    dict(exercise="backward_batch", bug="transposed dW1", fails=["test_backward_batch"], says="did you transpose",
         source=_bwd(dW1="x @ dz1.T")),
    dict(exercise="backward_batch", bug="sign flip (y − ŷ)", fails=["test_backward_batch"], says="wrong sign",
         source=_bwd(dz2="(y - y_hat) / m")),
    dict(exercise="backward_batch", bug="bias averaged twice", fails=["test_backward_batch"], says="times too small",
         source=_bwd(db1="np.mean(dz1, axis=1, keepdims=True)")),
    dict(exercise="backward_batch", bug="dW2 from z1 instead of a1", fails=["test_backward_batch"], says="not z1",
         source=_bwd(dW2="dz2 @ z1.T")),
    dict(exercise="minibatches", bug="not shuffled", fails=["test_minibatches"], says="not shuffled",
         source="def minibatches(m, batch_size, rng):\n    order = np.arange(m)\n"
                "    return [order[i:i + batch_size] for i in range(0, m, batch_size)]\n"),
    dict(exercise="minibatches", bug="last smaller batch dropped", fails=["test_minibatches"], says="is missing",
         source="def minibatches(m, batch_size, rng):\n    order = rng.permutation(m)\n"
                "    return [order[i:i + batch_size] for i in range(0, m - batch_size + 1, batch_size)]\n"),
    dict(exercise="minibatches", bug="ignores the given rng", fails=["test_minibatches"], says="the rng you are given",
         source="def minibatches(m, batch_size, rng):\n    order = np.random.default_rng(12345).permutation(m)\n"
                "    return [order[i:i + batch_size] for i in range(0, m, batch_size)]\n"),
    dict(exercise="train_step", bug="steps up the gradient", fails=["test_train_step"], says="step against the gradient",
         source=_step(update="params[n] + lr * grads['d' + n]")),
    dict(exercise="train_step", bug="learning rate ignored", fails=["test_train_step"], says="scale the step",
         source=_step(update="params[n] - grads['d' + n]")),
    dict(exercise="train_step", bug="returns the loss after the step", fails=["test_train_step"], says="before the step",
         source=_step(loss_after=True)),
    dict(exercise="train_step", bug="updates params in place", fails=["test_train_step"], says="in place",
         source=_step(inplace=True)),
    dict(exercise="train", bug="one epoch only", fails=["test_train", "test_digits_accuracy"], says="steps",
         source=_train(epoch_loop="for _ in range(1):")),
    dict(exercise="train", bug="one loss per epoch", fails=["test_train"], says="one loss per step",
         source=_train(indent_append=False)),
    dict(exercise="train", bug="returns the initial parameters", fails=["test_train", "test_digits_accuracy"],
         says="return the parameters after training", source=_train(ret="start")),
    dict(exercise="minibatches", bug="shuffles the order of the batches only", fails=["test_minibatches"],
         says="not only the order of the batches",
         source="def minibatches(m, batch_size, rng):\n    order = np.arange(m)\n"
                "    batches = [order[i:i + batch_size] for i in range(0, m, batch_size)]\n"
                "    return [batches[j] for j in rng.permutation(len(batches))]\n"),
]
