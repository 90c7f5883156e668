LESSON = "03_two_layer_network"


def _f(name, args, body):
    return f"def {name}({args}):\n" + "".join(f"    {line}\n" for line in body.split("\n"))


_FWD = ("f, _ = activation_of(activation)\nz1 = params['W1'] @ x + params['b1']\na1 = f(z1)\n"
        "z2 = params['W2'] @ a1 + params['b2']\ny_hat = softmax(z2)\n"
        "return y_hat, {'x': x, 'z1': z1, 'a1': a1, 'z2': z2, 'y_hat': y_hat, 'activation': activation}")
_BWD = ("dz2 = grad_z2(cache['y_hat'], y)\ndW2 = grad_W2(dz2, cache['a1'])\ndb2 = grad_b2(dz2)\n"
        "da1 = grad_a1(params['W2'], dz2)\ndz1 = grad_z1(da1, cache['z1'], cache['activation'])\n"
        "dW1 = grad_W1(dz1, cache['x'])\ndb1 = grad_b1(dz1)\nreturn {'dW1': dW1, 'db1': db1, 'dW2': dW2, 'db2': db2}")


def _fwd(old, new):
    assert old in _FWD
    return _f("forward", "x, params, activation='sigmoid'", _FWD.replace(old, new))


def _bwd(old, new):
    assert old in _BWD
    return _f("backward", "y, cache, params", _BWD.replace(old, new))


def _case(exercise, bug, says, body, args, fails):
    return dict(exercise=exercise, bug=bug, fails=fails, says=says, source=_f(exercise, args, body))


def _sm(bug, says, body):
    return _case("softmax", bug, says, body, "z", ["test_softmax"])


def _tp(bug, says, body):
    return _case("tanh_prime", bug, says, body, "z", ["test_tanh_prime"])


def _rp(bug, says, body):
    return _case("relu_prime", bug, says, body, "z", ["test_relu_prime"])


def _ce(bug, says, body):
    return _case("cross_entropy", bug, says, body, "y_hat, y", ["test_cross_entropy"])


def _z2(bug, says, body):
    return _case("grad_z2", bug, says, body, "y_hat, y", ["test_grad_z2"])


def _W2(bug, says, body):
    return _case("grad_W2", bug, says, body, "dz2, a1", ["test_grad_W2"])


def _b2(bug, says, body):
    return _case("grad_b2", bug, says, body, "dz2", ["test_grad_b2"])


def _a1(bug, says, body):
    return _case("grad_a1", bug, says, body, "W2, dz2", ["test_grad_a1"])


def _z1(bug, says, body):
    return _case("grad_z1", bug, says, body, "da1, z1, activation='sigmoid'", ["test_grad_z1"])


def _W1(bug, says, body):
    return _case("grad_W1", bug, says, body, "dz1, x", ["test_grad_W1"])


def _b1(bug, says, body):
    return _case("grad_b1", bug, says, body, "dz1", ["test_grad_b1"])


def _J(bug, says, body):
    return _case("softmax_jacobian", bug, says, body, "z", ["test_softmax_jacobian"])


def _lw(bug, says, body):
    return _case("dz2_long_way", bug, says, body, "z2, y", ["test_dz2_long_way"])


_SHAPES_AND_CHECK = ["test_backward_shapes", "test_gradcheck"]

