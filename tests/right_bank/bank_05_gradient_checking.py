"""Right answers to lesson 05's exercises, written in other forms than the solution's."""

LESSON = "05_gradient_checking"

# numerical_gradient, relative_error and gradient_check are used by the later tests: right forms must pass them too
_USED_LATER = ["test_numerical_gradient", "test_relative_error", "test_gradient_check", "test_wrong_params"]

CASES = [
    dict(exercise="centred_difference", bug="two half-slopes averaged (forward and backward)", passes=["test_centred_difference"],
         source="def centred_difference(f, x, eps=1e-6):\n    forward = (f(x + eps) - f(x)) / eps\n"
                "    backward = (f(x) - f(x - eps)) / eps\n    return (forward + backward) / 2\n"),
    dict(exercise="centred_difference", bug="np.float64, divided in two steps", passes=["test_centred_difference"],
         source="def centred_difference(f, x, eps=1e-6):\n    rise = np.float64(f(x + eps)) - f(x - eps)\n"
                "    return rise / 2 / eps\n"),
    dict(exercise="numerical_gradient", bug="np.nditer, nudged by += and restored by arithmetic",
         passes=[_USED_LATER[0]] + _USED_LATER[2:],
         source="def numerical_gradient(loss, theta, eps=1e-6):\n    grad = np.zeros_like(theta, dtype=float)\n"
                "    it = np.nditer(theta, flags=['multi_index'])\n    for _ in it:\n        ix = it.multi_index\n"
                "        theta[ix] += eps\n        plus = loss()\n        theta[ix] -= 2 * eps\n        minus = loss()\n"
                "        theta[ix] += eps\n        grad[ix] = (plus - minus) / (2 * eps)\n    return grad\n"),
    dict(exercise="numerical_gradient", bug="a flat view, restored from a saved copy at the end",
         passes=[_USED_LATER[0]] + _USED_LATER[2:],
         source="def numerical_gradient(loss, theta, eps=1e-6):\n    saved = theta.copy()\n    flat = theta.reshape(-1)\n"
                "    slopes = []\n    for i in range(flat.size):\n        flat[i] = saved.flat[i] + eps\n        plus = loss()\n"
                "        flat[i] = saved.flat[i] - eps\n        minus = loss()\n        flat[i] = saved.flat[i]\n"
                "        slopes.append((plus - minus) / (2 * eps))\n    theta[...] = saved\n"
                "    return np.array(slopes).reshape(theta.shape)\n"),
    dict(exercise="relative_error", bug="norms by hand, np.float64 returned", passes=_USED_LATER[1:],
         source="def relative_error(a, n, floor=1e-8):\n    a, n = np.ravel(a).astype(float), np.ravel(n).astype(float)\n"
                "    norm = lambda v: np.sqrt(np.sum(v * v))\n    return norm(a - n) / np.maximum(norm(a) + norm(n), floor)\n"),
    dict(exercise="relative_error", bug="an if for the floor, a 0-d array", passes=_USED_LATER[1:],
         source="def relative_error(a, n, floor=1e-8):\n    top = np.linalg.norm(np.subtract(a, n))\n"
                "    bottom = np.linalg.norm(a) + np.linalg.norm(n)\n    if bottom < floor:\n        bottom = floor\n"
                "    return np.array(top / bottom)\n"),
    dict(exercise="gradient_check", bug="a dict comprehension, shapes by np.shape", passes=_USED_LATER[2:],
         source="def gradient_check(loss, params, grads, eps=1e-6):\n"
                "    same = lambda n: np.shape(grads['d' + n]) == np.shape(params[n])\n"
                "    return {n: relative_error(grads['d' + n], numerical_gradient(loss, params[n], eps)) if same(n) else np.inf\n"
                "            for n in params}\n"),
    dict(exercise="wrong_params", bug="its own forward-difference check (tol 1e-4 allows it)", passes=["test_wrong_params"],
         source="def wrong_params(backward, x, y, params, tol=1e-4):\n    grads = backward(x, y, params)\n    bad = set()\n"
                "    for name, theta in params.items():\n        g = np.asarray(grads['d' + name], dtype=float)\n"
                "        if g.shape != theta.shape:\n            bad.add(name)\n            continue\n"
                "        num = np.zeros(theta.shape)\n        for ix in np.ndindex(theta.shape):\n            old = theta[ix]\n"
                "            base = network_loss(x, y, params)\n            theta[ix] = old + 1e-7\n"
                "            num[ix] = (network_loss(x, y, params) - base) / 1e-7\n            theta[ix] = old\n"
                "        if relative_error(g, num) > tol:\n            bad.add(name)\n    return frozenset(bad)\n"),
    dict(exercise="backward_fixed", bug="σ' written out, 1/m at the end, sums without keepdims", passes=["test_backward_fixed"],
         source="def backward_fixed(x, y, params):\n    m = x.shape[1]\n    a1 = 1 / (1 + np.exp(-(params['W1'] @ x + params['b1'])))\n"
                "    y_hat = softmax(params['W2'] @ a1 + params['b2'])\n    d2 = y_hat - y\n"
                "    d1 = (params['W2'].T @ d2) * a1 * (1 - a1)\n"
                "    return {'dW2': d2 @ a1.T / m, 'db2': d2.sum(axis=1).reshape(-1, 1) / m,\n"
                "            'dW1': d1 @ x.T / m, 'db1': d1.sum(axis=1)[:, None] / m, 'dz2': d2 / m}\n"),
]
