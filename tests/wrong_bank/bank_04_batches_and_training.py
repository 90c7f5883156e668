LESSON = "04_batches_and_training"


def _fwd(z1="params['W1'] @ x + params['b1']", a1="sigmoid(z1)", z2="params['W2'] @ a1 + params['b2']",
         y_hat="softmax(z2)", ret="y_hat, {'x': x, 'z1': z1, 'a1': a1, 'z2': z2, 'y_hat': y_hat}", extra=""):
    return (f"def forward_batch(x, params):\n    z1 = {z1}\n    a1 = {a1}\n    z2 = {z2}\n{extra}"
            f"    y_hat = {y_hat}\n    return {ret}\n")


_BWD_HEAD = ("def backward_batch(y, cache, params):\n"
             "    x, z1, a1, y_hat = cache['x'], cache['z1'], cache['a1'], cache['y_hat']\n")


def _bwd(m="x.shape[1]", dz2="(y_hat - y) / m", dW2="dz2 @ a1.T", db2="np.sum(dz2, axis=1, keepdims=True)",
         da1="params['W2'].T @ dz2", dz1="da1 * sigmoid_prime(z1)", dW1="dz1 @ x.T",
         db1="np.sum(dz1, axis=1, keepdims=True)", ret="{'dW1': dW1, 'db1': db1, 'dW2': dW2, 'db2': db2}"):
    return (_BWD_HEAD + f"    m = {m}\n    dz2 = {dz2}\n    dW2 = {dW2}\n    db2 = {db2}\n    da1 = {da1}\n"
            f"    dz1 = {dz1}\n    dW1 = {dW1}\n    db1 = {db1}\n    return {ret}\n")


def _mb(body):
    return "def minibatches(m, batch_size, rng):\n" + body


def _step(update="params[n] - lr * grads['d' + n]", loss="cross_entropy(y_hat, y)", ret="loss, new", pre=""):
    return ("def train_step(x, y, params, lr):\n    y_hat, cache = forward_batch(x, params)\n"
            f"    loss = {loss}\n    grads = backward_batch(y, cache, params)\n{pre}"
            f"    new = {{n: {update} for n in PARAMS}}\n    return {ret}\n")


def _train(init="init_params(d, h, k, seed=seed)", rng="    rng = np.random.default_rng(seed)\n",
           epoch_loop="for _ in range(epochs):", in_epoch="", batches="minibatches(m, batch_size, rng)",
           step="loss, params = train_step(x[:, idx], y[:, idx], params, lr)", append="losses.append(loss)",
           ret="params", indent_append=True):
    return ("def train(x, labels, k, h, epochs, batch_size, lr, seed=0):\n"
            f"    d, m = x.shape\n    params = {init}\n    start = params\n{rng}"
            "    y = one_hot(labels, k)\n    losses = []\n"
            f"    {epoch_loop}\n{in_epoch}        for idx in {batches}:\n"
            f"            {step}\n"
            + (f"            {append}\n" if indent_append else f"        {append}\n")
            + f"    return {ret}, losses\n")


_F = ["test_forward_batch"]
_B = ["test_backward_batch"]
_M = ["test_minibatches"]
_S = ["test_train_step"]
_T = ["test_train"]