CASES = [
    # --- Exercise 1: softmax
    _sm("no max subtracted (overflows)", "column's own max", "e = np.exp(z)\nreturn e / np.sum(e, axis=0, keepdims=True)"),
    _sm("max and sum over axis=1 (rows)", "axis=0",
        "e = np.exp(z - np.max(z, axis=1, keepdims=True))\nreturn e / np.sum(e, axis=1, keepdims=True)"),
    _sm("one global max for all columns", "column's own max", "e = np.exp(z - np.max(z))\nreturn e / np.sum(e, axis=0, keepdims=True)"),
    _sm("not normalised", "divide by each column's sum", "return np.exp(z - np.max(z, axis=0, keepdims=True))"),
    _sm("divided by the sum of the whole array", "not by the sum of the whole array",
        "e = np.exp(z - z.max(axis=0, keepdims=True))\nreturn e / e.sum()"),
    _sm("exponent sign flipped (e^(max − z))", "a sign is flipped",
        "e = np.exp(np.max(z, axis=0, keepdims=True) - z)\nreturn e / e.sum(axis=0, keepdims=True)"),
    _sm("shifts z in place (z -= max)", "in place",
        "z -= np.max(z, axis=0, keepdims=True)\ne = np.exp(z)\nreturn e / np.sum(e, axis=0, keepdims=True)"),
    # --- Exercise 2: tanh_prime
    _tp("returns tanh itself", "tanh(z) itself", "return np.tanh(z)"),
    _tp("square missing (1 − tanh)", "the square is missing", "return 1 - np.tanh(z)"),
    _tp("sign flipped (1 + tanh²)", "a sign is flipped", "return 1 + np.tanh(z) ** 2"),
    _tp("z where tanh z belongs (1 − z²)", "you wrote z where tanh z belongs", "return 1 - z ** 2"),
    _tp("slope at the wrong point (tanh of tanh)", "applied tanh twice", "a = np.tanh(z)\nreturn 1 - np.tanh(a) ** 2"),
    _tp("(1 − tanh)² for 1 − tanh²", "squares the difference", "return (1 - np.tanh(z)) ** 2"),
    _tp("sech instead of sech²", "sech z", "return 1 / np.cosh(z)"),
    _tp("the sigmoid's slope", "the sigmoid's slope", "return sigmoid(z) * (1 - sigmoid(z))"),
    _tp("chain rule through 2σ(2z) − 1 without both 2s", "two factors 2", "return sigmoid_prime(2 * z)"),
    _tp("chain rule through 2σ(2z) − 1 with one 2", "a factor 2 is missing", "return 2 * sigmoid_prime(2 * z)"),
    _tp("math.tanh on an array", "one number at a time", "import math\nreturn 1 - math.tanh(z) ** 2"),
    dict(exercise="tanh_prime", bug="1 − tanh (square missing), met again in grad_z1's test", fails=["test_grad_z1"],
         says="uses your tanh_prime, which is not right yet", source=_f("tanh_prime", "z", "return 1 - np.tanh(z)")),
    # --- Exercise 3: relu_prime
    _rp("returns relu itself", "max(0, z) itself", "return np.maximum(0, z)"),
    _rp("returns z where positive (relu again)", "max(0, z) itself", "return z * (z > 0)"),
    _rp("mask inverted", "the other way round", "return (z < 0).astype(float)"),
    _rp("np.sign (−1 for negatives)", "not −1", "return np.sign(z)"),
    _rp("1 everywhere", "1 everywhere", "return np.ones_like(z)"),
    _rp("if z > 0 on an array", "one number at a time", "if z > 0:\n    return 1.0\nreturn 0.0"),
    _rp("writes the mask into z", "in place", "z[z > 0] = 1.0\nz[z <= 0] = 0.0\nreturn z"),
    dict(exercise="relu_prime", bug="relu itself, met again in the gradient check of the ReLU network",
         fails=["test_gradcheck"], says="uses your relu_prime, which is not right yet",
         source=_f("relu_prime", "z", "return np.maximum(z, 0.0)")),
    # --- Exercise 4: forward
    dict(exercise="forward", bug="b1 left out", fails=["test_forward"], says="left out b1",
         source=_fwd("z1 = params['W1'] @ x + params['b1']", "z1 = params['W1'] @ x")),
    dict(exercise="forward", bug="b1 subtracted", fails=["test_forward"], says="add b1, do not subtract it",
         source=_fwd("z1 = params['W1'] @ x + params['b1']", "z1 = params['W1'] @ x - params['b1']")),
    dict(exercise="forward", bug="no activation (a1 = z1)", fails=["test_forward"], says="not z1 itself",
         source=_fwd("a1 = f(z1)", "a1 = z1")),
    dict(exercise="forward", bug="the activation's slope for the activation", fails=["test_forward"], says="not its slope",
         source=_fwd("f, _ = activation_of(activation)", "_, f = activation_of(activation)")),
    dict(exercise="forward", bug="activation argument ignored (always the sigmoid)", fails=["test_forward"],
         says="is the activation argument ignored", source=_fwd("a1 = f(z1)", "a1 = sigmoid(z1)")),
    dict(exercise="forward", bug="z1 used where a1 belongs in z2", fails=["test_forward"], says="not from z1",
         source=_fwd("z2 = params['W2'] @ a1 + params['b2']", "z2 = params['W2'] @ z1 + params['b2']")),
    dict(exercise="forward", bug="b2 left out", fails=["test_forward"], says="left out b2",
         source=_fwd("z2 = params['W2'] @ a1 + params['b2']", "z2 = params['W2'] @ a1")),
    dict(exercise="forward", bug="softmax skipped (y_hat = z2)", fails=["test_forward"], says="returned z2 itself",
         source=_fwd("y_hat = softmax(z2)", "y_hat = z2")),
    dict(exercise="forward", bug="sigmoid at the output", fails=["test_forward"], says="not σ(z2)",
         source=_fwd("y_hat = softmax(z2)", "y_hat = sigmoid(z2)")),
    dict(exercise="forward", bug="cache returned as a tuple", fails=["test_forward"], says="should be a dict",
         source=_fwd("{'x': x, 'z1': z1, 'a1': a1, 'z2': z2, 'y_hat': y_hat, 'activation': activation}",
                     "(x, z1, a1, z2, y_hat, activation)")),
    dict(exercise="forward", bug="returns (cache, y_hat)", fails=["test_forward"], says="Swap them",
         source=_fwd("return y_hat, {", "return {").replace(", 'activation': activation}\n", ", 'activation': activation}, y_hat\n")),
    dict(exercise="forward", bug="returns y_hat alone", fails=["test_forward"], says="should return 2 values",
         source=_fwd("return y_hat, {'x': x, 'z1': z1, 'a1': a1, 'z2': z2, 'y_hat': y_hat, 'activation': activation}",
                     "return y_hat")),
    dict(exercise="forward", bug="activation not cached", fails=["test_forward"], says="the cache is missing ['activation']",
         source=_fwd(", 'activation': activation}", "}")),
    dict(exercise="forward", bug="the activation function cached instead of its name", fails=["test_forward"],
         says="store the name you were given", source=_fwd("'activation': activation}", "'activation': f}")),
    dict(exercise="forward", bug="z1 and a1 swapped in the cache", fails=["test_forward"], says="swapped in the cache",
         source=_fwd("{'x': x, 'z1': z1, 'a1': a1,", "{'x': x, 'z1': a1, 'a1': z1,")),
    # --- Exercise 5: cross_entropy
    _ce("y left out (sums log ŷ over all classes)", "multiply by y", "return float(-np.sum(np.log(y_hat)))"),
    _ce("minus sign dropped", "wrong sign", "return float(np.sum(y * np.log(y_hat)))"),
    _ce("log forgotten", "forgot the log", "return float(-np.sum(y * y_hat))"),
    _ce("log10", "np.log10", "return float(-np.sum(y * np.log10(y_hat)))"),
    _ce("log2", "np.log2", "return float(-np.sum(y * np.log2(y_hat)))"),
    _ce("np.mean over the classes", "np.mean divides", "return float(-np.mean(y * np.log(y_hat)))"),
    _ce("binary cross-entropy", "binary cross-entropy",
        "return float(-np.sum(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)))"),
    _ce("the predicted class's probability", "not the class the network rates highest", "return float(-np.log(np.max(y_hat)))"),
    _ce("row 0 taken as the true class", "not row 0", "return float(-np.log(y_hat[0, 0]))"),
    _ce("log of y, not of ŷ", "not of y", "return float(-np.sum(y_hat * np.log(y)))"),
    _ce("no sum (one number per class)", "one number per class", "return -y * np.log(y_hat)"),
    # --- Exercise 6: grad_z2
    _z2("sign flip (y − ŷ)", "ŷ − y, not y − ŷ", "return y - y_hat"),
    _z2("forgets − y", "left out − y", "return y_hat"),
    _z2("sigmoid-style derivative ŷ(1 − ŷ)", "sigmoid's slope", "return y_hat * (1 - y_hat)"),
    _z2("squared error's 2(ŷ − y)", "squared error's gradient", "return 2 * (y_hat - y)"),
    _z2("dL/dŷ instead of dL/dz2", "before the softmax", "return -y / y_hat"),
    _z2("an extra sigmoid slope chained in", "chains a sigmoid's slope in", "return (y_hat - y) * y_hat * (1 - y_hat)"),
    _z2("the loss per class", "is the loss", "return -y * np.log(y_hat)"),
    _z2("subtracts in place (y_hat -= y)", "in place", "y_hat -= y\nreturn y_hat"),
    # --- Exercise 7: grad_W2
    _W2("transposed (a1 dz2ᵀ)", "transpose", "return a1 @ dz2.T"),
    _W2("transposed outer product (np.outer(a1, dz2))", "transpose", "return np.outer(a1, dz2)"),
    _W2("inner product instead of outer (dz2ᵀ a1)", "collapsed", "return dz2.T @ a1"),
    _W2("elementwise product dz2 ⊙ a1", "entry by entry (*)", "return dz2 * a1"),
    _W2("summed to one number", "single number", "return float(np.sum(dz2 * a1))"),
    # --- Exercise 8: grad_b2
    _b2("returns a row (dz2ᵀ)", "transpose", "return dz2.T"),
    _b2("sums to one number", "single number", "return np.sum(dz2)"),
    _b2("the local derivative alone (ones)", "the local derivative alone", "return np.ones_like(dz2)"),
    _b2("summed over the wrong axis", "wrong axis", "return np.sum(dz2, axis=0, keepdims=True)"),
    _b2("flattened to 1-D", "lost its second axis", "return dz2.flatten()"),
    # --- Exercise 9: grad_a1
    _a1("transpose forgotten (W2 dz2)", "forgot the transpose", "return W2 @ dz2"),
    _a1("row instead of column (dz2ᵀ W2)", "transpose", "return dz2.T @ W2"),
    _a1("elementwise W2ᵀ ⊙ dz2", "elementwise (*)", "return W2.T * dz2"),
    _a1("summed along the rows (axis=1)", "not along a row (axis=1)", "return np.sum(W2 * dz2, axis=1, keepdims=True)"),
    _a1("sum over axis 0 without keepdims", "lost its second axis", "return np.sum(W2 * dz2, axis=0)"),
    # --- Exercise 10: grad_z1
    _z1("slope missing", "left out the activation's slope", "return da1"),
    _z1("f(z1) instead of f'(z1)", "not by", "f, _ = activation_of(activation)\nreturn da1 * f(z1)"),
    _z1("slope evaluated at a1", "not at a1",
        "f, f_prime = activation_of(activation)\nreturn da1 * f_prime(f(z1))"),
    _z1("activation ignored (always σ')", "is the activation argument ignored", "return da1 * sigmoid_prime(z1)"),
    _z1("slope alone, da1 left out", "the slope alone", "_, f_prime = activation_of(activation)\nreturn f_prime(z1)"),
    _z1("slope added, not multiplied", "do not add it", "_, f_prime = activation_of(activation)\nreturn da1 + f_prime(z1)"),
    _z1("matrix product with the slope", "(h, h) matrix",
        "_, f_prime = activation_of(activation)\nreturn da1 @ f_prime(z1).T"),
    _z1("multiplies da1 in place", "in place", "_, f_prime = activation_of(activation)\nda1 *= f_prime(z1)\nreturn da1"),
    # --- Exercise 11: grad_W1
    _W1("transposed (x dz1ᵀ)", "transpose", "return x @ dz1.T"),
    _W1("transposed outer product (np.outer(x, dz1))", "transpose", "return np.outer(x, dz1)"),
    _W1("inner product dz1ᵀ x", "collapsed", "return dz1.T @ x"),
    _W1("elementwise product dz1 ⊙ x", "entry by entry (*)", "return dz1 * x"),
    # --- Exercise 12: grad_b1
    _b1("returns a row (dz1ᵀ)", "transpose", "return dz1.T"),
    _b1("sums to one number", "single number", "return np.sum(dz1)"),
    _b1("the local derivative alone (ones)", "the local derivative alone", "return np.ones_like(dz1)"),
    _b1("summed over the wrong axis", "wrong axis", "return dz1.sum(axis=0, keepdims=True)"),
    # --- Exercise 13: backward
    dict(exercise="backward", bug="z1 used where a1 belongs in dW2", fails=["test_gradcheck"], says="not from z1",
         source=_bwd("dW2 = grad_W2(dz2, cache['a1'])", "dW2 = grad_W2(dz2, cache['z1'])")),
    dict(exercise="backward", bug="slope step skipped (dz1 = da1)", fails=["test_gradcheck"], says="skips the activation's slope",
         source=_bwd("dz1 = grad_z1(da1, cache['z1'], cache['activation'])", "dz1 = da1")),
    dict(exercise="backward", bug="db1 from da1, before the slope step", fails=["test_gradcheck"],
         says="skips the activation's slope", source=_bwd("db1 = grad_b1(dz1)", "db1 = grad_b1(da1)")),
    dict(exercise="backward", bug="a1 passed where z1 belongs to grad_z1", fails=["test_gradcheck"], says="taken at a1",
         source=_bwd("dz1 = grad_z1(da1, cache['z1'], cache['activation'])", "dz1 = grad_z1(da1, cache['a1'], cache['activation'])")),
    dict(exercise="backward", bug="activation not passed on to grad_z1", fails=["test_gradcheck"],
         says="pass cache['activation'] on", source=_bwd("dz1 = grad_z1(da1, cache['z1'], cache['activation'])", "dz1 = grad_z1(da1, cache['z1'])")),
    dict(exercise="backward", bug="σ' hard-coded in the backward pass", fails=["test_gradcheck"],
         says="pass cache['activation'] on",
         source=_bwd("dz1 = grad_z1(da1, cache['z1'], cache['activation'])", "dz1 = da1 * sigmoid_prime(cache['z1'])")),
    dict(exercise="backward", bug="multiplies by a1 = f(z1), not the slope", fails=["test_gradcheck"], says="not by its slope",
         source=_bwd("dz1 = grad_z1(da1, cache['z1'], cache['activation'])", "dz1 = da1 * cache['a1']")),
    dict(exercise="backward", bug="sign flip (y − ŷ)", fails=["test_gradcheck"], says="ŷ − y, not y − ŷ",
         source=_bwd("dz2 = grad_z2(cache['y_hat'], y)", "dz2 = y - cache['y_hat']")),
    dict(exercise="backward", bug="dW1 returned transposed", fails=_SHAPES_AND_CHECK, says="W1 has shape",
         source=_bwd("dW1 = grad_W1(dz1, cache['x'])", "dW1 = grad_W1(dz1, cache['x']).T")),
    dict(exercise="backward", bug="dW1 built from a1, not x", fails=_SHAPES_AND_CHECK, says="the layer's input x",
         source=_bwd("dW1 = grad_W1(dz1, cache['x'])", "dW1 = grad_W1(dz1, cache['a1'])")),
    dict(exercise="backward", bug="gradients of W1 and W2 swapped in the dict", fails=_SHAPES_AND_CHECK, says="swapped",
         source=_bwd("{'dW1': dW1, 'db1': db1, 'dW2': dW2", "{'dW1': dW2, 'db1': db1, 'dW2': dW1")),
    dict(exercise="backward", bug="returns a tuple, not a dict", fails=_SHAPES_AND_CHECK, says="should return a dict",
         source=_bwd("return {'dW1': dW1, 'db1': db1, 'dW2': dW2, 'db2': db2}", "return dW1, db1, dW2, db2")),
    dict(exercise="backward", bug="db2 left out of the dict", fails=_SHAPES_AND_CHECK, says="missing ['db2']",
         source=_bwd(", 'db2': db2}", "}")),
    # --- Exercise 14: softmax_jacobian
    _J("− s sᵀ left out", "left out − s sᵀ", "s = softmax(z)\nreturn np.diag(s.ravel())"),
    _J("diag(s) left out", "left out diag(s)", "s = softmax(z)\nreturn -np.outer(s, s)"),
    _J("sign flip (s sᵀ − diag s)", "wrong sign", "s = softmax(z)\nreturn s @ s.T - np.diag(s.ravel())"),
    _J("np.diag of a column (takes its diagonal)", "np.diag of a (k, 1) column", "s = softmax(z)\nreturn np.diag(s) - s @ s.T"),
    _J("only the diagonal s(1 − s)", "only the diagonal", "s = softmax(z).ravel()\nreturn np.diag(s * (1 - s))"),
    _J("factor s_i missing (δij − sj)", "the factor s_i is missing", "s = softmax(z)\nreturn np.eye(len(s)) - s.T"),
    _J("built from z, not softmax(z)", "not from the scores z", "return np.diag(z.ravel()) - z @ z.T"),
    # --- Exercise 15: dz2_long_way
    _lw("minus sign dropped in dL/dŷ", "wrong sign", "y_hat = softmax(z2)\nreturn softmax_jacobian(z2).T @ (y / y_hat)"),
    _lw("y left out of dL/dŷ", "without y", "y_hat = softmax(z2)\nreturn softmax_jacobian(z2).T @ (-1 / y_hat)"),
    _lw("uses the loss −y log ŷ instead of its derivative", "not −y · log ŷ",
        "y_hat = softmax(z2)\nreturn softmax_jacobian(z2).T @ (-y * np.log(y_hat))"),
    _lw("Jacobian times dL/dŷ elementwise", "elementwise (*)",
        "y_hat = softmax(z2)\nreturn softmax_jacobian(z2).T * (-y / y_hat)"),
    _lw("multiplies by ŷ where it divides", "multiplied by ŷ where it divides",
        "y_hat = softmax(z2)\nreturn softmax_jacobian(z2).T @ (-y * y_hat)"),
    _lw("division by ŷ missing", "division by ŷ is missing", "return softmax_jacobian(z2).T @ (-y)"),
    _lw("divides by the scores z2", "not by the scores z2", "return softmax_jacobian(z2).T @ (-y / z2)"),
]
