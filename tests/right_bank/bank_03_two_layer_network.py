"""Right answers to lesson 03's exercises in other forms."""

LESSON = "03_two_layer_network"


def _f(name, args, body):
    return f"def {name}({args}):\n" + "".join(f"    {line}\n" for line in body.split("\n"))


def _case(exercise, bug, body, args, passes):
    return dict(exercise=exercise, bug=bug, passes=passes, source=_f(exercise, args, body))


_GRADCHECK = ["test_backward_shapes", "test_gradcheck"]

CASES = [
    # --- softmax
    _case("softmax", "no keepdims (broadcast over the last axis)", "e = np.exp(z - z.max(axis=0))\nreturn e / e.sum(axis=0)",
          "z", ["test_softmax"]),
    _case("softmax", "shifted on a copy, in place", "z = z.copy()\nz -= z.max(axis=0, keepdims=True)\nnp.exp(z, out=z)\n"
          "z /= z.sum(axis=0, keepdims=True)\nreturn z", "z", ["test_softmax"]),
    _case("softmax", "through log-sum-exp", "m = np.max(z, axis=0, keepdims=True)\n"
          "return np.exp(z - m - np.log(np.sum(np.exp(z - m), axis=0, keepdims=True)))", "z", ["test_softmax"]),
    _case("softmax", "one column at a time", "out = np.empty_like(z, dtype=float)\nfor j in range(z.shape[1]):\n"
          "    e = np.exp(z[:, j] - z[:, j].max())\n    out[:, j] = e / e.sum()\nreturn out", "z", ["test_softmax"]),
    # --- tanh_prime
    _case("tanh_prime", "1 / cosh²", "return 1 / np.cosh(z) ** 2", "z", ["test_tanh_prime"]),
    _case("tanh_prime", "4σ'(2z), through tanh z = 2σ(2z) − 1", "return 4 * sigmoid_prime(2 * z)", "z", ["test_tanh_prime"]),
    _case("tanh_prime", "(1 − t)(1 + t) with the package's tanh", "t = tanh(z)\nreturn (1 - t) * (1 + t)", "z",
          ["test_tanh_prime"]),
    _case("tanh_prime", "from the exponentials", "return 4 / (np.exp(z) + np.exp(-z)) ** 2", "z", ["test_tanh_prime"]),
    # --- relu_prime
    _case("relu_prime", "a boolean array", "return z > 0", "z", ["test_relu_prime", "test_grad_z1"]),
    _case("relu_prime", "np.where", "return np.where(z > 0, 1.0, 0.0)", "z", ["test_relu_prime"]),
    _case("relu_prime", "np.heaviside, 0 at the kink", "return np.heaviside(z, 0.0)", "z", ["test_relu_prime"]),
    _case("relu_prime", "1 at the kink (z >= 0)", "return (z >= 0).astype(float)", "z", ["test_relu_prime", "test_grad_z1"]),
    _case("relu_prime", "an integer array", "return (z > 0).astype(int)", "z", ["test_relu_prime", "test_grad_z1"]),
    # --- forward
    _case("forward", "if/elif on the activation, formulas written out",
          "z1 = np.dot(params['W1'], x) + params['b1']\nif activation == 'tanh':\n    a1 = np.tanh(z1)\n"
          "elif activation == 'relu':\n    a1 = np.maximum(z1, 0)\nelse:\n    a1 = 1 / (1 + np.exp(-z1))\n"
          "z2 = params['W2'].dot(a1) + params['b2']\ny_hat = softmax(z2)\n"
          "return y_hat, dict(x=x, z1=z1, a1=a1, z2=z2, y_hat=y_hat, activation=activation)",
          "x, params, activation='sigmoid'", ["test_forward", "test_backward_shapes", "test_gradcheck"]),
    _case("forward", "a list, and extra cache entries", "f, f_prime = activation_of(activation)\n"
          "z1 = params['W1'] @ x + params['b1']\na1 = f(z1)\nz2 = params['W2'] @ a1 + params['b2']\ny_hat = softmax(z2)\n"
          "cache = {'x': x, 'z1': z1, 'a1': a1, 'z2': z2, 'y_hat': y_hat, 'activation': activation, 'W1': params['W1']}\n"
          "return [y_hat, cache]", "x, params, activation='sigmoid'", ["test_forward", "test_gradcheck"]),
    # --- cross_entropy
    _case("cross_entropy", "a numpy float (no float())", "return -np.sum(y * np.log(y_hat))", "y_hat, y", ["test_cross_entropy"]),
    _case("cross_entropy", "a (1, 1) array", "return -np.sum(y * np.log(y_hat), axis=0, keepdims=True)", "y_hat, y",
          ["test_cross_entropy"]),
    _case("cross_entropy", "the true class picked by index", "return -np.log(y_hat[np.argmax(y), 0])", "y_hat, y",
          ["test_cross_entropy"]),
    _case("cross_entropy", "a dot product", "return -float(np.vdot(y, np.log(y_hat)))", "y_hat, y", ["test_cross_entropy"]),
    _case("cross_entropy", "a 0-d array", "return np.array(-np.sum(y * np.log(y_hat)))", "y_hat, y", ["test_cross_entropy"]),
    # --- grad_z2
    _case("grad_z2", "np.subtract", "return np.subtract(y_hat, y)", "y_hat, y", ["test_grad_z2"]),
    _case("grad_z2", "on a copy, in place", "d = y_hat.copy()\nd -= y\nreturn d", "y_hat, y", ["test_grad_z2"]),
    _case("grad_z2", "−(y − ŷ)", "return -(y - y_hat)", "y_hat, y", ["test_grad_z2"]),
    # --- grad_W2
    _case("grad_W2", "np.outer", "return np.outer(dz2, a1)", "dz2, a1", ["test_grad_W2"]),
    _case("grad_W2", "broadcasting a column against a row", "return dz2 * a1.T", "dz2, a1", ["test_grad_W2"]),
    _case("grad_W2", "the transpose of the transpose", "return (a1 @ dz2.T).T", "dz2, a1", ["test_grad_W2"]),
    _case("grad_W2", "einsum", "return np.einsum('ik,jk->ij', dz2, a1)", "dz2, a1", ["test_grad_W2"]),
    # --- grad_b2
    _case("grad_b2", "dz2 itself (no copy)", "return dz2", "dz2", ["test_grad_b2"]),
    _case("grad_b2", "summed over the examples, ready for a batch", "return np.sum(dz2, axis=1, keepdims=True)", "dz2",
          ["test_grad_b2"]),
    _case("grad_b2", "times the local derivative 1", "return dz2 * 1.0", "dz2", ["test_grad_b2"]),
    # --- grad_a1
    _case("grad_a1", "row times matrix, transposed back", "return (dz2.T @ W2).T", "W2, dz2", ["test_grad_a1"]),
    _case("grad_a1", "broadcast and sum over the classes", "return np.sum(W2 * dz2, axis=0, keepdims=True).T", "W2, dz2",
          ["test_grad_a1"]),
    _case("grad_a1", "np.dot", "return np.dot(W2.T, dz2)", "W2, dz2", ["test_grad_a1"]),
    # --- grad_z1
    _case("grad_z1", "formulas written out per activation",
          "if activation == 'tanh':\n    return da1 * (1 - np.tanh(z1) ** 2)\nif activation == 'relu':\n"
          "    return da1 * (z1 > 0)\ns = sigmoid(z1)\nreturn da1 * s * (1 - s)", "da1, z1, activation='sigmoid'",
          ["test_grad_z1", "test_gradcheck"]),
    _case("grad_z1", "np.multiply", "return np.multiply(da1, activation_of(activation)[1](z1))",
          "da1, z1, activation='sigmoid'", ["test_grad_z1"]),
    # --- grad_W1
    _case("grad_W1", "np.outer", "return np.outer(dz1, x)", "dz1, x", ["test_grad_W1"]),
    _case("grad_W1", "broadcasting", "return x.T * dz1", "dz1, x", ["test_grad_W1"]),
    # --- grad_b1
    _case("grad_b1", "dz1 itself (no copy)", "return dz1", "dz1", ["test_grad_b1"]),
    _case("grad_b1", "np.array copy", "return np.array(dz1)", "dz1", ["test_grad_b1"]),
    # --- backward
    _case("backward", "formulas inline, da1 before dW2, only the four keys",
          "x, z1, a1, y_hat = cache['x'], cache['z1'], cache['a1'], cache['y_hat']\n"
          "dz2 = y_hat - y\nda1 = params['W2'].T @ dz2\ndz1 = da1 * activation_of(cache['activation'])[1](z1)\n"
          "return {'db1': dz1, 'dW1': dz1 @ x.T, 'db2': dz2, 'dW2': dz2 @ a1.T}", "y, cache, params", _GRADCHECK),
    _case("backward", "the steps in another valid order, extra keys",
          "dz2 = grad_z2(cache['y_hat'], y)\nda1 = grad_a1(params['W2'], dz2)\ndz1 = grad_z1(da1, cache['z1'], cache['activation'])\n"
          "grads = {'dz2': dz2, 'da1': da1, 'dz1': dz1}\ngrads['db1'] = grad_b1(dz1)\ngrads['dW1'] = grad_W1(dz1, cache['x'])\n"
          "grads['db2'] = grad_b2(dz2)\ngrads['dW2'] = grad_W2(dz2, cache['a1'])\nreturn grads", "y, cache, params", _GRADCHECK),
    # --- softmax_jacobian
    _case("softmax_jacobian", "np.outer", "s = softmax(z)\nreturn np.diag(s.ravel()) - np.outer(s, s)", "z",
          ["test_softmax_jacobian"]),
    _case("softmax_jacobian", "diagflat and broadcasting", "s = softmax(z)\nreturn np.diagflat(s) - s * s.T", "z",
          ["test_softmax_jacobian"]),
    _case("softmax_jacobian", "entry by entry", "s = softmax(z).ravel()\nk = len(s)\nJ = np.zeros((k, k))\n"
          "for i in range(k):\n    for j in range(k):\n        J[i, j] = s[i] * ((i == j) - s[j])\nreturn J", "z",
          ["test_softmax_jacobian"]),
    # --- dz2_long_way
    _case("dz2_long_way", "einsum for Jᵀ·g", "g = -y / softmax(z2)\nreturn np.einsum('ji,jk->ik', softmax_jacobian(z2), g)",
          "z2, y", ["test_dz2_long_way"]),
    _case("dz2_long_way", "J without the transpose (it is symmetric)", "return softmax_jacobian(z2) @ (-y / softmax(z2))",
          "z2, y", ["test_dz2_long_way"]),
    _case("dz2_long_way", "row vector times J, transposed back", "g = -y / softmax(z2)\nreturn (g.T @ softmax_jacobian(z2)).T",
          "z2, y", ["test_dz2_long_way"]),
]