CASES = [
    # ---- Exercise 1: forward_batch
    dict(exercise="forward_batch", bug="softmax normalised over rows", fails=_F, says="not each row",
         source=_fwd(extra="    e = np.exp(z2)\n", y_hat="e / e.sum(axis=1, keepdims=True)")),
    dict(exercise="forward_batch", bug="softmax over the whole batch", fails=_F, says="not the whole batch at once",
         source=_fwd(y_hat="np.exp(z2) / np.sum(np.exp(z2))")),
    dict(exercise="forward_batch", bug="exp without the division", fails=_F, says="the division is missing",
         source=_fwd(y_hat="np.exp(z2)")),
    dict(exercise="forward_batch", bug="no softmax (y_hat = z2)", fails=_F, says="not z2 itself", source=_fwd(y_hat="z2")),
    dict(exercise="forward_batch", bug="sigmoid at the output", fails=_F, says="not σ(z2)", source=_fwd(y_hat="sigmoid(z2)")),
    dict(exercise="forward_batch", bug="sigmoid skipped (a1 = z1)", fails=_F, says="a1 is σ(z1), not z1 itself",
         source=_fwd(a1="z1")),
    dict(exercise="forward_batch", bug="tanh for the sigmoid", fails=_F, says="not tanh(z1)", source=_fwd(a1="np.tanh(z1)")),
    dict(exercise="forward_batch", bug="ReLU for the sigmoid", fails=_F, says="not max(0, z1)",
         source=_fwd(a1="np.maximum(z1, 0)")),
    dict(exercise="forward_batch", bug="sigmoid written with e^(+z)", fails=_F, says="sign in the exponent is flipped",
         source=_fwd(a1="1 / (1 + np.exp(z1))")),
    dict(exercise="forward_batch", bug="the sigmoid's slope as the activation", fails=_F, says="not its slope",
         source=_fwd(a1="sigmoid_prime(z1)")),
    dict(exercise="forward_batch", bug="b1 left out", fails=_F, says="left out b1", source=_fwd(z1="params['W1'] @ x")),
    dict(exercise="forward_batch", bug="b1 subtracted", fails=_F, says="add b1, do not subtract it",
         source=_fwd(z1="np.dot(params['W1'], x) - params['b1']")),
    dict(exercise="forward_batch", bug="b2 left out", fails=_F, says="left out b2", source=_fwd(z2="params['W2'] @ a1")),
    dict(exercise="forward_batch", bug="z2 from z1", fails=_F, says="not from z1",
         source=_fwd(z2="params['W2'] @ z1 + params['b2']")),
    dict(exercise="forward_batch", bug="examples as rows (everything transposed)", fails=_F, says="did you transpose",
         source=_fwd(z1="x.T @ params['W1'].T + params['b1'].T", z2="a1 @ params['W2'].T + params['b2'].T",
                     y_hat="softmax(z2.T).T")),
    dict(exercise="forward_batch", bug="cache['z1'] holds the activation (name reused)", fails=_F,
         says="store z1, the value before the activation",
         source=("def forward_batch(x, params):\n    z = params['W1'] @ x + params['b1']\n    z = sigmoid(z)\n"
                 "    z2 = params['W2'] @ z + params['b2']\n    y_hat = softmax(z2)\n"
                 "    return y_hat, {'x': x, 'z1': z, 'a1': z, 'z2': z2, 'y_hat': y_hat}\n")),
    dict(exercise="forward_batch", bug="cache['z2'] holds the probabilities", fails=_F, says="store the scores z2",
         source=_fwd(ret="y_hat, {'x': x, 'z1': z1, 'a1': a1, 'z2': y_hat, 'y_hat': y_hat}")),
    dict(exercise="forward_batch", bug="cache without x", fails=_F, says="keys 'x', 'z1', 'a1', 'z2' and 'y_hat'",
         source=_fwd(ret="y_hat, {'z1': z1, 'a1': a1, 'z2': z2, 'y_hat': y_hat}")),
    dict(exercise="forward_batch", bug="returns (cache, y_hat)", fails=_F, says="the order is (y_hat, cache)",
         source=_fwd(ret="{'x': x, 'z1': z1, 'a1': a1, 'z2': z2, 'y_hat': y_hat}, y_hat")),
    dict(exercise="forward_batch", bug="returns y_hat alone", fails=_F, says="should return 2 values", source=_fwd(ret="y_hat")),

    # ---- Exercise 2: backward_batch
    dict(exercise="backward_batch", bug="missing 1/m", fails=_B, says="times too large", source=_bwd(dz2="y_hat - y")),
    dict(exercise="backward_batch", bug="1/m at dz2 and again at dW2", fails=_B, says="times too small",
         source=_bwd(dW2="dz2 @ a1.T / m")),
    dict(exercise="backward_batch", bug="bias averaged twice", fails=_B, says="times too small",
         source=_bwd(db1="np.mean(dz1, axis=1, keepdims=True)")),
    dict(exercise="backward_batch", bug="1/m on the weights only", fails=_B, says="times too large",
         source=_bwd(dz2="y_hat - y", dW2="dz2 @ a1.T / m", dW1="dz1 @ x.T / m")),
    dict(exercise="backward_batch", bug="sum of outer products in a loop, never divided by m", fails=_B, says="times too large",
         source=(_BWD_HEAD + "    W2 = params['W2']\n    dW1, db1 = np.zeros((z1.shape[0], x.shape[0])), np.zeros((z1.shape[0], 1))\n"
                 "    dW2, db2 = np.zeros((y.shape[0], a1.shape[0])), np.zeros((y.shape[0], 1))\n"
                 "    for j in range(x.shape[1]):\n        dz2 = y_hat[:, j:j + 1] - y[:, j:j + 1]\n"
                 "        dW2 += np.outer(dz2, a1[:, j])\n        db2 += dz2\n"
                 "        dz1 = (W2.T @ dz2) * sigmoid_prime(z1[:, j:j + 1])\n"
                 "        dW1 += np.outer(dz1, x[:, j])\n        db1 += dz1\n"
                 "    return {'dW1': dW1, 'db1': db1, 'dW2': dW2, 'db2': db2}\n")),
    dict(exercise="backward_batch", bug="m = x.shape[0] (d, not m)", fails=_B, says="you divided by x.shape[0] = d",
         source=_bwd(m="x.shape[0]")),
    dict(exercise="backward_batch", bug="m = len(y) (k, not m)", fails=_B, says="= k, the classes", source=_bwd(m="len(y)")),
    dict(exercise="backward_batch", bug="sign flip (y − ŷ)", fails=_B, says="wrong sign", source=_bwd(dz2="(y - y_hat) / m")),
    dict(exercise="backward_batch", bug="− y left out of dz2", fails=_B, says="you left out − y", source=_bwd(dz2="y_hat / m")),
    dict(exercise="backward_batch", bug="extra softmax slope at z2", fails=_B, says="do not multiply by the softmax's slope",
         source=_bwd(dz2="y_hat * (1 - y_hat) * (y_hat - y) / m")),
    dict(exercise="backward_batch", bug="bias gradient not summed over the batch", fails=_B,
         says="summed (and averaged) over the batch", source=_bwd(db2="dz2")),
    dict(exercise="backward_batch", bug="bias summed over the wrong axis", fails=_B, says="summed over the wrong axis",
         source=_bwd(db2="np.sum(dz2, axis=0, keepdims=True)")),
    dict(exercise="backward_batch", bug="bias sum without keepdims", fails=_B, says="lost its second axis",
         source=_bwd(db1="dz1.sum(axis=1)")),
    dict(exercise="backward_batch", bug="bias summed over everything", fails=_B, says="is a single number",
         source=_bwd(db2="np.sum(dz2)")),
    dict(exercise="backward_batch", bug="dropped σ'", fails=_B, says="the step through the sigmoid is missing",
         source=_bwd(dz1="da1")),
    dict(exercise="backward_batch", bug="σ(z1) instead of σ'(z1)", fails=_B, says="not by σ(z1) itself",
         source=_bwd(dz1="da1 * sigmoid(z1)")),
    dict(exercise="backward_batch", bug="σ' taken at a1", fails=_B, says="at z1, not at a1",
         source=_bwd(dz1="da1 * sigmoid_prime(a1)")),
    dict(exercise="backward_batch", bug="σ' written with z1", fails=_B, says="with z1 in place of σ(z1)",
         source=_bwd(dz1="da1 * z1 * (1 - z1)")),
    dict(exercise="backward_batch", bug="tanh's slope", fails=_B, says="not tanh's 1 − a1²", source=_bwd(dz1="da1 * (1 - a1 ** 2)")),
    dict(exercise="backward_batch", bug="W2 not transposed (square W2)", fails=_B, says="the transpose on W2 is missing",
         source=_bwd(da1="params['W2'] @ dz2")),
    dict(exercise="backward_batch", bug="transposed dW1", fails=_B, says="did you transpose", source=_bwd(dW1="x @ dz1.T")),
    dict(exercise="backward_batch", bug="transposed dW2 (square)", fails=_B, says="dW2 is transposed",
         source=_bwd(dW2="a1 @ dz2.T")),
    dict(exercise="backward_batch", bug="dW2 from z1 instead of a1", fails=_B, says="not from z1", source=_bwd(dW2="dz2 @ z1.T")),
    dict(exercise="backward_batch", bug="changes the cache in place", fails=_B, says="changed cache['y_hat'] in place",
         source=_bwd(dz2="y_hat\n    dz2 -= y\n    dz2 /= m")),
    dict(exercise="backward_batch", bug="keys without the d", fails=_B, says="with a d in front",
         source=_bwd(ret="{'W1': dW1, 'b1': db1, 'W2': dW2, 'b2': db2}")),
    dict(exercise="backward_batch", bug="returns a tuple", fails=_B, says="should return a dict",
         source=_bwd(ret="dW1, db1, dW2, db2")),

    # ---- Exercise 3: minibatches
    dict(exercise="minibatches", bug="not shuffled", fails=_M, says="not shuffled",
         source=_mb("    order = np.arange(m)\n    return [order[i:i + batch_size] for i in range(0, m, batch_size)]\n")),
    dict(exercise="minibatches", bug="last smaller batch dropped", fails=_M, says="is missing",
         source=_mb("    order = rng.permutation(m)\n"
                    "    return [order[i:i + batch_size] for i in range(0, m - batch_size + 1, batch_size)]\n")),
    dict(exercise="minibatches", bug="ignores the given rng", fails=_M, says="the rng you are given",
         source=_mb("    order = np.random.default_rng(12345).permutation(m)\n"
                    "    return [order[i:i + batch_size] for i in range(0, m, batch_size)]\n")),
    dict(exercise="minibatches", bug="numpy's global shuffle", fails=_M, says="the rng you are given",
         source=_mb("    order = np.random.permutation(m)\n"
                    "    return [order[i:i + batch_size] for i in range(0, m, batch_size)]\n")),
    dict(exercise="minibatches", bug="shuffles the order of the batches only", fails=_M, says="not only the order of the batches",
         source=_mb("    order = np.arange(m)\n    batches = [order[i:i + batch_size] for i in range(0, m, batch_size)]\n"
                    "    return [batches[j] for j in rng.permutation(len(batches))]\n")),
    dict(exercise="minibatches", bug="array_split into batch_size pieces", fails=_M, says="np.array_split(order, n) makes n batches",
         source=_mb("    return np.array_split(rng.permutation(m), batch_size)\n")),
    dict(exercise="minibatches", bug="array_split into m // batch_size pieces", fails=_M, says="spreads the leftover indices",
         source=_mb("    return list(np.array_split(rng.permutation(m), m // batch_size))\n")),
    dict(exercise="minibatches", bug="each slice one short", fails=_M, says="one short",
         source=_mb("    order = rng.permutation(m)\n"
                    "    return [order[i:i + batch_size - 1] for i in range(0, m, batch_size)]\n")),
    dict(exercise="minibatches", bug="leftover merged into the batch before", fails=_M, says="not join the batch before",
         source=_mb("    order = rng.permutation(m)\n    n = max(m // batch_size, 1)\n"
                    "    return [order[i * batch_size:(i + 1) * batch_size] if i < n - 1 else order[i * batch_size:]"
                    " for i in range(n)]\n")),
    dict(exercise="minibatches", bug="a batch starts at every index", fails=_M, says="overlap",
         source=_mb("    order = rng.permutation(m)\n    return [order[i:i + batch_size] for i in range(m)]\n")),
    dict(exercise="minibatches", bug="a new permutation for every batch", fails=_M, says="shuffle once, then cut",
         source=_mb("    return [rng.permutation(m)[i:i + batch_size] for i in range(0, m, batch_size)]\n")),
    dict(exercise="minibatches", bug="rng.choice with replacement", fails=_M, says="draws with replacement",
         source=_mb("    order = rng.choice(m, m)\n    return [order[i:i + batch_size] for i in range(0, m, batch_size)]\n")),
    dict(exercise="minibatches", bug="returns the order, uncut", fails=_M, says="one by one", source=_mb("    return rng.permutation(m)\n")),
    dict(exercise="minibatches", bug="a generator, not a list", fails=_M, says="should return a list of index arrays, not a generator",
         source=_mb("    order = rng.permutation(m)\n    for i in range(0, m, batch_size):\n"
                    "        yield order[i:i + batch_size]\n")),

    # ---- Exercise 4: train_step
    dict(exercise="train_step", bug="steps up the gradient", fails=_S, says="step against the gradient",
         source=_step(update="params[n] + lr * grads['d' + n]")),
    dict(exercise="train_step", bug="learning rate ignored", fails=_S, says="scale the step", source=_step(update="params[n] - grads['d' + n]")),
    dict(exercise="train_step", bug="learning rate twice", fails=_S, says="multiplied by lr twice",
         source=_step(update="params[n] - lr * (lr * grads['d' + n])")),
    dict(exercise="train_step", bug="divides by m again", fails=_S, says="do not divide by m again",
         source=_step(update="params[n] - lr * grads['d' + n] / x.shape[1]")),
    dict(exercise="train_step", bug="returns the loss after the step", fails=_S, says="before the step",
         source=_step(ret="cross_entropy(forward_batch(x, new)[0], y), new")),
    dict(exercise="train_step", bug="the summed loss", fails=_S, says="not the sum", source=_step(loss="-np.sum(y * np.log(y_hat))")),
    dict(exercise="train_step", bug="updates params in place (-=)", fails=_S, says="changed params['W1']",
         source=("def train_step(x, y, params, lr):\n    y_hat, cache = forward_batch(x, params)\n"
                 "    loss = cross_entropy(y_hat, y)\n    grads = backward_batch(y, cache, params)\n"
                 "    for n in PARAMS:\n        params[n] -= lr * grads['d' + n]\n    return loss, params\n")),
    dict(exercise="train_step", bug="rebinds the entries of the given dict", fails=_S, says="in the dict it was given",
         source=("def train_step(x, y, params, lr):\n    y_hat, cache = forward_batch(x, params)\n"
                 "    loss = cross_entropy(y_hat, y)\n    grads = backward_batch(y, cache, params)\n"
                 "    for n in PARAMS:\n        params[n] = params[n] - lr * grads['d' + n]\n    return loss, params\n")),
    dict(exercise="train_step", bug="returns the old params", fails=_S, says="the step θ − lr·dθ was not taken",
         source=_step(ret="loss, params")),
    dict(exercise="train_step", bug="biases not updated", fails=_S, says="it is the old params['b1']",
         source=_step(update="params[n] - lr * grads['d' + n] if n.startswith('W') else params[n]")),
    dict(exercise="train_step", bug="returns (new_params, loss)", fails=_S, says="the order is (loss, new_params)",
         source=_step(ret="new, loss")),

    # ---- Exercise 5: train
    dict(exercise="train", bug="one epoch only", fails=_T + ["test_digits_accuracy"], says="one epoch's worth",
         source=_train(epoch_loop="for _ in range(1):")),
    dict(exercise="train", bug="losses reset every epoch", fails=_T, says="one epoch's worth",
         source=_train(in_epoch="        losses = []\n")),
    dict(exercise="train", bug="one loss per epoch", fails=_T, says="one per epoch",
         source=_train(indent_append=False)),
    dict(exercise="train", bug="returns the initial parameters", fails=_T + ["test_digits_accuracy"],
         says="the parameters you return are the starting ones", source=_train(ret="start")),
    dict(exercise="train", bug="train_step's new parameters not kept", fails=_T,
         says="keep what each train_step returns",
         source=_train(step="loss, new_params = train_step(x[:, idx], y[:, idx], params, lr)")),
    dict(exercise="train", bug="rng made again every epoch", fails=_T, says="epoch 2 starts with the same batch",
         source=_train(rng="", in_epoch="        rng = np.random.default_rng(seed)\n")),
    dict(exercise="train", bug="batches drawn once, before the epochs", fails=_T, says="epoch 2 starts with the same batch",
         source=_train(rng="    rng = np.random.default_rng(seed)\n    batches = minibatches(m, batch_size, rng)\n",
                       batches="batches")),
    dict(exercise="train", bug="init_params without the seed", fails=_T, says="the seed is missing",
         source=_train(init="init_params(d, h, k)")),
    dict(exercise="train", bug="rng seeded with 0", fails=_T, says="with the seed train is given",
         source=_train(rng="    rng = np.random.default_rng(0)\n")),
    dict(exercise="train", bug="every step on the whole set", fails=_T, says="not on the whole training set",
         source=_train(step="loss, params = train_step(x, y, params, lr)")),
]
