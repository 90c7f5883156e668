LESSON = "05_gradient_checking"


def _numgrad(body):
    return ("def numerical_gradient(loss, theta, eps=1e-6):\n    grad = np.zeros(theta.shape)\n" + body
            + "    return grad\n")


_SUSPECT_BODY = ("    z1 = params['W1'] @ x + params['b1']; a1 = sigmoid(z1); y_hat = softmax(params['W2'] @ a1 + params['b2'])\n"
                 "    m = x.shape[1]\n")


def _fixed(dz2="(y_hat - y) / m", dW2="dz2 @ a1.T", dz1="(params['W2'].T @ dz2) * sigmoid_prime(z1)",
           db1="np.sum(dz1, axis=1, keepdims=True)"):
    return ("def backward_fixed(x, y, params):\n" + _SUSPECT_BODY
            + f"    dz2 = {dz2}\n    dW2, db2 = {dW2}, np.sum(dz2, axis=1, keepdims=True)\n    dz1 = {dz1}\n"
            + f"    return {{'dW1': dz1 @ x.T, 'db1': {db1}, 'dW2': dW2, 'db2': db2}}\n")


def _check(line):
    return ("def gradient_check(loss, params, grads, eps=1e-6):\n    errors = {}\n"
            "    for name, theta in params.items():\n        g = np.asarray(grads['d' + name], dtype=np.float64)\n"
            + line + "    return errors\n")


CASES = [
    dict(exercise="centred_difference", bug="forward difference", fails=["test_centred_difference"],
         says="not the forward difference",
         source="def centred_difference(f, x, eps=1e-6):\n    return (f(x + eps) - f(x)) / eps\n"),
    dict(exercise="centred_difference", bug="divides by eps instead of 2 eps", fails=["test_centred_difference"],
         says="twice what it should be",
         source="def centred_difference(f, x, eps=1e-6):\n    return (f(x + eps) - f(x - eps)) / eps\n"),
    dict(exercise="numerical_gradient", bug="forward differences", fails=["test_numerical_gradient"],
         says="not forward differences",
         source=_numgrad("    for ix in np.ndindex(theta.shape):\n        old = theta[ix]\n        base = loss()\n"
                         "        theta[ix] = old + eps\n        plus = loss()\n        theta[ix] = old\n"
                         "        grad[ix] = (plus - base) / eps\n")),
    dict(exercise="numerical_gradient", bug="entries not restored", fails=["test_numerical_gradient"], says="restore",
         source=_numgrad("    for ix in np.ndindex(theta.shape):\n        old = theta[ix]\n        theta[ix] = old + eps\n"
                         "        plus = loss()\n        theta[ix] = old - eps\n        minus = loss()\n"
                         "        grad[ix] = (plus - minus) / (2 * eps)\n")),
    dict(exercise="numerical_gradient", bug="whole array nudged at once", fails=["test_numerical_gradient"],
         says="one entry at a time",
         source=_numgrad("    old = theta.copy()\n    theta += eps\n    plus = loss()\n    theta[...] = old - eps\n"
                         "    minus = loss()\n    theta[...] = old\n    grad[...] = (plus - minus) / (2 * eps)\n")),
    dict(exercise="numerical_gradient", bug="divides by eps", fails=["test_numerical_gradient"], says="divide by 2ε",
         source=_numgrad("    for ix in np.ndindex(theta.shape):\n        old = theta[ix]\n        theta[ix] = old + eps\n"
                         "        plus = loss()\n        theta[ix] = old - eps\n        minus = loss()\n        theta[ix] = old\n"
                         "        grad[ix] = (plus - minus) / eps\n")),
    dict(exercise="relative_error", bug="no floor on the denominator", fails=["test_relative_error"], says="floor",
         source="def relative_error(a, n, floor=1e-8):\n"
                "    return float(np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n)))\n"),
    dict(exercise="relative_error", bug="divides by ‖a‖ only", fails=["test_relative_error"], says="not by ‖a‖ alone",
         source="def relative_error(a, n, floor=1e-8):\n"
                "    return float(np.linalg.norm(a - n) / max(np.linalg.norm(a), floor))\n"),
    dict(exercise="relative_error", bug="largest entry instead of norms", fails=["test_relative_error"], says="largest entry",
         source="def relative_error(a, n, floor=1e-8):\n    a, n = np.asarray(a, float), np.asarray(n, float)\n"
                "    return float(np.max(np.abs(a - n)) / max(np.max(np.abs(a)) + np.max(np.abs(n)), floor))\n"),
    dict(exercise="gradient_check", bug="no shape check", fails=["test_gradient_check"], says="report inf",
         source=_check("        errors[name] = relative_error(g, numerical_gradient(loss, theta, eps))\n")),
    dict(exercise="gradient_check", bug="keys named like the gradients", fails=["test_gradient_check"],
         says="one entry per parameter name",
         source=_check("        errors['d' + name] = float('inf') if g.shape != theta.shape else "
                       "relative_error(g, numerical_gradient(loss, theta, eps))\n")),
    dict(exercise="wrong_params", bug="flags the right ones instead", fails=["test_wrong_params"],
         source="def wrong_params(backward, x, y, params, tol=1e-4):\n    grads = backward(x, y, params)\n"
                "    errors = gradient_check(lambda: network_loss(x, y, params), params, grads)\n"
                "    return {name for name, err in errors.items() if err <= tol}\n"),
    dict(exercise="wrong_params", bug="only the worst parameter", fails=["test_wrong_params"], says="are wrong",
         source="def wrong_params(backward, x, y, params, tol=1e-4):\n    grads = backward(x, y, params)\n"
                "    errors = gradient_check(lambda: network_loss(x, y, params), params, grads)\n"
                "    worst = max(errors, key=errors.get)\n    return {worst} if errors[worst] > tol else set()\n"),
    dict(exercise="wrong_params", bug="absolute threshold 0.5", fails=["test_wrong_params"], says="above tol",
         source="def wrong_params(backward, x, y, params, tol=1e-4):\n    grads = backward(x, y, params)\n"
                "    errors = gradient_check(lambda: network_loss(x, y, params), params, grads)\n"
                "    return {name for name, err in errors.items() if err > 0.5}\n"),
    dict(exercise="backward_fixed", bug="suspect c unchanged (σ' dropped)", fails=["test_backward_fixed"],
         says="σ' factor is still missing", source=_fixed(dz1="params['W2'].T @ dz2")),
    dict(exercise="backward_fixed", bug="suspect b half fixed (dW1 without 1/m)", fails=["test_backward_fixed"],
         says="times too large",
         source=_fixed(dz2="y_hat - y", dW2="dz2 @ a1.T / m",
                       dz1="(params['W2'].T @ dz2) * sigmoid_prime(z1) / m").replace("'dW1': dz1 @ x.T", "'dW1': dz1 @ x.T * m")),
    dict(exercise="backward_fixed", bug="suspect e unchanged (bias not summed)", fails=["test_backward_fixed"],
         says="summed (and averaged) over the batch", source=_fixed(db1="dz1")),
    dict(exercise="backward_fixed", bug="suspect d unchanged (sign)", fails=["test_backward_fixed"], says="wrong sign",
         source=_fixed(dz2="(y - y_hat) / m")),
    dict(exercise="backward_fixed", bug="suspect a unchanged (transpose)", fails=["test_backward_fixed"], says="dW2",
         source=_fixed(dW2="a1 @ dz2.T")),
]
